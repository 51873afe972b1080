"""Saved column mappings, and running an import with one: the one the user chose, or a saved
mapping that fits the file when its header does not match by itself."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opora.core.imports.mapping import Preview, fits, preview
from opora.core.imports.outcome import ImportOutcome
from opora.core.imports.tabular import HEADER_SEARCH_ROWS, FileRejected, Layout, RowError
from opora.core.models import ColumnMapping, User

ImportService = Callable[..., ImportOutcome]
# Known file forms of an import (the federal portal's, a processing centre's), by kind: each looks
# at the first rows and returns the layout it recognises, or None. Apps register theirs.
RECOGNISERS: dict[str, tuple[Callable[[Preview], Layout | None], ...]] = {}


def mappings_for(kind: str) -> QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(kind=kind).order_by("-updated_at", "name")


def mapping_get(kind: str, name: str) -> ColumnMapping | None:
    return ColumnMapping.objects.filter(kind=kind, name=name.strip()).first()


def mapping_save(*, actor: User, kind: str, name: str, layout: Layout) -> ColumnMapping:
    """Save under `name` (an existing mapping of that name is replaced)."""
    mapping, _created = ColumnMapping.objects.update_or_create(
        kind=kind, name=name.strip()[:100],
        defaults={"layout": layout.as_dict(), "created_by": actor},
    )
    return mapping


def mapping_fitting(kind: str, path: Path, sheet: str | None = None) -> tuple[ColumnMapping, Layout] | None:
    """The most recent saved mapping whose columns are all in one of the file's first rows,
    with that row as the header (the next file may have one title row more or less)."""
    previews: dict[str, Any] = {}
    for mapping in mappings_for(kind):
        layout = Layout.from_dict(mapping.layout)
        if layout is None:
            continue
        wanted = sheet or layout.sheet or ""
        if wanted not in previews:
            try:
                previews[wanted] = preview(path, wanted)
            except FileRejected:  # e.g. the saved sheet name is not in this workbook
                previews[wanted] = None
        shown = previews[wanted]
        if shown is None:
            continue
        for number, cells in shown.rows[:HEADER_SEARCH_ROWS]:
            if fits(layout, cells):
                return mapping, Layout(shown.sheet, number, layout.columns)
    return None


def accepts(service: ImportService, name: str) -> bool:
    """Whether the service names the parameter (a wrapper taking **kwargs must name it too)."""
    return name in inspect.signature(service).parameters


def import_mapped(
    service: ImportService, *, kind: str, layout: Layout | None = None, **kwargs: Any
) -> ImportOutcome:
    """Run the import; when the header does not fit and no mapping was given, run it again with a
    saved mapping that fits, and say so in the outcome."""
    if not accepts(service, "layout"):
        return service(**kwargs)
    outcome = service(layout=layout, **kwargs)
    if outcome.ok or outcome.mismatch is None or layout is not None:
        return outcome
    recognised = form_recognised(kind, kwargs["path"], kwargs.get("sheet"))
    if recognised is not None:
        again = service(layout=recognised, **kwargs)
        if again.ok or again.mismatch is None:
            again.notes.append(_("the file was read as %(form)s") % {"form": recognised.form})
            return again
        # The form is known but incomplete: say what it lacks rather than the generic header list.
        again.errors.insert(0, RowError(None, "", _(
            "The file looks like %(form)s; what it lacks is listed below: add it to the form's title "
            "(e.g. «Предмет: Математика») or map the columns.") % {"form": recognised.form}))
        outcome = again
    found = mapping_fitting(kind, kwargs["path"], kwargs.get("sheet"))
    if found is None:
        return outcome
    mapping, fitted = found
    again = service(layout=fitted, **kwargs)
    again.notes.append(_("the saved column mapping «%(name)s» was applied") % {"name": mapping.name})
    return again


def form_recognised(kind: str, path: Path, sheet: str | None = None) -> Layout | None:
    """The layout of the first known form of this import the file is in, if any."""
    recognisers = RECOGNISERS.get(kind, ())
    if not recognisers:
        return None
    try:
        shown = preview(path, sheet)
    except FileRejected:
        return None
    for recognise in recognisers:
        layout = recognise(shown)
        if layout is not None:
            return layout
    return None
