"""Matching a file's header to an importer's columns, by name or by a saved column mapping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from opora.core.imports.problems import CellValue, ErrorList, FileRejected, RowError, _extra_column, normalise

if TYPE_CHECKING:
    from opora.core.imports.tabular import Sheet



@dataclass(frozen=True)
class Column:
    """A column an importer knows: its key (the English header) and accepted Russian headers."""

    key: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    instead: tuple[str, ...] = ()  # keys whose column may stand in for a required one

    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


@dataclass(frozen=True)
class Layout:
    """Where a file keeps its data, as a user mapped it or a known form lays it out: the sheet,
    the header row, for each header as written (normalised) the column key it means ("" for a
    column to skip), and values that hold for every row (a form's title: «Предмет: Математика»)."""

    sheet: str = ""
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    form: str = ""  # the name of the recognised form, for the summary

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "values": self.values, "form": self.form}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Layout | None:
        if not data:
            return None
        row = data.get("header_row")
        return cls(str(data.get("sheet") or ""), int(row) if row else None,
                   {normalise(str(k)): str(v) for k, v in (data.get("columns") or {}).items()},
                   {str(k): str(v) for k, v in (data.get("values") or {}).items()},
                   str(data.get("form") or ""))


def header_name(header: Sequence[str], position: int) -> str:
    """What a mapping calls the header cell at `position`: its text, or «column N» when blank."""
    written = header[position] if position < len(header) else ""
    return normalise(written) if written else f"#{position + 1}"


class HeaderMismatch(FileRejected):
    """Required columns are missing from the header or repeated: a column mapping may fix it."""

    def __init__(self, errors: list[RowError], sheet: Sheet) -> None:
        super().__init__(errors)
        self.sheet_name = sheet.name
        self.header_row = sheet.header_row
        self.header = list(sheet.header)


@dataclass
class ColumnMap:
    index: dict[str, int]  # key → position in the row
    label: dict[str, str]  # key → the header as the user wrote it
    ignored: list[str]  # headers nobody reads
    values: dict[str, str] = field(default_factory=dict)  # key → the value of every row (a layout's)
    derived: set[str] = field(default_factory=set)  # keys an importer computes from other columns

    def has(self, key: str) -> bool:
        return key in self.index or key in self.values or key in self.derived

    def cell(self, cells: Sequence[CellValue], key: str) -> CellValue:
        if key in self.values:
            return self.values[key]
        pos = self.index.get(key)
        if pos is None or pos >= len(cells):
            return None
        return cells[pos]


def map_columns(sheet: Sheet, columns: Sequence[Column], layout: Layout | None = None) -> ColumnMap:
    """Match the header against known columns; raise FileRejected on repeated ones and
    HeaderMismatch on missing ones. A `layout`'s mapping decides for the headers it names."""
    by_name: dict[str, str] = {}
    for column in columns:
        for name in column.names():
            by_name[normalise(name)] = column.key
    keys = {c.key for c in columns}
    mapped = {name: key for name, key in (layout.columns if layout else {}).items() if not key or key in keys}
    errors = ErrorList()
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    ignored: list[str] = []
    width = max(len(sheet.header), max((int(n[1:]) for n in mapped if n[:1] == "#" and n[1:].isdigit()),
                                       default=0))
    for pos in range(width):
        name = header_name(sheet.header, pos)
        written = sheet.header[pos] if pos < len(sheet.header) and sheet.header[pos] else _extra_column(pos)
        if name in mapped:
            key = mapped[name] or None
            if key is None:
                continue
        elif pos >= len(sheet.header) or not sheet.header[pos]:
            continue
        else:
            key = by_name.get(name)
        if key is None:
            ignored.append(written)
        elif key in index:
            errors.add(
                sheet.header_row,
                written,
                _("The column is repeated: «%(first)s» already means the same.")
                % {"first": label[key]},
            )
        else:
            index[key] = pos
            label[key] = written
    values = {k: v for k, v in (layout.values if layout else {}).items() if k in keys and k not in index}
    for column in columns:
        if column.key in values:
            label[column.key] = _("%(column)s (for the whole file)") % {
                "column": column.aliases[0] if column.aliases else column.key}
        present = [k for k in (column.key, *column.instead) if k in index or k in values]
        if column.required and not present:
            errors.add(
                sheet.header_row,
                column.key,
                _("Required column is missing (accepted headers: %(names)s).")
                % {"names": ", ".join(column.names())},
            )
    if errors:
        raise HeaderMismatch(errors.final(), sheet)
    return ColumnMap(index, label, ignored, values)
