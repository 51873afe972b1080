"""One run: its table of schools with filters, sorting, XLSX export and the comparison with the
approved list; approving it as the year's list; the regional picture (SVG charts)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.http import UserRequest
from opora.core.service_errors import message_service_errors
from opora.core.xlsx import xlsx_response
from opora.identification import charts, explain, selectors, services
from opora.identification.explain import sign_label
from opora.identification.forms import ApproveForm
from opora.identification.models import RuleKind, Run, RunSchool, RunStatus, Typology
from opora.identification.views.common import (
    comparison,
    int_or_none,
    query_without,
    run_get,
    with_list,
)
from opora.identification.warnings import warning_texts

FLAG_FILTERS: dict[str, Q] = {
    "low_results": Q(low_results=True),
    "adverse_context": Q(adverse_context=True),
    "resilient": Q(resilient=True),
    "decline_risk": Q(decline_risk=True),
    "objectivity": Q(objectivity_index__gt=0),
    "repeated": Q(repeated__gte=2),
    "exit": Q(exit=True),
    "manual": Q(manual__isnull=False),
    "comes_in": Q(in_list=True, approved=False),
    "goes_out": Q(in_list=False, approved=True),
    "unstable": Q(stable_thresholds=False),
}


def _sorts(kind: str) -> dict[str, list[Any]]:
    # The rule's score: more failing procedures / a higher composite is worse; a lower quality group is worse.
    score = F("low_score").asc(nulls_last=True) if kind == RuleKind.QUALITY else F("low_score").desc(nulls_last=True)
    return {
        "list": [F("in_list").desc(), score, "school__name"],
        "school": ["school__name"],
        "municipality": ["school__municipality__name", "school__name"],
        "score": [score, "school__name"],
        "swi": [F("swi").asc(nulls_last=True), "school__name"],
        "quality": [F("quality_index").asc(nulls_last=True), "school__name"],
        "residual": [F("residual").asc(nulls_last=True), "school__name"],
        "objectivity": [F("objectivity_index").desc(nulls_last=True), "school__name"],
        "repeated": [F("repeated").desc(), "school__name"],
    }


def _filtered(request: UserRequest, run: Run) -> tuple[QuerySet[RunSchool], dict[str, Any]]:
    approved = selectors.year_list(run.region, run.year)
    rows = with_list(selectors.run_rows(request.user, run), run, approved)
    chosen: dict[str, Any] = {
        "municipality": int_or_none(request.GET.get("municipality")),
        "included": request.GET.get("included") == "1",
        "typology": request.GET.get("typology") if request.GET.get("typology") in Typology.values else "",
        "group": int_or_none(request.GET.get("group")),
        "flag": request.GET.get("flag") if request.GET.get("flag") in FLAG_FILTERS else "",
        "q": request.GET.get("q", "").strip()[:200],
        "sort": request.GET.get("sort") if request.GET.get("sort") in _sorts(run.params.get("kind", "")) else "list",
    }
    if chosen["municipality"]:
        rows = rows.filter(school__municipality_id=chosen["municipality"])
    if chosen["included"]:
        rows = rows.filter(in_list=True)
    if chosen["typology"]:
        rows = rows.filter(typology=chosen["typology"])
    if chosen["group"]:
        rows = rows.filter(quality_group=chosen["group"])
    if chosen["flag"]:
        rows = rows.filter(FLAG_FILTERS[chosen["flag"]])
    if chosen["q"]:
        # Lower() rather than icontains: SQLite's LIKE folds only ASCII, not Cyrillic.
        rows = rows.annotate(name_lower=Lower("school__name"))
        for word in chosen["q"].split():
            rows = rows.filter(Q(name_lower__contains=word.lower()) | Q(school__code__iexact=word))
    rows = rows.order_by(*_sorts(run.params.get("kind", ""))[chosen["sort"]])
    return rows, {**chosen, "approved": approved}


@login_required
@require_GET
def run_detail(request: UserRequest, run_id: int) -> HttpResponse:
    run = run_get(request, run_id)
    context: dict[str, Any] = {"run": run, "kind_label": dict(RuleKind.choices).get(run.params.get("kind"), "")}
    if run.status != RunStatus.DONE:
        return render(request, "identification/run.html", context)
    context.update(warnings=warning_texts(run.warnings or [], selectors.display_names()), sign_marks=sign_marks(run))
    rows, chosen = _filtered(request, run)
    if request.GET.get("format") == "xlsx":
        return _export(run, rows, has_approved=chosen["approved"] is not None)
    approved = chosen["approved"]
    visible = with_list(selectors.run_rows(request.user, run), run, approved)
    states = list(visible.values_list("in_list", "approved", "manual"))
    counts = {
        "schools": len(states), "in_list": sum(1 for i, _a, _m in states if i),
        "comes_in": sum(1 for i, a, _m in states if i and not a),
        "goes_out": sum(1 for i, a, _m in states if a and not i),
        "stays": sum(1 for i, a, _m in states if i and a), "manual": sum(1 for _i, _a, m in states if m),
    }
    page = Paginator(rows, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.compared = comparison(row, approved is not None)
    groups = sorted({g for g in visible.values_list("quality_group", flat=True) if g})
    can_approve = access.can_on_region(request.user, Perm.APPROVE_LIST, run.region) and not run.preview
    context.update(
        page=page, counts=counts, chosen=chosen, approved=approved, groups=groups,
        municipalities=access.visible_municipalities(request.user).filter(region=run.region).order_by("name"),
        typologies=Typology.choices, flags=_flag_choices(approved is not None),
        query=query_without(request, "page"), sort_params=query_without(request, "page", "sort"),
        can_approve=can_approve, approve_form=ApproveForm() if can_approve else None,
        is_approved=approved is not None and approved.run_id == run.pk,
    )
    return render(request, "identification/run.html", context)


def sign_marks(run: Run) -> list[dict[str, Any]]:
    """Per objectivity sign: schools marked out of those judged, the stated false-positive rate and
    how many chance alone would mark — the page's calibration table."""
    marks = (run.population or {}).get("objectivity", {}).get("marks", {})
    return [{"code": code, "label": sign_label(code), **numbers} for code, numbers in marks.items()]


