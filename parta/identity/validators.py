"""Validation of personal numbers: СНИЛС and passport."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SNILS_CHECKED_FROM = 1_001_998  # numbers up to 001-001-998 were issued without a checksum


def normalize_snils(value: str) -> str:
    """СНИЛС as its 11 digits, whatever spaces and dashes were typed."""
    return re.sub(r"[\s\-]", "", value or "")


def snils_check_digits(first_nine: str) -> str:
    """The two check digits of a СНИЛС from its first nine digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(9, 0, -1), strict=True)
    )
    if total > 101:
        total %= 101
    return "00" if total in (100, 101) else f"{total:02d}"


def validate_snils(value: str) -> None:
    """A СНИЛС has 11 digits whose last two are the checksum of the first nine."""
    digits = normalize_snils(value)
    if len(digits) != 11 or not digits.isdigit():
        raise ValidationError(
            _("SNILS has 11 digits, for example 112-233-445 95."), code="snils_format"
        )
    if int(digits[:9]) > SNILS_CHECKED_FROM and snils_check_digits(digits[:9]) != digits[9:]:
        raise ValidationError(
            _("SNILS check digits do not match: check the number on the card."),
            code="snils_checksum",
        )


def format_snils(digits: str) -> str:
    """112-233-445 95."""
    if len(digits) != 11:
        return digits
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def mask_snils(digits: str) -> str:
    """***-***-*** 95: enough to tell two cards apart, not enough to use the number."""
    if len(digits) != 11:
        return ""
    return f"***-***-*** {digits[9:]}"


def validate_passport_series(value: str) -> None:
    if not re.fullmatch(r"\d{4}", value):
        raise ValidationError(_("A passport series has 4 digits."), code="passport_series")


def validate_passport_number(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value):
        raise ValidationError(_("A passport number has 6 digits."), code="passport_number")
