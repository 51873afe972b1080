"""The steps both staff importers (the registry, the deficit diagnostics) take around their own
parsing and storing: reading the rows once each, and the all-or-nothing end of the import."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.utils.translation import gettext as _

from opora.core.imports.outcome import ImportOutcome, ignored_note, rejected
from opora.core.imports.tabular import CellValue, ColumnMap, ErrorList, Progress, RowError, Sheet

R = TypeVar("R")
PROGRESS_EVERY = 200  # rows between two progress reports


def unique_rows(sheet: Sheet, parse: Callable[[int, list[CellValue]], R | None], key: Callable[[R], Hashable],
                errors: ErrorList, *, column: str, repeated: str, progress: Progress | None) -> list[R]:
    """The rows `parse` accepts, each `key` once: a later row with the same key is an error in
    `column`, `repeated` naming the first one (%(row)d), so a file never updates a thing twice."""
    rows: list[R] = []
    seen: dict[Hashable, int] = {}
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        parsed = parse(number, cells)
        if parsed is not None:
            first = seen.setdefault(key(parsed), number)
            if first != number:
                errors.add(number, column, repeated % {"row": first})
            else:
                rows.append(parsed)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, sheet.total_rows)
    return rows


def apply_checked(rows: list[R], errors: ErrorList, columns: ColumnMap,
                  apply: Callable[[list[R]], ImportOutcome]) -> ImportOutcome:
    """Nothing changes on any error or when the file has no data row; else `apply` stores the rows
    and the outcome notes the columns the file had that were not read."""
    if errors:
        return rejected(errors.final())
    if not rows:
        return rejected([RowError(None, "", _("The file has a header but no rows of data."))])
    outcome = apply(rows)
    outcome.notes.extend(ignored_note(columns.ignored))
    return outcome
