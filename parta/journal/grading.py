"""What a journal cell may hold, how it is typed, and how marks average (pure functions)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parta.journal.models import Attendance, Mark

#: What a teacher types → the attendance it records (seed 004: Н, Б, У, ОП).
ATTENDANCE_INPUT = {
    "н": Attendance.Kind.ABSENT,
    "б": Attendance.Kind.ILL,
    "у": Attendance.Kind.EXCUSED,
    "оп": Attendance.Kind.LATE,
}
ATTENDANCE_LETTER = {kind: letter.upper() for letter, kind in ATTENDANCE_INPUT.items()}
PASS_FAIL_INPUT = {"зч": Mark.PASS, "зач": Mark.PASS, "нз": Mark.FAIL, "незач": Mark.FAIL}
FIVE_POINT = ("1", "2", "3", "4", "5")
MAX_MARKS_PER_CELL = 4
TOKEN = re.compile(r"незач|зач|зч|нз|оп|\S")


@dataclass(frozen=True)
class CellValue:
    """The marks and the attendance of one student at one lesson."""

    marks: tuple[str, ...] = ()
    attendance: str = ""

    @property
    def text(self) -> str:
        parts = [value.upper() if not value.isdigit() else value for value in self.marks]
        if self.attendance:
            parts.append(ATTENDANCE_LETTER[self.attendance])
        return " ".join(parts)

    @property
    def is_empty(self) -> bool:
        return not self.marks and not self.attendance


def parse_cell(text: str, *, pass_fail: bool) -> CellValue:
    """Read what was typed into a cell: «5», «54», «4 н», «ОП», «зч»; empty clears it."""
    marks: list[str] = []
    attendance = ""
    for token in TOKEN.findall(text.lower().replace(",", " ").replace("/", " ")):
        if token in ATTENDANCE_INPUT:
            if attendance:
                raise ValidationError(
                    _("Only one of Н, Б, У, ОП can stand in a cell."), code="two_attendance"
                )
            attendance = ATTENDANCE_INPUT[token]
        elif token in PASS_FAIL_INPUT:
            if not pass_fail:
                raise ValidationError(
                    _("This subject is marked on the five-point scale: enter 1 to 5."),
                    code="not_pass_fail",
                )
            marks.append(PASS_FAIL_INPUT[token])
        elif token in FIVE_POINT:
            if pass_fail:
                raise ValidationError(
                    _("This subject is marked «зачёт / незачёт»: enter ЗЧ or НЗ."),
                    code="pass_fail_only",
                )
            marks.append(token)
        else:
            raise ValidationError(
                _("«%(token)s» is not a mark: enter 1 to 5, ЗЧ, НЗ or Н, Б, У, ОП.")
                % {"token": token},
                code="unknown_mark",
            )
    if len(marks) > MAX_MARKS_PER_CELL:
        raise ValidationError(
            _("A cell holds at most %(count)s marks.") % {"count": MAX_MARKS_PER_CELL},
            code="too_many_marks",
        )
    return CellValue(marks=tuple(marks), attendance=attendance)


def parse_period_mark(text: str, *, pass_fail: bool) -> str:
    """One period, year, exam or final mark: 2 to 5, or зачёт / незачёт; empty clears it."""
    value = text.strip().lower()
    if not value:
        return ""
    if pass_fail and value in PASS_FAIL_INPUT:
        return PASS_FAIL_INPUT[value]
    if not pass_fail and value in FIVE_POINT:
        return value
    if pass_fail:
        raise ValidationError(
            _("This subject is marked «зачёт / незачёт»: enter ЗЧ or НЗ."), code="pass_fail_only"
        )
    raise ValidationError(
        _("A period mark is one number from 1 to 5."), code="period_mark_out_of_scale"
    )


def weighted_average(marks: Iterable[tuple[str, int]]) -> Decimal | None:
    """The weighted average of (value, weight) pairs, to two places; pass/fail marks don't count."""
    total = Decimal(0)
    weights = 0
    for value, weight in marks:
        if value.isdigit():
            total += int(value) * weight
            weights += weight
    if not weights:
        return None
    return (total / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