def _flag_choices(has_approved: bool) -> list[tuple[str, str]]:
    choices = [
        ("low_results", _("low results")), ("adverse_context", _("adverse social context")),
        ("resilient", _("resilient")), ("decline_risk", _("risk of decline")),
        ("objectivity", _("signs of non-objective results")), ("repeated", _("in the list before")),
        ("exit", _("exits the list")), ("manual", _("manual decision")),
        ("unstable", _("changes at thresholds ±10%")),
    ]
    if has_approved:
        choices += [("comes_in", _("would come in")), ("goes_out", _("would go out"))]
    return choices


def _export(run: Run, rows: QuerySet[Any], *, has_approved: bool) -> HttpResponse:
    headers = [
        _("School code"), _("School"), _("Municipality"), _("In the list"), _("Manual decision"), _("Reason"),
        _("Against the approved list"), _("Low results"), _("Score of the rule"), _("Adverse social context"),
        _("Social well-being index"), _("Stanine"), _("Typology"), _("Quality index"), _("Quality group"),
        _("Result"), _("Expected result"), _("Difference from the expected"), _("Interval from"), _("Interval to"),
        _("Position"), _("Risk of decline"), _("Dynamics"), _("Objectivity index"),
        _("Signs of non-objective results"), _("Years in the list"), _("Exits the list"),
        _("Same place in the list"), _("Same verdict at thresholds ±10%"), _("Agrees with the context-adjusted view"),
    ]
    manual = {"include": _("included by hand"), "exclude": _("excluded by hand")}
    compared = {"in": _("in the list"), "comes_in": _("would come in"), "goes_out": _("would go out"), "": ""}

    def yes(value: Any) -> str:
        return "" if value is None else (_("yes") if value else _("no"))

    def rounded(value: float | None, digits: int = 4) -> float | None:
        return None if value is None else round(value, digits)

    data = (
        [
            r.school.code, r.school.name, r.school.municipality.name, yes(r.in_list), manual.get(r.manual or "", ""),
            r.manual_reason or "", compared[comparison(r, has_approved)], yes(r.low_results), rounded(r.low_score),
            yes(r.adverse_context), rounded(r.swi), r.swi_stanine, explain.typology_label(r.typology)
            if r.typology else "", rounded(r.quality_index), r.quality_group, rounded(r.result), rounded(r.expected),
            rounded(r.residual), rounded(r.residual_low), rounded(r.residual_high),
            explain.position_label(r.position) if r.position else "", yes(r.decline_risk),
            explain.dynamics_label(r.dynamics) if r.dynamics else "", rounded(r.objectivity_index),
            ", ".join(explain.sign_label(s) for s in r.objectivity_signs or []), r.repeated, yes(r.exit),
            explain.stable_years_text(r.stable_years) if r.stable_years else "", yes(r.stable_thresholds),
            yes(r.stable_context),
        ]
        for r in rows.iterator(chunk_size=2000)
    )
    name = f"identification-{run.region.code}-{run.year}-{run.rule_set.code}-{run.pk}.xlsx"
    title = _("Identification %(year)s") % {"year": run.year}
    return xlsx_response(filename=name, title=title, headers=headers, rows=data)


