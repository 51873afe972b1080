"""The municipal heat map of schools × risk factors, with the share of schools where each factor is
high, and its XLSX export (`?format=xlsx`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from opora.core import access
from opora.core.access import Perm
from opora.core.xlsx import XLSX_CONTENT_TYPE, workbook_bytes
from opora.diagnostics.heatmap import (
    SORTS,
    HeatMap,
    heatmap_build,
    heatmap_municipalities,
    heatmap_years,
)
from opora.diagnostics.models import Level, Wave


def _year(value: str | None, years: list[int]) -> int | None:
    if value and value.isdigit():
        return int(value)
    return years[0] if years else None  # the latest year with profiles the user sees


@login_required
@require_GET
def heatmap(request: HttpRequest) -> HttpResponse:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_RISK_PROFILES):
        raise PermissionDenied
    years = heatmap_years(request.user)
    year = _year(request.GET.get("year"), years)
    wave = request.GET.get("wave", "") if request.GET.get("wave") in Wave.values else Wave.ENTRY
    municipalities = list(heatmap_municipalities(request.user))
    code = request.GET.get("municipality", "")
    municipality = next((m for m in municipalities if m.code == code), None)
    sort = request.GET.get("sort", "") if request.GET.get("sort") in SORTS else "municipality"
    result = heatmap_build(request.user, year=year, wave=wave, municipality=municipality, sort=sort)
    if request.GET.get("format") == "xlsx":
        return _export(result)
    params = request.GET.copy()
    params.pop("sort", None)
    params.pop("format", None)
    return render(request, "diagnostics/heatmap.html", {
        "map": result, "years": years, "waves": Wave.choices, "municipalities": municipalities,
        "sort": sort, "sort_params": params.urlencode(), "levels": dict(Level.choices),
        "wave_label": Wave(wave).label, "selected_code": municipality.code if municipality else "",
        "multi_municipality": len(municipalities) > 1,
    })


def _export(result: HeatMap) -> HttpResponse:
    """The matrix (levels as words, scores as numbers) on one sheet, the shares on another."""
    labels: dict[str, Any] = dict(Level.choices)
    workbook = Workbook()
    bold = Font(bold=True)
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # never: a new workbook has one worksheet
        raise TypeError("a new workbook without its worksheet")
    sheet.title = _("Heat map")[:31]
    headers = [_("Municipality"), _("School code"), _("School"), _("Answers are reliable"), _("Verified")]
    # Outside the f-strings: xgettext does not look inside them.
    parts = (_("level"), _("score"), _("selected to work on"))
    for column in result.columns:
        headers += [f"{column.name}: {part}" for part in parts]
    sheet.append(headers)
    for header in sheet[1]:
        header.font = bold
    for row in result.rows:
        values: list[Any] = [row.municipality.name, row.school.code, row.school.name,
                             _("yes") if row.profile.trusted else _("no"), _("yes") if row.verified else _("no")]
        for cell in row.cells:
            if cell is None:
                values += [None, None, None]
            else:
                values += [str(labels.get(cell.level, _("not enough data"))),
                           None if cell.score is None else round(cell.score, 4), _("yes") if cell.selected else ""]
        sheet.append(values)
    shares = workbook.create_sheet(_("Shares of schools")[:31])
    shares.append([_("Risk factor"), _("High: schools"), _("High: share"), _("Medium: schools"),
                   _("Medium: share"), _("Schools with a level")])
    for header in shares[1]:
        header.font = bold
    for share in result.shares:
        shares.append([share.column.name, share.high, share.high / share.total if share.total else None,
                       share.medium, share.medium / share.total if share.total else None, share.total])
        for number in (3, 5):
            shares.cell(row=shares.max_row, column=number).number_format = "0%"
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    where = f"-{result.municipality.code}" if result.municipality else ""
    response["Content-Disposition"] = f'attachment; filename="risk-heatmap-{result.year}-{result.wave}{where}.xlsx"'
    return response
