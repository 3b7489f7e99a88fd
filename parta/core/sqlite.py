"""SQLite folds case only for ASCII letters; Russian names need Unicode case folding.

The demo runs on SQLite, so its LIKE, LOWER() and UPPER() are replaced by ones that fold case
as PostgreSQL's do. PostgreSQL is untouched.
"""

import re
from functools import lru_cache
from typing import Any

from django.db.backends.signals import connection_created


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str) -> re.Pattern[str]:
    parts = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def unicode_like(pattern: str | None, value: Any, escape: str | None = None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _like_regex(pattern, escape or "").fullmatch(str(value)) is not None


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def register_unicode_case(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, unicode_like, deterministic=True)
        connection.connection.create_function("like", 3, unicode_like, deterministic=True)
        connection.connection.create_function("lower", 1, _lower, deterministic=True)
        connection.connection.create_function("upper", 1, _upper, deterministic=True)


connection_created.connect(register_unicode_case)
