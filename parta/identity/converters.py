"""URL path converter for a unit: `org-12` is organisation 12, `authority-3` is authority 3."""

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitKey:
    kind: str
    pk: int

    def __str__(self) -> str:
        return f"{self.kind}-{self.pk}"


class UnitConverter:
    regex = r"(?:org|authority)-\d+"

    def to_python(self, value: str) -> UnitKey:
        kind, pk = value.split("-")
        return UnitKey(kind=kind, pk=int(pk))

    def to_url(self, value: "UnitKey | object") -> str:
        if isinstance(value, UnitKey):
            return str(value)
        kind = "authority" if value._meta.model_name == "authority" else "org"  # type: ignore[attr-defined]
        return f"{kind}-{value.pk}"  # type: ignore[attr-defined]
