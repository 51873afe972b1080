"""The «Поддержка» start page: the curator's, the school's and the territory's views (see `support/hub.py`),
and the XLSX of the territory's table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opora.core import access
from opora.core.access import Perm
from opora.core.xlsx import xlsx_response
from opora.core.years import is_valid_year
from opora.support import hub


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else 0
    return year if is_valid_year(year) else timezone.localdate().year


def _export(view: hub.TerritoryView, year: int) -> HttpResponse:
    headers = [_("Municipality"), _("School code"), _("School"), _("Curators"), _("Curator since"), _("Partners"),
               _("Visits this year"), _("Last visit"), _("Roadmap"), _("Events invited to (held)"),
               _("Events attended"), _("Participation, %"), _("Open decisions"), _("Overdue decisions")]
    rows = ([r.school.municipality.name, r.school.code, r.school.name, ", ".join(r.curators),
             formats.date_format(r.curator_since, "d.m.Y") if r.curator_since else "", ", ".join(r.partners),
             r.visits_year, formats.date_format(r.last_visit, "d.m.Y") if r.last_visit else "", r.roadmap_state,
             r.invited, r.attended, r.participation, r.open_decisions, r.overdue_decisions] for r in view.rows)
    return xlsx_response(filename=f"support-{year}.xlsx", title=_("Support of schools"), headers=headers, rows=rows)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
        raise PermissionDenied
    year, today = _year(request), timezone.localdate()
    municipality = request.GET.get("municipality", "")
    territory = hub.territory_view(request.user, year=year, today=today, municipality=municipality)
    if request.GET.get("format") == "xlsx":
        if territory is None:
            raise PermissionDenied
        return _export(territory, year)
    context = {
        "year": year, "years": [year - 1, year + 1], "today": today, "municipality": municipality,
        "territory": territory,
        "curator": hub.curator_view(request.user, year=year, today=today),
        "school_views": hub.school_views(request.user, year=year, today=today),
        "can_record": access.has_perm_anywhere(request.user, Perm.RECORD_VISITS),
    }
    return render(request, "support/hub.html", context)
