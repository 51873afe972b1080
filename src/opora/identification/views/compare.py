"""Recompute a past run with its own version and parameters, and compare two runs: which schools
one proposes and the other does not, and whether they read the same data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from opora.core.http import signed_in
from opora.identification import selectors, services
from opora.identification.models import RunSchool, RunStatus
from opora.identification.views.common import changed_schools, may_preview, names, run_get


@login_required
@require_POST
def run_recompute(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_get(request, run_id)
    signed = signed_in(request)  # run_get let only a user who sees identification through
    if signed is None or not may_preview(request, run.region):
        raise PermissionDenied
    again = services.run_recompute(actor=signed.user, run=run)
    return redirect("identification:compare", run_id=again.pk, other_id=run.pk)


def _proposed(run_rows: Any) -> dict[int, RunSchool]:
    return {r.school_id: r for r in run_rows.filter(included=True)}


@login_required
def run_compare(request: HttpRequest, run_id: int, other_id: int) -> HttpResponse:
    run, other = run_get(request, run_id), run_get(request, other_id)
    if run.region_id != other.region_id or run.pk == other.pk:
        raise Http404
    context: dict[str, Any] = {"run": run, "other": other}
    if run.status == RunStatus.DONE and other.status == RunStatus.DONE:
        labels = names()
        now = _proposed(selectors.run_rows(request.user, run))
        before = _proposed(selectors.run_rows(request.user, other))
        changed = set(now) ^ set(before)
        rows = {r.school_id: r for r in selectors.run_rows(request.user, run).filter(school_id__in=changed)}
        old = {r.school_id: r for r in selectors.run_rows(request.user, other).filter(school_id__in=changed)}

        context.update(
            same_data=run.inputs.get("fingerprint") == other.inputs.get("fingerprint"),
            same_params=run.params == other.params,
            stay=len(set(now) & set(before)),
            come_in=changed_schools(set(now) - set(before), rows, old, labels, kind=run.params.get("kind", ""),
                                    year=run.year),
            go_out=changed_schools(set(before) - set(now), old, rows, labels, kind=other.params.get("kind", ""),
                                   year=other.year),
        )
    return render(request, "identification/compare.html", context)
