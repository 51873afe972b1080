"""Suggested curators' schools and partner schools for a school, from the region's latest finished
identification run (or, without one, from the schools' settlement and type).

Reads the rows and calls the pure ranking `analytics.support_match.rank_candidates`. A few queries
whatever the size of the region: the schools, the run's rows, the year's list, the people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opora.analytics.support_match import MatchRow, mode_for, rank_candidates
from opora.core.models import School, User
from opora.identification.models import ListEntry, Run, RunSchool, RunStatus, YearList
from opora.support.selectors_network import curator_people_by_school


def latest_run(region_id: int) -> Run | None:
    """The newest finished (not preview) identification run of the region, any rule set."""
    return (Run.objects.filter(region_id=region_id, status=RunStatus.DONE, preview=False)
            .order_by("-year", "-created_at", "-pk").first())


def latest_year_list(region_id: int) -> YearList | None:
    return YearList.objects.filter(region_id=region_id).order_by("-year").first()


def listed_school_ids(region_ids: set[int]) -> set[int]:
    """Schools on the latest approved list of each of these regions."""
    ids: set[int] = set()
    for region_id in region_ids:
        year_list = latest_year_list(region_id)
        if year_list is not None:
            ids |= set(ListEntry.objects.filter(year_list=year_list).values_list("school_id", flat=True))
    return ids


@dataclass
class Suggested:
    school: School
    candidate: object  # analytics.support_match.Candidate
    people: list[User] = field(default_factory=list)


@dataclass
class Suggestions:
    mode: str  # identification | context
    run: Run | None
    year_list: YearList | None
    target: MatchRow
    items: list[Suggested]


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def school_suggestions(*, school: School, limit: int = 8, with_people: bool = False) -> Suggestions:
    """Schools of the region that could support `school`, best first, with the numbers."""
    region_id = school.municipality.region_id
    run = latest_run(region_id)
    year_list = latest_year_list(region_id)
    listed = (set(ListEntry.objects.filter(year_list=year_list).values_list("school_id", flat=True))
              if year_list else set())
    flags: dict[int, RunSchool] = {}
    if run is not None:
        flags = {r.school_id: r for r in RunSchool.objects.filter(run=run).only(
            "school_id", "swi", "quality_index", "result", "low_results", "decline_risk", "resilient")}
    schools = {s.pk: s for s in School.objects.filter(municipality__region_id=region_id)
               .select_related("municipality")}

    def row(s: School) -> MatchRow:
        f = flags.get(s.pk)
        return MatchRow(
            school_id=s.pk, municipality_id=s.municipality_id, settlement=s.settlement, school_type=s.type,
            distance_km=_float(s.distance_km), swi=f.swi if f else None,
            quality_index=f.quality_index if f else None, result=f.result if f else None,
            low_results=bool(f and f.low_results), decline_risk=bool(f and f.decline_risk),
            resilient=bool(f and f.resilient), listed=s.pk in listed, active=s.is_active)

    target = row(schools.get(school.pk, school))
    ranked = rank_candidates(target, (row(s) for s in schools.values()), limit=limit)
    items = [Suggested(school=schools[c.school_id], candidate=c) for c in ranked]
    if with_people and items:
        people = curator_people_by_school([i.school.pk for i in items])
        for item in items:
            item.people = people.get(item.school.pk, [])
    return Suggestions(mode=mode_for(target), run=run, year_list=year_list, target=target, items=items)