@login_required
@require_POST
def run_approve(request: UserRequest, run_id: int) -> HttpResponse:
    run = run_get(request, run_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comment is too long."))
        return redirect("identification:run", run_id=run.pk)
    with message_service_errors(request) as refused:
        services.list_approve(actor=request.user, run=run, comment=form.cleaned_data["comment"])
    if not refused.failed:
        messages.success(request, _("The list of %(year)s is approved.") % {"year": run.year})
    return redirect("identification:run", run_id=run.pk)


MAX_NUMBERED = 60  # more schools than this are not numbered on the chart (the names stay in tooltips)


def _line(population: dict[str, Any]) -> tuple[float, float] | None:
    """Intercept and slope on the SWI for the reference type and settlement (dummies at zero)."""
    coefficients = (population.get("expected") or {}).get("coefficients") or []
    terms = {c.get("term"): c.get("coefficient") for c in coefficients if isinstance(c, dict)}
    intercept, slope = terms.get("intercept"), terms.get("swi_composite")
    if not isinstance(intercept, int | float) or not isinstance(slope, int | float):
        return None
    return float(intercept), float(slope)


def _group_bars(population: dict[str, Any]) -> list[charts.GroupBar]:
    bars = []
    for g in population.get("quality_groups") or []:
        if not isinstance(g, dict) or g.get("group") is None:
            continue
        shares = tuple(float(g.get(f"share{m}") or 0.0) for m in (2, 3, 4, 5))
        bars.append(charts.GroupBar(group=int(g["group"]), schools=int(g.get("schools") or 0),
                                    shares=shares, mean_mark=g.get("mean_mark")))  # type: ignore[arg-type]
    return sorted(bars, key=lambda b: b.group)


@login_required
@require_GET
def run_picture(request: UserRequest, run_id: int) -> HttpResponse:
    """The region's schools by social well-being and result, with the expected line and the
    typology; schools the user does not see are anonymous grey points. Quality groups below."""
    run = run_get(request, run_id)
    context: dict[str, Any] = {"run": run}
    if run.status == RunStatus.DONE:
        mine = {r.school_id: r for r in selectors.run_rows(request.user, run)}
        own = sorted(mine.values(), key=lambda r: r.school.name)
        # A municipality's few schools are numbered on the chart and listed under it by number.
        numbers = {r.school_id: str(i) for i, r in enumerate(own, start=1)} if len(own) <= MAX_NUMBERED else {}
        points = []
        # Every school of the region is a point, but only coordinates are read for the others.
        for school_id, swi, result, typology in RunSchool.objects.filter(
                run=run, swi__isnull=False, result__isnull=False).values_list("school_id", "swi", "result", "typology"):
            row = mine.get(school_id)
            if swi is None or result is None:  # never: filtered above
                continue
            if row is None:
                points.append(charts.Point(x=swi, y=result))
            else:
                points.append(charts.Point(x=swi, y=result, typology=typology, label=row.school.name,
                                           href=reverse("identification:why", args=[run.pk, row.school.code]),
                                           mark=numbers.get(school_id, "")))
        measure = (run.population.get("expected") or {}).get("measure") or run.params.get("expected_measure")
        line = _line(run.population)
        context.update(
            scatter=charts.scatter_svg(points, line=line, x_label=_("Social well-being index"),
                                       y_label=explain.upper_first(str(explain.MEASURES.get(measure, _("result")))),
                                       title=_("Schools by social well-being and result")) if points else None,
            has_line=line is not None,
            own_count=sum(1 for p in points if p.label is not None),
            other_count=sum(1 for p in points if p.label is None),
            legend=[(code, label, charts.TYPOLOGY_COLOURS[code]) for code, label in Typology.choices],
            anonymous_colour=charts.ANONYMOUS,
            own=[(numbers.get(r.school_id, ""), r) for r in own],
        )
        bars = _group_bars(run.population)
        context["groups_chart"] = charts.quality_bars_svg(
            bars, title=_("Quality groups: shares of marks"), group_label=_("group"),
            schools_label=_("schools")) if bars else None
        context["groups"] = bars
    return render(request, "identification/picture.html", context)
