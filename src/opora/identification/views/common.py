"""What the identification pages share: access checks that turn into 403/404, the run a user may
open, the effective list (the rule's proposal with the manual decisions) and display names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Region
from opora.identification import selectors
from opora.identification.explain import Names, summary_sentences
from opora.identification.models import (
    ListEntry,
    ListOverride,
    OverrideAction,
    RuleSet,
    Run,
    RunSchool,
    YearList,
)
from opora.results.models import Scale


def require_view(request: HttpRequest) -> None:
    """Identification pages are for users who see identification somewhere (403 otherwise)."""
    if not access.has_perm_anywhere(request.user, Perm.VIEW_IDENTIFICATION):
        raise PermissionDenied


def may_preview(request: HttpRequest, region: Region) -> bool:
    return access.can_on_region(request.user, Perm.RUN_IDENTIFICATION, region)


def run_get(request: HttpRequest, run_id: int) -> Run:
    """The run if the user sees identification in its region (previews: only who may run them)."""
    require_view(request)
    run = (selectors.runs_for(request.user, preview=None).select_related("job", "rule_set", "region")
           .filter(pk=run_id).first())
    if run is None or (run.preview and not may_preview(request, run.region)):
        raise Http404
    return run


def int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def names() -> Names:
    """Display names of every procedure and subject (two small queries)."""
    return selectors.display_names()


def years_for(region: Region) -> list[int]:
    """Years worth offering: those with scales (results can be loaded) or runs, newest first."""
    years = set(Scale.objects.values_list("year", flat=True).distinct())
    years |= set(Run.objects.filter(region=region).values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def rule_sets_for_region(request: HttpRequest, region: Region) -> list[RuleSet]:
    """Shipped rule sets and the region's own."""
    visible = {r.pk: r for r in RuleSet.objects.filter(region__isnull=True) | RuleSet.objects.filter(region=region)}
    return sorted(visible.values(), key=lambda r: (not r.shipped, r.code))


def with_list(rows: QuerySet[RunSchool], run: Run, approved: YearList | None) -> QuerySet[Any]:
    """Rows annotated with the manual decision of the run's region and year (`manual`,
    `manual_reason`), `in_list` (the rule's proposal with those decisions) and, when the year has
    an approved list, `approved` (the school is in it). QuerySet[Any]: rows whose annotations the
    model's type does not have."""
    decision = ListOverride.objects.filter(region_id=run.region_id, year=run.year, school=OuterRef("school"))
    rows = rows.annotate(
        manual=Subquery(decision.values("action")[:1]),
        manual_reason=Subquery(decision.values("reason")[:1]),
    ).annotate(in_list=Case(
        When(manual=OverrideAction.INCLUDE, then=Value(True)),
        When(manual=OverrideAction.EXCLUDE, then=Value(False)),
        default=F("included"), output_field=BooleanField()))
    if approved is not None:
        rows = rows.annotate(approved=Exists(ListEntry.objects.filter(year_list=approved, school=OuterRef("school"))))
    else:
        rows = rows.annotate(approved=Value(False, output_field=BooleanField()))
    return rows


def listed_ids(run: Run) -> set[int]:
    """School ids of the run's list: its proposal, plus manual inclusions, minus exclusions."""
    ids = set(RunSchool.objects.filter(run=run, included=True).values_list("school_id", flat=True))
    for school_id, action in ListOverride.objects.filter(region_id=run.region_id, year=run.year).values_list(
            "school_id", "action"):
        if action == OverrideAction.INCLUDE:
            ids.add(school_id)
        else:
            ids.discard(school_id)
    return ids


def changed_schools(ids: set[int], rows: dict[int, RunSchool], others: dict[int, RunSchool], labels: Names, *,
                    kind: str, year: int) -> list[dict[str, Any]]:
    """The schools of `ids` one list has and the other has not, by name, for the "come in / go out"
    columns of a comparison: each its row (from `rows`; a school the user does not see there is left
    out), its row on the other side (`others`, when it has one) and the sentences on its position."""
    out = [{"row": rows[i], "other": others.get(i),
            "sentences": summary_sentences(rows[i], labels, kind=kind, year=year)}
           for i in ids if i in rows]
    return sorted(out, key=lambda e: e["row"].school.name)


def comparison(row: Any, has_approved: bool) -> str:
    """A row against the approved list: in / in (would stay) / comes in / goes out / ''."""
    if not has_approved:
        return ""
    if row.in_list and row.approved:
        return "in"
    if row.in_list:
        return "comes_in"
    if row.approved:
        return "goes_out"
    return ""
