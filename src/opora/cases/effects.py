"""What confirmed objectivity cases change elsewhere, read in bulk by the apps that apply it:

- identification leaves the works of a confirmed case with the effect `exclude` out of the year's
  determination (`excluded_works`), and puts the schools of the effect `include` on the approved
  list with the case as the reason (`included_schools`);
- result pages mark the works of a confirmed case with `mark_results` as not objective
  (`not_objective_works`);
- the enhanced-control list of the next assessment is the confirmed cases with `enhanced_control`.

This module reads only the cases' own table, so the apps below it may import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from django.db.models import QuerySet

from opora.cases.models import CaseState, LowResultsEffect, ObjectivityCase, Outcome

WORK_KEYS = ["school_code", "procedure", "year", "subject", "grade"]


@dataclass(frozen=True)
class Work:
    """A work a case is about; subject and grade None mean every work of the procedure."""

    procedure: str
    subject: str | None
    grade: int | None


def _confirmed() -> QuerySet[ObjectivityCase]:
    return ObjectivityCase.objects.filter(state=CaseState.DECIDED, outcome=Outcome.CONFIRMED)


def works_of(case: ObjectivityCase) -> list[Work]:
    found = [Work(case.procedure, w.get("subject"), _grade(w.get("grade"))) for w in case.works or []
             if isinstance(w, dict)]
    return found or [Work(case.procedure, None, None)]


def _grade(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]  # JSON gives int, str or None
    except (TypeError, ValueError):
        return None


def excluded_works(region_id: int, year: int) -> pd.DataFrame:
    """WORK_KEYS rows of the works confirmed cases take out of `year`'s determination (subject and
    grade None: the whole procedure)."""
    rows = []
    cases = _confirmed().filter(region_id=region_id, year=year, low_results_effect=LowResultsEffect.EXCLUDE)
    for case in cases.select_related("school"):
        rows += [(case.school.code, w.procedure, year, w.subject, w.grade) for w in works_of(case)]
    return pd.DataFrame(rows, columns=WORK_KEYS)


def drop_works(frame: pd.DataFrame, excluded: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """`frame` without the rows of `excluded` (WORK_KEYS; None subject/grade match any); how many went."""
    if excluded.empty or frame.empty:
        return frame, 0
    keep = pd.Series(True, index=frame.index)
    codes = frame["school_code"].astype(str)
    for row in excluded.itertuples(index=False):
        hit = (codes == str(row.school_code)) & (frame["procedure"] == row.procedure) & (frame["year"] == row.year)
        if row.subject is not None:
            hit &= frame["subject"] == row.subject
        if row.grade is not None:
            hit &= pd.to_numeric(frame["grade"], errors="coerce") == row.grade
        keep &= ~hit
    return frame[keep], int((~keep).sum())


def included_schools(region_id: int, year: int) -> dict[int, ObjectivityCase]:
    """School id → the confirmed case that puts it on `year`'s list."""
    cases = _confirmed().filter(region_id=region_id, year=year, low_results_effect=LowResultsEffect.INCLUDE)
    return {case.school_id: case for case in cases.order_by("pk")}


def not_objective_works(school_ids: Iterable[int] | None = None) -> dict[tuple[int, int], list[Work]]:
    """(school id, year) → the works marked not objective by confirmed cases."""
    cases = _confirmed().filter(mark_results=True)
    if school_ids is not None:
        cases = cases.filter(school_id__in=list(school_ids))
    found: dict[tuple[int, int], list[Work]] = {}
    for case in cases:
        found.setdefault((case.school_id, case.year), []).extend(works_of(case))
    return found


def is_marked(works: list[Work], procedure: str, subject: str, grade: int | None) -> bool:
    return any(w.procedure == procedure and (w.subject is None or w.subject == subject)
               and (w.grade is None or grade is None or w.grade == grade) for w in works)


def control_cases(year: int) -> QuerySet[ObjectivityCase]:
    """Confirmed cases of `year` whose schools go under enhanced control at the next assessment."""
    return _confirmed().filter(year=year, enhanced_control=True).select_related("school__municipality", "region")
