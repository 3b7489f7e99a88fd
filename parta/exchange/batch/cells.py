"""Values between the cards and the cells of the workbook, both ways.

Reading accepts what Excel and LibreOffice Calc make of a cell when someone edits it: a date
typed as text or kept as a date cell, a СНИЛС or a passport number turned into a number (its
leading zeros lost), spaces around the text.
"""

import re
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from parta.exchange.batch.fields import Column, Kind, Target
from parta.identity.models import Person
from parta.identity.validators import format_snils, normalize_snils
from parta.students.models import Guardianship, Student

DATE_FORMAT = "%d.%m.%Y"
DATE_PATTERN = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
MODELS: dict[Target, type[models.Model]] = {
    Target.PERSON: Person,
    Target.CARD: Student,
    Target.RELATION: Guardianship,
}


class CellError(Exception):
    """A cell whose value cannot be taken: `code` for the tests, `message` for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def to_cell(column: Column, value: Any) -> Any:
    """The value as the exported cell shows it (dates stay dates; the writer formats them)."""
    if value is None or value == "":
        return ""
    if column.kind == Kind.CHOICE:
        return column.word(value)
    if column.kind == Kind.SNILS:
        return format_snils(value)
    return value


def show(column: Column, value: Any) -> str:
    """The value as the dry run and the diagnostics show it."""
    shown = to_cell(column, value)
    if isinstance(shown, date):
        return shown.strftime(DATE_FORMAT)
    return str(shown)


def raw_text(raw: Any) -> str:
    """Any cell as text: numbers without a trailing «.0», dates as dd.mm.yyyy."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        return str(int(raw))
    if isinstance(raw, datetime | date):
        return raw.strftime(DATE_FORMAT)
    return str(raw).strip()


def _date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = raw_text(raw)
    if not text:
        return None
    if DATE_PATTERN.fullmatch(text):
        try:
            return datetime.strptime(text, DATE_FORMAT).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            pass
    raise CellError("bad_date", _("A date is written as dd.mm.yyyy, for example 01.09.2015."))


def _choice(column: Column, text: str) -> str:
    if not text:
        return ""
    wanted = text.casefold()
    for code, word in column.words.items():
        if wanted in (word.casefold(), str(code).casefold()):
            return str(code)
    raise CellError(
        "bad_choice",
        _("Choose one of: %(values)s.") % {"values": ", ".join(column.words.values())},
    )


def _number_text(raw: Any, digits: int | None) -> str:
    """A number the spreadsheet made of a digit string gets its leading zeros back."""
    text = raw_text(raw)
    if digits and isinstance(raw, int | float) and text.isdigit():
        return text.zfill(digits)
    return text


def _id(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise CellError("bad_id", _("The ID is a number given by the export: do not change it."))
    return int(text)


def convert(column: Column, raw: Any) -> Any:
    """The cell's value in the card's terms (a date, a choice's code, digits of a СНИЛС)."""
    if column.kind == Kind.ID:
        return _id(raw_text(raw))
    if column.kind == Kind.DATE:
        return _date(raw)
    if column.kind == Kind.CHOICE:
        return _choice(column, raw_text(raw))
    if column.kind == Kind.SNILS:
        return normalize_snils(_number_text(raw, column.digits))
    return _number_text(raw, column.digits)


def validate(column: Column, value: Any) -> Any:
    """A new value checked as the card's field checks it (length, e-mail, СНИЛС checksum…)."""
    model = MODELS.get(column.target)
    if model is None or value in ("", None):
        return value
    try:
        return model._meta.get_field(column.key).clean(value, None)
    except ValidationError as error:
        code = next((item.code for item in error.error_list if item.code), "invalid")
        raise CellError(code, " ".join(error.messages)) from error
