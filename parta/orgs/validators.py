"""Checksums of Russian registration numbers of legal entities (ИНН, ОГРН)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def validate_inn(value: str) -> None:
    """A legal entity's ИНН: ten digits, the last one a checksum of the first nine."""
    if len(value) != 10 or not value.isdigit():
        raise ValidationError(_("The INN of an organisation has exactly 10 digits."), code="inn")
    digits = [int(char) for char in value]
    check = (
        sum(weight * digit for weight, digit in zip(INN_WEIGHTS, digits, strict=False)) % 11 % 10
    )
    if check != digits[9]:
        raise ValidationError(
            _("The INN check digit does not match: check the number."), code="inn"
        )


def validate_ogrn(value: str) -> None:
    """An ОГРН: thirteen digits, the last one the remainder of the first twelve divided by 11."""
    if len(value) != 13 or not value.isdigit():
        raise ValidationError(_("The OGRN has exactly 13 digits."), code="ogrn")
    if int(value[:12]) % 11 % 10 != int(value[12]):
        raise ValidationError(
            _("The OGRN check digit does not match: check the number."), code="ogrn"
        )
