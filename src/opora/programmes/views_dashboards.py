"""Dashboards: the chooser (`home`), a region's or a municipality's dashboard (`territory`), the schools
behind one of its numbers (`schools`), and one school's dashboard (`school`). Every table has an XLSX
export (`?xlsx=<table>` on the dashboards, `?format=xlsx` on the drill-down)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opora.core import access
from opora.core.access import Perm
from opora.core.xlsx import xlsx_response
from opora.core.years import is_valid_year
from opora.identification.models import YearList
from opora.plans.board import state_label
from opora.plans.content import CYCLE
from opora.plans.models import DocState
from opora.programmes import dashboards as dash
from opora.programmes.dashboards_school import SchoolPanel, own_schools, school_for_dashboard, school_panel


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else 0
    return year if is_valid_year(year) else timezone.localdate().year


def _years(region_id: int | None, year: int) -> list[int]:
    now = timezone.localdate().year
    stored = YearList.objects.filter(region_id=region_id).values_list("year", flat=True) if region_id else []
    return sorted({now - 2, now - 1, now, year, *stored}, reverse=True)


def _link(name: str, *args: object) -> str | None:
    """A link to another area's page, or None while that page is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _pct(value: float | int | None) -> float | int | str:
    return "" if value is None else value


def _share(value: float | None) -> float | str:
    """A share as a percentage; empty where the form suppressed the mark counts."""
    return "" if value is None else round(value * 100, 1)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    territories = dash.territories_for(user)
    schools = own_schools(user)
    if not territories and not schools:
        schools = list(access.schools_for(user, Perm.VIEW_SCHOOL).select_related("municipality")
                       .order_by("municipality__name", "name")[:200])
    if not territories and not schools:
        raise PermissionDenied
    if len(territories) + len(schools) == 1:
        if territories:
            return redirect("dashboards:territory", kind=territories[0].kind, code=territories[0].code)
        return redirect("dashboards:school", code=schools[0].code)
    return render(request, "dashboards/home.html", {"territories": territories, "schools": schools})


def _territory(request: HttpRequest, kind: str, code: str) -> dash.Territory:
    territory = dash.territory_get(request.user, kind, code)
    if territory is None:
        raise Http404
    return territory


