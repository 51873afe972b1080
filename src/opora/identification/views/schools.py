"""One school: the "why" panel of its flags in a run, the manual decision on it, and its
identification history across the years."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.cases.appeals import appeals_for
from opora.cases.selectors import cases_for
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.identification import explain, selectors, services
from opora.identification.forms import OverrideForm
from opora.identification.models import ListOverride, Run, RunSchool
from opora.identification.views.common import comparison, names, require_view, run_get, with_list


def _row(request: UserRequest, run: Run, code: str) -> tuple[RunSchool, Any]:
    approved = selectors.year_list(run.region, run.year)
    row = with_list(selectors.run_rows(request.user, run), run, approved).filter(school__code=code).first()
    if row is None:
        raise Http404
    return row, approved


def _why(request: UserRequest, run: Run, row: RunSchool, approved: Any, form: OverrideForm | None,
         status: int = 200) -> HttpResponse:
    can_decide = access.can_on_region(request.user, Perm.APPROVE_LIST, run.region) and not run.preview
    decision = ListOverride.objects.filter(region=run.region, year=run.year, school=row.school).select_related(
        "created_by").first()
    labels = names()
    kind = run.params.get("kind", "")
    context = {
        "run": run, "row": row, "school": row.school, "approved": approved,
        "compared": comparison(row, approved is not None),
        "sentences": explain.summary_sentences(row, labels, kind=kind, year=run.year),
        "items": explain.why_items(row, labels),
        "decision": decision, "can_decide": can_decide,
        # Objectivity cases and appeals of this school and year, as far as the user sees them.
        "cases": list(cases_for(request.user, year=run.year).filter(school=row.school)),
        "appeals": list(appeals_for(request.user, year=run.year).filter(school=row.school)),
        "form": (form or OverrideForm(initial={
            "action": "exclude" if row.in_list else "include"}))  # type: ignore[attr-defined]  # annotated by with_list
        if can_decide else None,
    }
    return render(request, "identification/why.html", context, status=status)


@login_required
@require_GET
def school_why(request: UserRequest, run_id: int, code: str) -> HttpResponse:
    run = run_get(request, run_id)
    row, approved = _row(request, run, code)
    return _why(request, run, row, approved, None)


@login_required
@require_POST
def school_decision(request: UserRequest, run_id: int, code: str) -> HttpResponse:
    """Include or exclude the school by hand with a reason, or take the decision back."""
    run = run_get(request, run_id)
    row, approved = _row(request, run, code)
    if run.preview or not access.can_on_region(request.user, Perm.APPROVE_LIST, run.region):
        raise PermissionDenied
    try:
        if request.POST.get("remove"):
            services.override_remove(actor=request.user, region=run.region, year=run.year, school=row.school)
            messages.success(request, _("The manual decision is removed."))
        else:
            form = OverrideForm(request.POST)
            if not form.is_valid():
                return _why(request, run, row, approved, form, status=400)
            services.override_set(actor=request.user, region=run.region, year=run.year, school=row.school,
                                  action=form.cleaned_data["action"], reason=form.cleaned_data["reason"])
            messages.success(request, _("The manual decision is saved."))
    except ValidationFailed as error:
        form = OverrideForm(request.POST)
        form.is_valid()
        for message in error.messages:
            form.add_error(None, message)
        return _why(request, run, row, approved, form, status=400)
    return redirect("identification:why", run_id=run.pk, code=row.school.code)


def _since(years: list[selectors.SchoolYear]) -> int | None:
    """The first year of the unbroken run of approved lists, up to the newest, that hold the school."""
    since = None
    for year in years:  # newest first
        if not year.listed:
            break
        since = year.year
    return since


@login_required
@require_GET
def school_history(request: UserRequest, code: str) -> HttpResponse:
    require_view(request)
    school = (access.schools_for(request.user, Perm.VIEW_IDENTIFICATION).select_related("municipality__region")
              .filter(code=code).first())
    if school is None:
        raise Http404
    years = selectors.school_history(request.user, school)
    return render(request, "identification/school_history.html", {
        "school": school, "years": years, "since": _since(years),
        "exits": [y.year for y in years if y.exit],
    })
