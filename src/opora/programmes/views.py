"""Programme pages: the list, a new programme, the programme with its indicators' plan against fact
over the years, one indicator's «как посчитано», the yearly targets and the programme's details.

A programme the user does not see → 404; creating or changing without `MANAGE_PROGRAMMES` on the
programme's territory → 403. The schools behind a number are named only where the user sees them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.http import UserRequest
from opora.core.models import Municipality, Region
from opora.core.service_errors import form_service_errors
from opora.core.xlsx import xlsx_response
from opora.programmes import services
from opora.programmes.catalogue import CATALOGUE
from opora.programmes.compute import programme_schools
from opora.programmes.figures import FIGURES_JOB, figures_computed_at
from opora.programmes.forms import ProgrammeEditForm, ProgrammeForm, TargetsForm, territory_choices
from opora.programmes.models import Programme, ProgrammeKpi
from opora.programmes.plan_fact import drill_down, plan_fact
from opora.programmes.selectors import programme_for, programmes_for, visible_school_ids


def _programme_or_404(request: HttpRequest, code: str) -> Programme:
    programme = programme_for(request.user, code)
    if programme is None:
        raise Http404
    return programme


def _can_manage(request: HttpRequest, programme: Programme) -> bool:
    if programme.municipality is not None:
        return access.can_on_municipality(request.user, Perm.MANAGE_PROGRAMMES, programme.municipality)
    return access.can_on_region(request.user, Perm.MANAGE_PROGRAMMES, programme.region)


def _territory(programme: Programme) -> str:
    return programme.municipality.name if programme.municipality else programme.region.name


def _period(programme: Programme) -> str:
    return f"{programme.start_year}–{programme.end_year}"


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = (programmes_for(request.user)
                  .annotate(school_count=Count("memberships", distinct=True), kpi_count=Count("kpis", distinct=True))
                  .order_by("-start_year", "title"))
    query = request.GET.get("q", "").strip()
    if query:
        programmes = programmes.filter(Q(title__icontains=query) | Q(code__icontains=query))
    if request.GET.get("format") == "xlsx":
        headers = [_("Code"), _("Title"), _("Territory"), _("Period"), _("Schools"), _("Indicators"),
                   _("On the public pages")]
        rows = ([p.code, p.title, _territory(p), _period(p), p.school_count, p.kpi_count, _yes(p.is_public)]
                for p in programmes.iterator(chunk_size=500))
        return xlsx_response(filename="programmes.xlsx", title=_("Programmes"), headers=headers, rows=rows)
    page = Paginator(programmes, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programmes/list.html", {
        "page": page, "q": query, "query": urlencode({"q": query}) if query else "",
        "can_create": access.has_perm_anywhere(request.user, Perm.MANAGE_PROGRAMMES)})


def _territories(request: HttpRequest) -> tuple[list[Region], list[Municipality]]:
    regions = list(access.regions_for(request.user, Perm.MANAGE_PROGRAMMES).order_by("name"))
    municipalities = list(access.municipalities_for(request.user, Perm.MANAGE_PROGRAMMES)
                          .select_related("region").order_by("name"))
    return regions, municipalities


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: UserRequest) -> HttpResponse:
    regions, municipalities = _territories(request)
    if not regions and not municipalities:
        raise PermissionDenied
    schools = (access.schools_for(request.user, Perm.MANAGE_PROGRAMMES).select_related("municipality")
               .order_by("municipality__name", "name"))
    territories = territory_choices(regions, municipalities)
    if request.method != "POST":
        year = timezone.localdate().year
        form = ProgrammeForm(initial={"start_year": year, "end_year": year + 2}, territories=territories,
                             schools=schools)
        return render(request, "programmes/form.html", {"form": form})
    form = ProgrammeForm(request.POST, territories=territories, schools=schools)
    if form.is_valid():
        data = form.cleaned_data
        kind, _sep, pk = data["territory"].partition(":")
        if kind == "region":
            region, municipality = next(r for r in regions if str(r.pk) == pk), None
        else:
            municipality = next(m for m in municipalities if str(m.pk) == pk)
            region = municipality.region
        with form_service_errors(form) as refused:
            programme = services.programme_create(
                actor=request.user, region=region, municipality=municipality, code=data["code"],
                title=data["title"], start_year=data["start_year"], end_year=data["end_year"], goals=data["goals"],
                tasks=data["tasks"], schools=list(data["schools"]) or None, kpi_codes=tuple(data["kpis"]),
                default_targets=data["default_targets"], is_public=data["is_public"])
        if not refused.failed:
            count = programme.memberships.count()
            messages.success(request, _("The programme is created with %(n)d schools.") % {"n": count})
            return redirect("programmes:detail", code=programme.code)
    return render(request, "programmes/form.html", {"form": form})


def _kpi_table_xlsx(programme: Programme, rows: list[Any]) -> HttpResponse:
    headers = [_("Indicator"), _("Year"), _("Target, %"), _("Fact, %"), _("Numerator"), _("Denominator"),
               _("Status"), _("Schools counted"), _("Schools without data"), _("What is missing")]
    out = []
    for row in rows:
        for cell in row.cells:
            r = cell.result
            out.append([str(row.definition.title), cell.year, cell.target_percent, cell.fact_percent,
                        r.fact.numerator if r else None, r.fact.denominator if r else None, cell.status_label,
                        len(r.fact.counted) if r else None, len(r.fact.missing) if r else None,
                        "; ".join(sorted({m for m in r.fact.missing.values() if m})) if r else ""])
    return xlsx_response(filename=f"{programme.code}-indicators.xlsx", title=_("Indicators"), headers=headers,
                         rows=out)


@login_required
@require_GET
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(request, code)
    today = timezone.localdate()
    rows = plan_fact(programme, today=today)
    if request.GET.get("format") == "xlsx":
        return _kpi_table_xlsx(programme, rows)
    schools = programme_schools(programme)
    visible = visible_school_ids(request.user, schools)
    return render(request, "programmes/detail.html", {
        "programme": programme, "rows": rows, "years": programme.years, "today": today,
        "schools": [s for s in schools if s.pk in visible], "hidden_schools": len(schools) - len(visible),
        "school_count": len(schools), "can_manage": _can_manage(request, programme),
        "territory": _territory(programme), "figures_at": figures_computed_at(programme)})


@login_required
@require_POST
def figures_refresh_view(request: UserRequest, code: str) -> HttpResponse:
    """Recompute the programme's indicators now, in the background (whoever manages the programme)."""
    from opora.jobs.services import job_create, job_enqueue
    from opora.programmes.tasks import refresh_figures_task

    programme = _programme_or_404(request, code)
    if not _can_manage(request, programme):
        raise PermissionDenied
    title = _("Recomputing the indicators of «%(title)s»") % {"title": programme.title}
    job = job_create(kind=FIGURES_JOB, title=title, user=request.user, params={"programme": programme.pk})
    job_enqueue(job, refresh_figures_task)
    return redirect("jobs:detail", job_id=job.pk)