@login_required
@require_GET
def territory(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    user, year, today = request.user, _year(request), timezone.localdate()
    place = _territory(request, kind, code)
    table = request.GET.get("xlsx", "")
    wanted = (lambda name: table == name) if table else (lambda name: True)  # noqa: E731 - a one-line predicate
    context: dict[str, Any] = {"territory": place, "year": year, "years": _years(place.region.pk, year),
                               "today": today}
    if wanted("kpis"):
        context["panels"] = dash.kpi_panels(user, place, year, today)
        for panel in context["panels"]:
            panel.link = _link("programmes:detail", panel.programme.code)
    if wanted("list") and dash.may_see(user, Perm.VIEW_IDENTIFICATION):
        context["movement"] = dash.list_movement(user, place, year)
    if wanted("roadmap") and dash.may_see(user, Perm.VIEW_PLANS):
        context["roadmap"] = dash.roadmap_execution(user, place, year, today)
    if wanted("risk") and dash.may_see(user, Perm.VIEW_RISK_PROFILES):
        context["risk"] = dash.risk_factors(user, place, year)
    if wanted("support") and dash.may_see(user, Perm.VIEW_SUPPORT):
        context["support"] = dash.support_activity(user, place, year, today)
    if table:
        return _territory_xlsx(place, year, table, context)
    context["stage_rows"] = _stage_rows(context.get("roadmap"))
    return render(request, "dashboards/territory.html", context)


def _stage_rows(roadmap: dash.RoadmapSection | None) -> list[dict[str, Any]]:
    """Per stage of the cycle, the counts by state with the metric each links to."""
    if roadmap is None:
        return []
    rows = []
    for count in roadmap.counts:
        cells = [(state, getattr(count, state), f"stage:{count.kind}:{state}")
                 for state in (DocState.APPROVED, DocState.SUBMITTED, DocState.RETURNED, DocState.DRAFT, "none")]
        rows.append({"count": count, "cells": cells, "overdue": f"stage:{count.kind}:overdue"})
    return rows


STATE_HEADERS = (DocState.APPROVED, DocState.SUBMITTED, DocState.RETURNED, DocState.DRAFT, "none")


def _territory_xlsx(place: dash.Territory, year: int, table: str, context: dict[str, Any]) -> HttpResponse:
    name = f"dashboard-{place.code}-{year}-{table}.xlsx"
    if table == "kpis":
        rows = [[panel.programme.title, row.title, cell.year, _pct(cell.target_percent), _pct(cell.percent),
                 _status_label(cell.status) if cell.result else _("to come"), cell.missing]
                for panel in context["panels"] for row in panel.rows for cell in row.cells]
        headers = [_("Programme"), _("Indicator"), _("Year"), _("Target, %"), _("Fact, %"), _("Status"),
                   _("Schools without data")]
        return xlsx_response(filename=name, title=_("Indicators"), headers=headers, rows=rows)
    if table == "list" and "movement" in context:
        section = context["movement"]
        rows = [[str(dash.METRIC_TITLES[m]), section.count(m) if m in section.ids else ""]
                for m in dash.LIST_METRICS]
        return xlsx_response(filename=name, title=_("The year's list"), headers=[_("Schools"), _("Number")],
                             rows=rows)
    if table == "roadmap" and "roadmap" in context:
        section = context["roadmap"]
        rows = [[c.label, c.schools, *(getattr(c, s) for s in STATE_HEADERS), c.overdue] for c in section.counts]
        rows.append([_("Roadmap measures"), section.measures, section.measures_on_time, "", "", "",
                     "", section.measures_overdue])
        headers = [_("Stage"), _("Schools"), *(state_label(s) for s in STATE_HEADERS), _("Overdue")]
        return xlsx_response(filename=name, title=_("Roadmaps"), headers=headers, rows=rows)
    if table == "risk" and "risk" in context:
        rows = [[f.name, f.total, f.high, _pct(f.high_percent), f.medium, _pct(f.medium_percent)]
                for f in context["risk"].factors]
        headers = [_("Risk factor"), _("Schools with a level"), _("High"), _("High, %"), _("Medium"), _("Medium, %")]
        return xlsx_response(filename=name, title=_("Risk factors"), headers=headers, rows=rows)
    if table == "support" and "support" in context:
        s = context["support"]
        rows = [[str(dash.METRIC_TITLES[m]), s.count(m)] for m in
                ("curated", "partnered", "visited", "attending", "covered", "unsupported", "decisions_overdue")]
        rows += [[_("visits and consultations"), s.visits], [_("events held"), s.events_held],
                 [_("events planned"), s.events_planned], [_("participants present"), s.attended],
                 [_("mentoring pairs"), s.mentoring], [_("decisions open"), s.decisions_open],
                 [_("decisions done"), s.decisions_done], [_("decisions overdue"), s.decisions_overdue]]
        return xlsx_response(filename=name, title=_("Support"), headers=[_("What"), _("Number")], rows=rows)
    raise Http404


def _status_label(status: str) -> str:
    return {"achieved": _("achieved"), "not_achieved": _("not achieved"), "no_data": _("no data"),
            "no_target": _("no target")}.get(status, "")


@login_required
@require_GET
def schools(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """The schools behind one number of the territory's dashboard."""
    user, year, today = request.user, _year(request), timezone.localdate()
    place = _territory(request, kind, code)
    metric = request.GET.get("metric", "")
    context: dict[str, Any] = {"territory": place, "year": year, "metric": metric}
    if metric == "kpi":
        rows, title, hidden = _kpi_rows(request, place, year, today)
    else:
        section = dash.section_of_metric(metric)
        if not section:
            raise Http404
        if not dash.may_see(user, dash.SECTION_PERMS[section]):
            raise PermissionDenied
        computed = dash.section_compute(user, place, section, year, today)
        ids = computed.ids.get(metric)
        if ids is None:
            raise Http404
        title = _metric_title(metric, computed)
        rows, hidden = [{"school": s, "note": ""} for s in dash.schools_by_ids(ids)], 0
    context.update({"rows": rows, "title": title, "hidden": hidden})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            filename=f"dashboard-{place.code}-{year}-schools.xlsx", title=_("Schools"),
            headers=[_("Code"), _("School"), _("Municipality"), _("Note")],
            rows=[[r["school"].code, r["school"].name, r["school"].municipality.name, r["note"]] for r in rows])
    return render(request, "dashboards/schools.html", context)


def _metric_title(metric: str, section: dash.Section) -> str:
    if metric in dash.METRIC_TITLES:
        return str(dash.METRIC_TITLES[metric])
    parts = metric.split(":")
    if parts[0] == "stage" and len(parts) == 3 and parts[1] in CYCLE:
        state = _("overdue") if parts[2] == "overdue" else state_label(parts[2])
        return f"{dash.stage_label(parts[1])}: {state}"
    if parts[0] == "risk" and len(parts) == 3:
        level = _("high level") if parts[2] == "high" else _("medium level")
        factors = getattr(section, "factors", [])
        name = next((f.name for f in factors if f.factor == parts[1]), parts[1])
        return f"{name}: {level}"
    raise Http404


def _kpi_rows(request: HttpRequest, place: dash.Territory, year: int,
              today: date) -> tuple[list[dict[str, Any]], str, int]:
    """The schools counted for an indicator: hits, the others counted, and those without data (with the
    reason); schools the user does not see are only counted."""
    result = dash.kpi_of(request.user, place, request.GET.get("programme", ""), request.GET.get("kpi", ""),
                         year, today)
    if result is None:
        raise Http404
    fact = result.fact
    involved = [*fact.counted, *fact.missing]
    visible = set(access.schools_for(request.user, Perm.VIEW_SCHOOL).filter(pk__in=involved)
                  .values_list("pk", flat=True))
    hits = set(fact.hits)
    rows = []
    for school in dash.schools_by_ids(visible):
        if school.pk in fact.missing:
            note = _("no data: %(reason)s") % {"reason": fact.missing[school.pk]}
        elif school.pk in hits:
            note = _("counted, meets the indicator")
        else:
            note = _("counted, does not meet the indicator")
        rows.append({"school": school, "note": note})
    title = f"{result.definition.title} — {year}"
    return rows, title, len(set(involved) - visible)


SCHOOL_TABLES = ("results", "risk", "documents", "support")


@login_required
@require_GET
def school(request: HttpRequest, code: str) -> HttpResponse:
    user, year, today = request.user, _year(request), timezone.localdate()
    found = school_for_dashboard(user, code)
    if found is None:
        raise Http404
    panel = school_panel(user, found, year, today)
    table = request.GET.get("xlsx", "")
    if table:
        return _school_xlsx(panel, table)
    context = {"panel": panel, "school": found, "year": year, "today": today,
               "years": _years(found.municipality.region_id, year),
               "territory_link": _territory_link(user, found),
               "stages": [(c, dash.stage_label(c.kind)) for c in panel.board_row.cells] if panel.board_row else []}
    return render(request, "dashboards/school.html", context)


def _territory_link(user: Any, school: Any) -> str | None:
    if access.can_on_municipality(user, Perm.VIEW_SCHOOL, school.municipality):
        return reverse("dashboards:territory", args=[dash.MUNICIPALITY, school.municipality.code])
    return None


def _school_xlsx(panel: SchoolPanel, table: str) -> HttpResponse:
    today = timezone.localdate()
    name = f"school-{panel.school.code}-{panel.year}-{table}.xlsx"
    rows: list[list[Any]]
    if table == "results":
        rows = [[r.procedure, r.subject, r.grade, y, i.participants, _share(i.fail_share),
                 _share(i.high_share), _pct(i.mean_mark)]
                for r in panel.results for y, i in zip(panel.result_years, r.years, strict=True) if i is not None]
        headers = [_("Procedure"), _("Subject"), _("Grade"), _("Year"), _("Participants"), _("Mark «2», %"),
                   _("Marks «4» and «5», %"), _("Mean mark")]
        return xlsx_response(filename=name, title=_("Results"), headers=headers, rows=rows)
    if table == "risk" and panel.risk is not None:
        rows = [[f.name, str(f.get_level_display()), str(f.get_verified_level_display()),
                 _("yes") if f.selected else ""] for f in panel.risk]
        headers = [_("Risk factor"), _("Computed level"), _("Verified level"), _("Selected to work on")]
        return xlsx_response(filename=name, title=_("Risk profile"), headers=headers, rows=rows)
    if table == "documents" and panel.plans_visible:
        rows = []
        if panel.board_row is not None:
            for cell in panel.board_row.cells:
                rows.append([dash.stage_label(cell.kind), state_label(cell.state), cell.due_on or "",
                             _("yes") if cell.overdue else ""])
        for m in [*panel.overdue_measures, *panel.soon_measures]:
            late = m.due_on is not None and m.due_on < today
            rows.append([m.title, str(m.get_status_display()), m.due_on, _("yes") if late else ""])
        headers = [_("Document or measure"), _("State"), _("Deadline"), _("Overdue")]
        return xlsx_response(filename=name, title=_("Documents"), headers=headers, rows=rows)
    if table == "support" and panel.support_visible:
        rows = [[_("curator"), str(c.curator), c.starts_on, c.ends_on or ""]
                for c in panel.curators]
        rows += [[_("partner school"), p.partner.name, p.starts_on, p.ends_on or ""] for p in panel.partners]
        rows += [[str(v.get_kind_display()), v.purpose, v.held_on, ""] for v in panel.visits]
        rows += [[_("event"), e["event__title"], e["event__starts_on"], e["people"]] for e in panel.events]
        rows += [[_("decision"), d.decision.text, d.decision.due_on or "", str(d.get_status_display())]
                 for d in panel.decisions]
        headers = [_("What"), _("Title"), _("Date"), _("Details")]
        return xlsx_response(filename=name, title=_("Support"), headers=headers, rows=rows)
    raise Http404
