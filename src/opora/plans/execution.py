"""Roadmap execution per school: how many measures, done, done on time, overdue, cancelled, and the
share done on time — one query for any number of schools (the board, the API, the measures table).

A measure is overdue when its deadline has passed and it is neither done nor cancelled; it is done
on time when it is done no later than its deadline (a measure without a deadline cannot be late).
The share done on time leaves cancelled measures out; it is None when nothing is left to count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q

from opora.plans.models import DocumentKind, Measure, MeasureStatus

CLOSED = (MeasureStatus.DONE, MeasureStatus.CANCELLED)


@dataclass(frozen=True)
class Execution:
    total: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0
    cancelled: int = 0
    # A field (not a property) so dataclasses.asdict and the API carry it.
    share_on_time: float | None = field(init=False)

    def __post_init__(self) -> None:
        counted = self.total - self.cancelled
        object.__setattr__(self, "share_on_time", self.done_on_time / counted if counted > 0 else None)

    @property
    def counted(self) -> int:
        """The measures that count for the share (all but the cancelled)."""
        return self.total - self.cancelled

    @property
    def percent_on_time(self) -> int | None:
        share = self.share_on_time
        return None if share is None else round(share * 100)


def _counts(today: date) -> dict[str, Count]:
    done = Q(status=MeasureStatus.DONE)
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=done),
        "done_on_time": Count("pk", filter=done & (Q(due_on__isnull=True) | Q(done_on__lte=F("due_on")))),
        "overdue": Count("pk", filter=Q(due_on__lt=today) & ~Q(status__in=CLOSED)),
        "cancelled": Count("pk", filter=Q(status=MeasureStatus.CANCELLED)),
    }


def execution_by_school(school_ids: Iterable[int], year: int, today: date) -> dict[int, Execution]:
    """Every school asked for, with its roadmap's numbers (zeros when it has no roadmap or measures)."""
    ids = list(school_ids)
    out = {pk: Execution() for pk in ids}
    rows = (Measure.objects.filter(document__school_id__in=ids, document__year=year,
                                   document__kind=DocumentKind.ROADMAP)
            .values("document__school_id").order_by().annotate(**_counts(today)))
    for row in rows:
        school_id = row.pop("document__school_id")
        out[school_id] = Execution(**row)
    return out


def execution_of(measures: Iterable[Measure], today: date) -> Execution:
    """The same numbers for measures already in memory (one roadmap's table)."""
    rows = list(measures)
    done = [m for m in rows if m.status == MeasureStatus.DONE]
    return Execution(
        total=len(rows), done=len(done),
        done_on_time=sum(1 for m in done if m.due_on is None or (m.done_on is not None and m.done_on <= m.due_on)),
        overdue=sum(1 for m in rows if is_overdue(m, today)),
        cancelled=sum(1 for m in rows if m.status == MeasureStatus.CANCELLED))


def is_overdue(measure: Measure, today: date) -> bool:
    return measure.due_on is not None and measure.due_on < today and measure.status not in CLOSED
