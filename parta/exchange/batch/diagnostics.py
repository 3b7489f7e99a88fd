"""The diagnostics window: every problem of a file, with where it is and what is wrong."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem: `code` for the tests, `message` (in the interface language) for people."""

    code: str
    message: str
    sheet: str = ""
    row: int | None = None  # the spreadsheet's row number, as Excel shows it
    column: str = ""  # the header of the column
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class BatchFileError(Exception):
    """The file cannot be taken: the problems say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.code for problem in problems))
        self.problems = problems
