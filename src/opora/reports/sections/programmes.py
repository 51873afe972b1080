"""Section 8: the programme indicators, plan against fact."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.reports.content import Scope, Section, Table
from opora.reports.sections.facts import Facts
from opora.reports.sections.formatting import dec, pct

# --- 8. Programme indicators ------------------------------------------------------------------


STATUS_LABELS = {
    "achieved": gettext_lazy("achieved"),
    "not_achieved": gettext_lazy("not achieved"),
    "no_data": gettext_lazy("no data"),
    "no_target": gettext_lazy("no target"),
}


def covering_programmes(scope: Scope, year: int) -> list[Any]:
    from opora.programmes.models import Programme

    programmes = Programme.objects.filter(region=scope.region, start_year__lte=year, end_year__gte=year)
    if scope.kind == "school":
        programmes = programmes.filter(schools=scope.school_unit)
    elif not scope.is_region:
        programmes = programmes.filter(Q(municipality=scope.unit) | Q(
            municipality__isnull=True, schools__municipality=scope.unit))
    return list(programmes.distinct().order_by("code"))


def kpis(scope: Scope, year: int, today: date, facts: Facts) -> Section:
    from opora.programmes.figures import stored_results

    section = Section(title=_("Programme indicators: plan and fact"))
    programmes = covering_programmes(scope, year)
    if not programmes:
        section.empty = _("No programme covers the territory in %(year)s.") % {"year": year}
        return section
    for programme in programmes:
        rows = []
        for r in stored_results(programme, year, today=today):
            title = str(r.definition.title)
            {"achieved": facts.kpi_achieved, "not_achieved": facts.kpi_missed,
             "no_data": facts.kpi_no_data}.get(r.status, []).append(title)
            missing = len(r.fact.missing)
            basis = (f"{dec(r.fact.numerator, 0)} / {dec(r.fact.denominator, 0)}" if r.fact.value is not None else "—")
            if missing:
                basis += "; " + _("no data for %(n)s schools") % {"n": missing}
            rows.append([title, pct(r.target), pct(r.fact.value), str(STATUS_LABELS.get(r.status, r.status)), basis])
        section.tables.append((
            f"{programme.title} ({programme.start_year}–{programme.end_year})",
            Table([_("Indicator"), _("Target"), _("Fact"), _("Status"), _("Calculation")], rows, [7, 2, 2, 3, 3])))
    if scope.kind != "region":
        section.paragraphs.append(_("The indicators are computed over all the schools of each programme, not only "
                                    "those of this territory."))
    return section
