"""The identification start page: region × year × rule set, the latest run and the approved list,
starting a run in the background with a progress bar; the runs history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.http import UserRequest
from opora.core.models import Region
from opora.core.service_errors import message_service_errors
from opora.identification import selectors, services
from opora.identification.models import RuleSet, Run, RunStatus, YearList
from opora.identification.views.common import (
    int_or_none,
    may_preview,
    require_view,
    rule_sets_for_region,
    run_get,
    years_for,
)


def _choice(request: UserRequest) -> dict:
    """The region, year and rule set chosen by the query string, or the first of each."""
    regions = list(selectors.regions_for_identification(request.user))
    if not regions:
        return {"regions": []}
    wanted = request.GET.get("region") or request.POST.get("region")
    region: Region = next((r for r in regions if r.code == wanted), regions[0])
    years = years_for(region)
    year = int_or_none(request.GET.get("year") or request.POST.get("year"))
    year = year if year in years else (years[0] if years else None)
    rule_sets = rule_sets_for_region(request, region)
    code = request.GET.get("rule_set") or request.POST.get("rule_set")
    rule_set: RuleSet | None = next((r for r in rule_sets if r.code == code), rule_sets[0] if rule_sets else None)
    return {"regions": regions, "region": region, "years": years, "year": year, "rule_sets": rule_sets,
            "rule_set": rule_set}


@login_required
@require_GET
def home(request: UserRequest) -> HttpResponse:
    require_view(request)
    context = _choice(request)
    region, year, rule_set = context.get("region"), context.get("year"), context.get("rule_set")
    if region is not None and year is not None and rule_set is not None:
        latest = selectors.latest_run(region, year, rule_set, done=False)
        done = latest if latest is not None and latest.status == RunStatus.DONE else \
            selectors.latest_run(region, year, rule_set)
        approved: YearList | None = selectors.year_list(region, year)
        context.update(
            latest=latest,
            done=done,
            approved=approved,
            approved_count=approved.entries.count() if approved else 0,
            approved_visible=selectors.list_entries(request.user, approved).count() if approved else 0,
            can_run=may_preview(request, region),
            runs_query=urlencode({"region": region.code, "year": year}),
        )
    return render(request, "identification/home.html", context)


@login_required
@require_POST
def run_start(request: UserRequest) -> HttpResponse:
    """Queue a run for the chosen region, year and rule set; the start page shows its progress."""
    require_view(request)
    context = _choice(request)
    region, year, rule_set = context.get("region"), context.get("year"), context.get("rule_set")
    if region is None or rule_set is None or year is None:
        raise PermissionDenied
    if not access.can_on_region(request.user, Perm.RUN_IDENTIFICATION, region):
        raise PermissionDenied
    with message_service_errors(request):
        services.run_create(actor=request.user, region=region, year=year, rule_set=rule_set)
    query = urlencode({"region": region.code, "year": year, "rule_set": rule_set.code})
    return redirect(f"{reverse('identification:home')}?{query}")


@login_required
@require_GET
def run_progress(request: UserRequest, run_id: int) -> HttpResponse:
    """The progress fragment htmx polls until the run is finished, then a link to the result."""
    run = run_get(request, run_id)
    return render(request, "identification/_run_progress.html", {"run": run})


@login_required
@require_GET
def run_list(request: UserRequest) -> HttpResponse:
    """Every run of the regions the user sees, newest first, filterable by region and year."""
    require_view(request)
    runs = selectors.runs_for(request.user).select_related("job")
    regions = list(selectors.regions_for_identification(request.user))
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    year = int_or_none(request.GET.get("year"))
    if region is not None:
        runs = runs.filter(region=region)
    if year is not None:
        runs = runs.filter(year=year)
    page = Paginator(runs, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    approved = set(YearList.objects.filter(run__in=[r.pk for r in page.object_list]).values_list("run_id", flat=True))
    years = sorted(set(Run.objects.filter(region__in=regions).values_list("year", flat=True)), reverse=True)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "identification/runs.html", {
        "page": page, "approved": approved, "regions": regions, "region": region, "years": years, "year": year,
        "query": params.urlencode(),
    })
