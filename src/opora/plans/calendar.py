"""Due dates of the school documents: the calendar of stages (`Stage`) read for a school.

A region sets when each document kind is due for its schools; a municipality may set its own
date, which then wins for its schools. A document is overdue when its due date has passed and it
is not approved (a report: not submitted or approved); a measure when its deadline has passed and
it is neither done nor cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from opora.core.models import Municipality, School
from opora.plans.models import DocState, Document, DocumentKind, Measure, MeasureStatus, Stage

REPORTS = (DocumentKind.REPORT_HALF, DocumentKind.REPORT_YEAR)
# States in which a document no longer counts as late (reports only need to be handed in).
_DONE_STATES: dict[str, tuple[DocState, ...]] = {kind: (DocState.APPROVED,) for kind in DocumentKind.values}
_DONE_STATES.update({kind: (DocState.SUBMITTED, DocState.APPROVED) for kind in REPORTS})
MEASURE_CLOSED = (MeasureStatus.DONE, MeasureStatus.CANCELLED)


def due_for(school: School, year: int, kind: str) -> date | None:
    """The date `kind` is due for `school` in `year`: the municipality's stage, else the region's."""
    municipality = school.municipality
    stages = Stage.objects.filter(
        Q(municipality=municipality) | Q(region_id=municipality.region_id, municipality__isnull=True),
        year=year, kind=kind,
    ).values_list("municipality_id", "due_on")
    dates: dict[int | None, date] = dict(stages)
    return dates.get(municipality.pk) or dates.get(None)


def due_on(document: Document) -> date | None:
    return due_for(document.school, document.year, document.kind)


def _region_ids(schools: list[School]) -> dict[int, int]:
    """municipality id → region id, without a query when the schools carry their municipality."""
    if all(School.municipality.is_cached(s) for s in schools):
        return {s.municipality_id: s.municipality.region_id for s in schools}
    ids = {s.municipality_id for s in schools}
    return dict(Municipality.objects.filter(pk__in=ids).values_list("pk", "region_id"))


def dues_for(schools: Iterable[School], year: int) -> dict[tuple[int, str], date]:
    """Due dates of many schools at once: {(school id, kind): date}, kinds without a stage left out."""
    schools = list(schools)
    if not schools:
        return {}
    regions = _region_ids(schools)
    stages = Stage.objects.filter(
        Q(municipality_id__in=set(regions)) | Q(region_id__in=set(regions.values()), municipality__isnull=True),
        year=year,
    ).values_list("region_id", "municipality_id", "kind", "due_on")
    by_region: dict[tuple[int, str], date] = {}
    by_municipality: dict[tuple[int, str], date] = {}
    for region_id, municipality_id, kind, due in stages:
        if municipality_id is None:
            by_region[(region_id, kind)] = due
        else:
            by_municipality[(municipality_id, kind)] = due
    dues: dict[tuple[int, str], date] = {}
    for school in schools:
        school_region = regions.get(school.municipality_id)
        for kind in DocumentKind.values:
            found = by_municipality.get((school.municipality_id, kind)) or (
                by_region.get((school_region, kind)) if school_region is not None else None)
            if found is not None:
                dues[(school.pk, kind)] = found
    return dues


def is_handed_in(kind: str, state: str) -> bool:
    """Whether the deadline no longer matters: approved (a report: submitted or approved)."""
    return state in _DONE_STATES[kind]


def is_late(kind: str, state: str, due: date | None, today: date) -> bool:
    """The rule behind `is_overdue`, for callers that already hold the due date (boards, lists)."""
    return due is not None and due < today and not is_handed_in(kind, state)


def is_overdue(document: Document, today: date, due: date | None = None) -> bool:
    return is_late(document.kind, document.state, due if due is not None else due_on(document), today)


def days_left(document: Document, today: date, due: date | None = None) -> int | None:
    """Days until the due date (negative once it has passed); None without a stage."""
    due = due if due is not None else due_on(document)
    return None if due is None else (due - today).days


def measure_overdue(measure: Measure, today: date) -> bool:
    return measure.due_on is not None and measure.due_on < today and measure.status not in MEASURE_CLOSED
