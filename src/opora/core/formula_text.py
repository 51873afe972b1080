"""Keeping user text inert in spreadsheets (OWASP "CSV injection").

Names, comments and codes come from imports and forms; a value such as
``=HYPERLINK("http://evil","x")`` must reach the reader of an export as the text
it is, never as a formula Excel or LibreOffice would run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

# The characters a spreadsheet treats as the start of a formula when it parses text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A signed number ("-0.05", "+3") is data, not a formula: it stays as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def looks_like_formula(value: object) -> bool:
    return (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
            and _PLAIN_NUMBER.fullmatch(value) is None)


def csv_value(value: Any) -> Any:
    """A CSV field that a spreadsheet opens as text: a leading apostrophe disarms it."""
    if looks_like_formula(value):
        return "'" + value
    return value


def csv_row(row: Sequence[Any] | Iterable[Any]) -> list[Any]:
    return [csv_value(value) for value in row]
