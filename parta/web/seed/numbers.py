"""Registration numbers with correct check digits: СНИЛС, ИНН and ОГРН of legal entities."""

from parta.identity.validators import snils_check_digits
from parta.orgs.validators import INN_WEIGHTS

#: A permutation step coprime with the block size, so consecutive serials do not look consecutive.
_SNILS_STEP = 7919
SNILS_BLOCK = 500_000


def snils(base: int, serial: int) -> str:
    """The serial-th СНИЛС of the block starting at `base` (unique for serials below the block)."""
    first_nine = f"{base + serial * _SNILS_STEP % SNILS_BLOCK:09d}"
    return first_nine + snils_check_digits(first_nine)


def inn(tax_office: str, serial: int) -> str:
    """A legal entity's ИНН: tax office code (4 digits), a 5-digit serial, the check digit."""
    body = f"{tax_office}{serial:05d}"
    check = sum(weight * int(digit) for weight, digit in zip(INN_WEIGHTS, body, strict=True))
    return body + str(check % 11 % 10)


def ogrn(*, year: int, region_code: str, tax_office: str, serial: int) -> str:
    """An ОГРН: sign 1, year, region, tax office, a 5-digit serial, the check digit."""
    body = f"1{year % 100:02d}{region_code}{tax_office[2:]}{serial:05d}"
    return body + str(int(body) % 11 % 10)
