"""Scoped reads of identification, for pages, the API and the command line.

Who sees what comes from `core.access` with `Perm.VIEW_IDENTIFICATION`: a run belongs to a region,
but its rows are shown only for the schools the user holds that permission for (a curator: the
listed schools; a municipal user: the municipality's). A user with no such school sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Region, School, User
from opora.identification.explain import Names
from opora.identification.models import (
    ListEntry,
    ListOverride,
    RuleSet,
    Run,
    RunSchool,
    RunStatus,
    YearList,
)
from opora.results.models import Procedure, Subject

UserLike = User | AnonymousUser

# A run row's flags as the API and the command line give them (RunSchool field names).
FLAG_FIELDS = (
    "swi", "swi_stanine", "adverse_context", "result", "expected", "residual", "residual_low", "residual_high",
    "reliability", "position", "typology", "resilient", "quality_index", "quality_group", "low_results",
    "low_score", "decline_risk", "dynamics", "objectivity_index", "objectivity_signs", "repeated", "exit",
    "included", "stable_years", "stable_thresholds", "stable_context", "not_assessed_reason",
)


def row_flags(row: RunSchool) -> dict[str, object]:
    """school_code and the FLAG_FIELDS of a run row, as stored (no formatting)."""
    return {"school_code": row.school.code, **{name: getattr(row, name) for name in FLAG_FIELDS}}


def _visible_schools(user: UserLike) -> QuerySet[School]:
    return access.schools_for(user, Perm.VIEW_IDENTIFICATION)


def regions_for_identification(user: UserLike) -> QuerySet[Region]:
    """Regions where the user sees identification for at least one school, by code."""
    return Region.objects.filter(
        pk__in=_visible_schools(user).values("municipality__region_id")).order_by("code")


def latest_run(region: Region, year: int, rule_set: RuleSet, *, done: bool = True,
               preview: bool = False) -> Run | None:
    """The newest run of the region, year and rule set (finished ones only with `done`; previews
    only with `preview=True`, ordinary runs otherwise). Not scoped: check access on its rows."""
    runs = Run.objects.filter(region=region, year=year, rule_set=rule_set, preview=preview)
    if done:
        runs = runs.filter(status=RunStatus.DONE)
    return runs.select_related("region", "rule_set", "version").order_by("-created_at", "-pk").first()


def runs_for(user: UserLike, *, region: Region | None = None, year: int | None = None,
             rule_set: RuleSet | None = None, preview: bool | None = False) -> QuerySet[Run]:
    """Runs of the regions the user sees identification in, newest first (`preview=None`: both)."""
    runs = Run.objects.filter(region__in=regions_for_identification(user))
    if region is not None:
        runs = runs.filter(region=region)
    if year is not None:
        runs = runs.filter(year=year)
    if rule_set is not None:
        runs = runs.filter(rule_set=rule_set)
    if preview is not None:
        runs = runs.filter(preview=preview)
    return runs.select_related("region", "rule_set", "version", "created_by").order_by("-created_at", "-pk")


def run_rows(user: UserLike, run: Run) -> QuerySet[RunSchool]:
    """The run's rows of the schools the user sees, with school and municipality, by school code."""
    return (RunSchool.objects.filter(run=run, school__in=_visible_schools(user))
            .select_related("school__municipality").order_by("school__code"))


def year_list(region: Region, year: int) -> YearList | None:
    """The region's approved list of the year (not scoped: check access on its entries)."""
    return YearList.objects.filter(region=region, year=year).select_related("run__rule_set", "approved_by").first()


def list_entries(user: UserLike, approved: YearList) -> QuerySet[ListEntry]:
    """The approved list's schools the user sees, with school and municipality, by school code."""
    return (ListEntry.objects.filter(year_list=approved, school__in=_visible_schools(user))
            .select_related("school__municipality").order_by("school__code"))


def overrides(user: UserLike, region: Region, year: int) -> dict[int, ListOverride]:
    """Manual decisions of the region's year on the schools the user sees: school id → decision."""
    rows = ListOverride.objects.filter(region=region, year=year, school__in=_visible_schools(user))
    return {o.school_id: o for o in rows.select_related("created_by")}


@dataclass(frozen=True)
class SchoolYear:
    """One year of a school's identification history: the approved list (if any) and the row of
    the school in the run that list was approved from."""

    year: int
    listed: bool  # in the approved list of the year
    manual: bool  # added by hand
    reason: str  # the reason of a manual inclusion
    exit: bool  # left the list this year (the run's verdict)
    run: Run
    row: RunSchool | None  # the school's flags in the approved run (None: not in that run)


def school_history(user: UserLike, school: School) -> list[SchoolYear]:
    """The school's years with an approved list of its region, newest first; empty when the user
    does not see identification for the school. Three queries whatever the number of years."""
    if not access.can_on_school(user, Perm.VIEW_IDENTIFICATION, school):
        return []
    lists = list(YearList.objects.filter(region_id=school.municipality.region_id)
                 .select_related("run__rule_set").order_by("-year"))
    entries = {e.year_list_id: e for e in ListEntry.objects.filter(year_list__in=lists, school=school)}
    rows = {r.run_id: r for r in RunSchool.objects.filter(run__in=[y.run_id for y in lists], school=school)}
    out = []
    for approved in lists:
        entry = entries.get(approved.pk)
        row = rows.get(approved.run_id)
        out.append(SchoolYear(year=approved.year, listed=entry is not None, manual=bool(entry and entry.manual),
                              reason=entry.reason if entry else "", exit=bool(row and row.exit),
                              run=approved.run, row=row))
    return out


def display_names() -> Names:
    """Display names of every procedure and subject (two small queries)."""
    return Names(procedures=dict(Procedure.objects.values_list("code", "name")),
                 subjects=dict(Subject.objects.values_list("code", "name")))