def _kpi_or_404(programme: Programme, kpi_code: str) -> ProgrammeKpi:
    kpi = programme.kpis.prefetch_related("targets").filter(code=kpi_code).first()
    if kpi is None:
        raise Http404
    return kpi


@login_required
@require_GET
def kpi_detail(request: HttpRequest, code: str, kpi_code: str, year: int) -> HttpResponse:
    programme = _programme_or_404(request, code)
    kpi = _kpi_or_404(programme, kpi_code)
    if year not in programme.years:
        raise Http404
    today = timezone.localdate()
    if year > today.year:
        messages.info(request, _("The year %(year)d has not started: its fact is not computed yet.") % {"year": year})
        return redirect("programmes:detail", code=programme.code)
    drill = drill_down(request.user, programme, kpi, year, today=today)
    if request.GET.get("format") == "xlsx":
        headers = [_("Municipality"), _("School code"), _("School"), _("Counted"), _("In the numerator"),
                   _("Numerator"), _("Denominator"), _("What is missing")]
        rows: list[list[Any]] = [[line.school.municipality.name, line.school.code, line.school.name,
                                  _yes(line.counted), _yes(line.hit), line.numerator, line.denominator,
                                  line.missing or ("" if line.counted else _("no data"))] for line in drill.lines]
        if drill.hidden:
            rows.append(["", "", _("Other schools outside your access: %(n)d") % {"n": drill.hidden},
                         drill.hidden_counted, drill.hidden_hits, None, None, drill.hidden_missing])
        return xlsx_response(filename=f"{programme.code}-{kpi.code}-{year}.xlsx", title=_("How it was computed"),
                             headers=headers, rows=rows)
    return render(request, "programmes/kpi.html", {
        "programme": programme, "drill": drill, "years": [y for y in programme.years if y <= today.year]})


@login_required
@require_http_methods(["GET", "POST"])
def targets_edit(request: UserRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(request, code)
    if not _can_manage(request, programme):
        raise PermissionDenied
    kpis = list(programme.kpis.prefetch_related("targets"))
    kpis = [k for k in kpis if k.code in CATALOGUE]
    form = TargetsForm(request.POST or None, kpis=kpis, years=programme.years)
    if request.method == "POST" and form.is_valid():
        with form_service_errors(form) as refused:
            for kpi, year, value in form.changes():
                services.target_set(actor=request.user, kpi=kpi, year=year, value=value)
        if not refused.failed:
            messages.success(request, _("The targets are saved."))
            return redirect("programmes:detail", code=programme.code)
    return render(request, "programmes/targets.html", {"programme": programme, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: UserRequest, code: str) -> HttpResponse:
    programme = _programme_or_404(request, code)
    if not _can_manage(request, programme):
        raise PermissionDenied
    initial = {"title": programme.title, "goals": programme.goals, "tasks": programme.tasks,
               "is_public": programme.is_public, "kpis": [k.code for k in programme.kpis.all()]}
    form = ProgrammeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_service_errors(form) as refused:
            services.programme_update(actor=request.user, programme=programme,
                                      title=data["title"], goals=data["goals"], tasks=data["tasks"],
                                      is_public=data["is_public"], kpi_codes=list(data["kpis"]))
        if not refused.failed:
            messages.success(request, _("The programme is saved."))
            return redirect("programmes:detail", code=programme.code)
    return render(request, "programmes/edit.html", {"programme": programme, "form": form})
