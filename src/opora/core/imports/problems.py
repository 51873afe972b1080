"""What every importer shares before reading a row: the cell and progress types, the limits, and
the problems a file can have (`RowError`, `FileRejected`, `ErrorList`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CellValue = str | int | float | bool | datetime.date | datetime.time | datetime.timedelta | None
NumberedRow = tuple[int, list[CellValue]]  # (row number as Excel shows it, cells)
Progress = Callable[[int, int], None]  # (rows processed, rows in the file, approximately)

ALLOWED_SUFFIXES: tuple[str, ...] = (".xlsx", ".csv")
CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8", "utf-16", "cp1251")
MAX_CELL_CHARS = 4000  # no column Opora reads holds more; a longer cell is damage, not data
CSV_DELIMITERS: tuple[str, ...] = (";", ",", "\t")
MAX_ERRORS = 1000  # beyond this the list stops growing: nobody reads further


@dataclass(frozen=True)
class RowError:
    """One problem in a file: the row as numbered in Excel (header = 1), the column, the reason."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            parts.append(_("column «%(column)s»") % {"column": self.column})
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class FileRejected(Exception):
    """The file as a whole cannot be imported; nothing was changed."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class ErrorList:
    """Collects row errors up to MAX_ERRORS and counts the rest."""

    items: list[RowError] = field(default_factory=list)
    dropped: int = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(RowError(row, column, message))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def final(self) -> list[RowError]:
        """The errors in row order (a file-wide problem first)."""
        ordered = sorted(self.items, key=lambda e: e.row or 0)
        if not self.dropped:
            return ordered
        more = RowError(
            None,
            "",
            ngettext(
                "… and %(count)d more problem.", "… and %(count)d more problems.", self.dropped
            )
            % {"count": self.dropped},
        )
        return [*ordered, more]


def _reject(message: str) -> FileRejected:
    return FileRejected([RowError(None, "", message)])


def _is_blank(cells: Sequence[CellValue]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _extra_column(position: int) -> str:
    return _("column %(number)d (no header)") % {"number": position + 1}


def _reject_at(row: int, column: str, message: str) -> FileRejected:
    return FileRejected([RowError(row, column, message)])


def normalise(text: str) -> str:
    """Lower case, ё → е, underscores and runs of spaces → one space: for headers and values."""
    text = text.replace("ё", "е").replace("Ё", "Е").lower().replace("_", " ").replace("\xa0", " ")
    return " ".join(text.split())
