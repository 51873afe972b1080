"""Turning one cell (text from CSV, a typed value from XLSX) into a Python value, or a reason."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from opora.core.imports.tabular import CellValue, normalise


class CellError(ValueError):
    """The cell cannot be read; the message is ready to show."""


# No figure Opora imports comes near this; beyond it a number is a typo or damage, and the
# databases' integer columns (2^31 − 1 on PostgreSQL) could not hold it anyway.
MAX_NUMBER = Decimal(10**9)
MAX_COUNT = 2_147_483_647
_MAX_NUMBER_TEXT = 40  # characters; a longer «number» is not one, and Decimal would chew on it


def cell_text(value: CellValue) -> str:
    """The cell as stripped text; whole floats (Excel stores codes as numbers) lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time | datetime.timedelta):
        return str(value)
    return str(value).strip()


def is_empty(value: CellValue) -> bool:
    return cell_text(value) == ""


def _number_text(value: CellValue) -> str:
    text = cell_text(value)
    # Spaces (also non-breaking) separate thousands; a comma is the Russian decimal point.
    return text.replace("\xa0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")


def cell_decimal(value: CellValue) -> Decimal:
    """A number; accepts a decimal comma and spaces between thousands."""
    if isinstance(value, bool) or isinstance(
        value, datetime.datetime | datetime.date | datetime.time | datetime.timedelta
    ):
        raise CellError(_("Expected a number, found «%(value)s».") % {"value": cell_text(value)})
    if isinstance(value, int | float):
        number: Decimal | None = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = _number_text(value)
        try:
            number = Decimal(text) if len(text) <= _MAX_NUMBER_TEXT else None
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise CellError(
            _("Expected a number, found «%(value)s».") % {"value": cell_text(value)[:50]}
        )
    if abs(number) > MAX_NUMBER:
        raise CellError(
            _("The number %(value)s is too large (at most %(max)s).")
            % {"value": cell_text(value)[:50], "max": f"{MAX_NUMBER:,.0f}".replace(",", " ")}
        )
    return number


def cell_count(value: CellValue, maximum: int = MAX_COUNT) -> int:
    """A whole number from 0 to `maximum` (a count of people: give the plausible maximum)."""
    number = cell_decimal(value)
    if number < 0:
        raise CellError(_("The value cannot be negative."))
    if number != number.to_integral_value():
        raise CellError(
            _("Expected a whole number, found «%(value)s».") % {"value": cell_text(value)}
        )
    if number > maximum:
        raise CellError(
            _("The value %(value)s is implausibly large (at most %(max)d).")
            % {"value": cell_text(value), "max": maximum}
        )
    return int(number)


def cell_share_raw(value: CellValue) -> tuple[Decimal, bool]:
    """A share as written, and whether it carried a trailing '%'. Scaling comes per column."""
    text = cell_text(value)
    if isinstance(value, str) and text.endswith("%"):
        return cell_decimal(text[:-1]), True
    return cell_decimal(value), False


_TRUE = {"да", "1", "true", "истина", "есть", "yes", "+"}
_FALSE = {"нет", "0", "false", "ложь", "no", "-"}


def cell_bool(value: CellValue) -> bool:
    if isinstance(value, bool):
        return value
    text = normalise(cell_text(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(
        _("Expected «да» or «нет» (also 1/0, true/false), found «%(value)s».")
        % {"value": cell_text(value)}
    )
