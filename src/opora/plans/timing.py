"""How long a document has waited for review and for revision (pure: over its transitions).

A wait for review runs from a submission to the next transition (approved or returned); a wait
for revision runs from a return to the next transition (the resubmission). A wait still running
(the document is submitted or returned now) is counted up to `now` and is also the `current` wait.

Used by the review panel («На проверке 3 дня») and the board:
`timing.waits(document.transitions.all(), timezone.now())`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from opora.plans.models import DocState

ZERO = timedelta(0)


@dataclass(frozen=True)
class Waits:
    review: timedelta = ZERO  # total time spent submitted, waiting for a reviewer (including `current`)
    revision: timedelta = ZERO  # total time spent returned, waiting for the school (including `current`)
    reviews: int = 0  # how many waits for review (submissions)
    revisions: int = 0  # how many waits for revision (returns)
    current: timedelta | None = None  # the wait running now, if the document is submitted or returned
    current_kind: str = ""  # "review" | "revision" | ""
    since: datetime | None = None  # when the current wait began

    @property
    def current_days(self) -> int | None:
        return None if self.current is None else self.current.days


def waits(transitions: Iterable[Any], now: datetime) -> Waits:
    """Totals and the current wait from a document's transitions (objects with `to_state` and `at`,
    in any order). A document never submitted has no waits."""
    rows = sorted(transitions, key=lambda t: (t.at, getattr(t, "pk", 0) or 0))
    totals = {"review": ZERO, "revision": ZERO}
    counts = {"review": 0, "revision": 0}
    kinds = {DocState.SUBMITTED: "review", DocState.RETURNED: "revision"}
    for i, row in enumerate(rows):
        kind = kinds.get(row.to_state)
        if kind is None:
            continue
        end = rows[i + 1].at if i + 1 < len(rows) else now
        totals[kind] += max(end - row.at, ZERO)
        counts[kind] += 1
    current = kind_now = since = None
    if rows and rows[-1].to_state in kinds:
        kind_now, since = kinds[rows[-1].to_state], rows[-1].at
        current = max(now - since, ZERO)
    return Waits(review=totals["review"], revision=totals["revision"], reviews=counts["review"],
                 revisions=counts["revision"], current=current, current_kind=kind_now or "", since=since)
