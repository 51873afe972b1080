"""Rollups: the analytics core over the active Parquet parts, stored as indicator rows.

`indicators_refresh` is the one way `SchoolIndicator` (source 'pupils') and `TaskIndicator`
rows come to be: imports call it after switching parts, `opora refresh-indicators` by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, TypeVar

import ibis.expr.types as ir
import pandas as pd
from django.conf import settings
from django.db import connection as db_connection
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from opora.analytics.connection import connection
from opora.analytics.dynamics import NEGATIVE_DYNAMICS_BAR
from opora.analytics.indicators import scales_table, school_indicators
from opora.analytics.tasks import task_completion, task_completion_by_mark, task_specs_table
from opora.core.errors import ValidationFailed
from opora.core.models import School
from opora.results.models import (
    Procedure,
    ResultPart,
    Scale,
    SchoolIndicator,
    Source,
    Subject,
    TaskIndicator,
    TaskMarkGroup,
    TaskSpec,
)

BATCH = 5_000
STEPS = 6
_EPS = 1e-9
T = TypeVar("T")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RefreshSummary:
    procedure: str
    year: int
    parts: int
    school_rows: int  # whole grades
    class_rows: int
    task_rows: int
    skipped_schools: list[str]  # codes in the files with no school in the database
    seconds: float


def _scales(procedure: Procedure, year: int) -> ir.Table:
    return scales_table(
        {
            "procedure": procedure.code, "year": year, "subject": s.subject.code, "grade": s.grade,
            "score_kind": procedure.score_kind, "max_score": s.max_score, "mark3_from": s.mark3_from,
            "mark4_from": s.mark4_from, "mark5_from": s.mark5_from, "min_score": s.min_score,
            "high_bar": s.high_bar, "test_table": s.test_table,
        }
        for s in Scale.objects.filter(procedure=procedure, year=year).select_related("subject")
    )


def _task_specs(procedure: Procedure, year: int) -> ir.Table:
    return task_specs_table(
        {
            "procedure": procedure.code, "year": year, "subject": t.scale.subject.code,
            "grade": t.scale.grade, "task": t.number, "max_score": t.max_score,
            "difficulty": t.difficulty, "skill": t.skill,
        }
        for t in TaskSpec.objects.filter(scale__procedure=procedure, scale__year=year)
        .select_related("scale__subject")
    )


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _none(value: Any) -> Any:
    return None if value is None or pd.isna(value) else value


class _Where(TypedDict):
    """Which procedure and year a rollup's rows belong to, with the codes → ids of its schools and subjects."""

    procedure: Procedure
    year: int
    schools: dict[str, int]
    subjects: dict[str, int]


def _insert(model: type[models.Model], frame: pd.DataFrame, *, procedure: Procedure, year: int,
            schools: dict[str, int], subjects: dict[str, int], fixed: dict[str, Any] | None = None) -> int:
    """Insert the rows of an analytics frame into a rollup table with `executemany`.

    Rollups are many plain rows (a national year gives millions of task rows): building a model
    instance per row costs several times the database write, so rows go in as tuples. Columns
    are the model's own fields; the frame's school and subject codes become ids, and rows of
    schools or subjects unknown to the database are skipped (reported by the caller).
    """
    frame = frame.assign(
        school_id=frame["school_code"].map(schools),
        subject_id=frame["subject"].map(subjects),
        procedure_id=procedure.pk,
        year=year,
        **(fixed or {}),
    ).dropna(subset=["school_id", "subject_id"])
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    for f in model._meta.concrete_fields:  # fields the analytics do not produce take their default
        if f.column not in frame.columns and not f.primary_key:
            frame = frame.assign(**{f.column: f.get_default()})
    quote = db_connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    # Column by column (numpy's tolist gives Python values): a Python call per value would
    # cost more than the database write.
    lists = [_plain_list(frame[c]) for c in columns]
    inserted = 0
    with db_connection.cursor() as cursor:
        for batch in _batches(zip(*lists, strict=True)):
            cursor.executemany(sql, batch)
            inserted += len(batch)
    return inserted


def _plain_list(series: pd.Series) -> list[Any]:
    """A column as Python values the database drivers accept, None for a missing one."""
    missing = series.isna().to_numpy()
    if series.dtype == object:
        values = [_plain(v) for v in series.tolist()]
    else:
        values = series.to_numpy(dtype=object, na_value=None).tolist() if missing.any() else series.tolist()
        values = [_plain(v) for v in values] if values and hasattr(values[0], "item") else values
    if missing.any():
        values = [None if m else v for v, m in zip(values, missing.tolist(), strict=True)]
    return values


def _plain(value: Any) -> Any:
    """numpy scalars → Python values the database drivers accept."""
    return value.item() if hasattr(value, "item") else value


def fail_change_refresh(*, procedure: Procedure, year: int) -> None:
    """Set fail_change / negative_dynamics of `year`'s rows against `year − 1`, from the stored
    rollups of both sources, in two UPDATE statements (no row leaves the database).
    """
    previous = SchoolIndicator.objects.filter(
        procedure=procedure, year=year - 1, school=OuterRef("school"), subject=OuterRef("subject"),
        grade=OuterRef("grade"), class_name=OuterRef("class_name"),
    ).values("fail_share")[:1]
    rows = SchoolIndicator.objects.filter(procedure=procedure, year=year)
    rows.update(fail_change=F("fail_share") - Subquery(previous))
    rows.update(negative_dynamics=Case(
        When(fail_change__gte=NEGATIVE_DYNAMICS_BAR - _EPS, then=Value(True)), default=Value(False)
    ))


def _frames(paths: list[Path], procedure: Procedure, year: int) -> tuple[pd.DataFrame, ...]:
    con = connection()
    results = con.read_parquet([str(p) for p in paths])
    scales = _scales(procedure, year)
    specs = _task_specs(procedure, year)
    return (
        school_indicators(results, scales, by_class=False).to_pandas(),
        school_indicators(results, scales, by_class=True).to_pandas(),
        task_completion(results, specs, by_class=False).to_pandas(),
        task_completion(results, specs, by_class=True).to_pandas(),
        task_completion_by_mark(results, scales, specs).to_pandas(),
    )


def indicators_refresh(
    *, procedure_code: str, year: int, progress: Progress | None = None
) -> RefreshSummary:
    """Recompute the pupil-based rollups of one procedure and year from its active parts.

    The old rows of that (procedure, year) are replaced in one transaction, so pages see the old
    figures or the new ones. A school-aggregates row for a cell that now has pupil results is
    replaced too: pupil rows are the fuller source. Then fail_change of this year (against the
    previous one) and of the next year (against this one) is recomputed.
    """
    started = time.monotonic()
    report = progress or (lambda done, total: None)
    procedure = Procedure.objects.filter(code=procedure_code).first()
    if procedure is None:
        raise ValidationFailed(_("Unknown assessment procedure «%(code)s».") % {"code": procedure_code})
    root = Path(settings.RESULTS_DIR)
    parts = list(ResultPart.objects.filter(procedure=procedure, year=year, active=True).order_by("pk"))
    paths = [root / p.path for p in parts]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise ValidationFailed(_("Results files are missing from the store: %(files)s.")
                               % {"files": ", ".join(missing)})
    report(1, STEPS)
    empty = pd.DataFrame()
    grades, classes, tasks, class_tasks, by_mark = _frames(paths, procedure, year) if paths else (empty,) * 5
    report(2, STEPS)

    codes = set(grades["school_code"]) if not grades.empty else set()
    schools = dict(School.objects.filter(code__in=codes).values_list("code", "pk"))
    subjects = dict(Subject.objects.values_list("code", "pk"))
    skipped = sorted(codes - schools.keys())
    counts = {"grades": 0, "classes": 0, "tasks": 0}
    with transaction.atomic():
        if not grades.empty:
            _drop_superseded_aggregates(grades, procedure, year, schools, subjects)
        SchoolIndicator.objects.filter(procedure=procedure, year=year, source=Source.PUPILS).delete()
        # Task rows of schools known only by aggregate forms stay with their aggregates row.
        from_aggregates = SchoolIndicator.objects.filter(
            procedure=procedure, year=year, source=Source.AGGREGATES, school=OuterRef("school"),
            subject=OuterRef("subject"), grade=OuterRef("grade"), class_name=OuterRef("class_name"),
        )
        TaskIndicator.objects.filter(procedure=procedure, year=year).exclude(Exists(from_aggregates)).delete()
        report(3, STEPS)
        where = _Where(procedure=procedure, year=year, schools=schools, subjects=subjects)
        for key, frame in (("grades", grades), ("classes", classes)):
            if not frame.empty:
                counts[key] += _insert(SchoolIndicator, frame, fixed={"source": Source.PUPILS}, **where)
        report(4, STEPS)
        for frame in (tasks, class_tasks):
            if not frame.empty:
                counts["tasks"] += _insert(TaskIndicator, frame, **where)
        TaskMarkGroup.objects.filter(procedure=procedure, year=year).delete()
        if not by_mark.empty:
            _insert(TaskMarkGroup, by_mark, **where)
        report(5, STEPS)
        fail_change_refresh(procedure=procedure, year=year)
        fail_change_refresh(procedure=procedure, year=year + 1)
    report(STEPS, STEPS)
    return RefreshSummary(
        procedure=procedure.code, year=year, parts=len(parts), school_rows=counts["grades"],
        class_rows=counts["classes"], task_rows=counts["tasks"], skipped_schools=skipped,
        seconds=time.monotonic() - started,
    )


def _drop_superseded_aggregates(grades: pd.DataFrame, procedure: Procedure, year: int,
                                schools: dict[str, int], subjects: dict[str, int]) -> None:
    aggregates = SchoolIndicator.objects.filter(procedure=procedure, year=year, source=Source.AGGREGATES)
    existing = {(s, subj, g): pk for pk, s, subj, g in
                aggregates.filter(class_name="").values_list("pk", "school_id", "subject_id", "grade")}
    if not existing:
        return
    covered = {(schools.get(r.school_code), subjects.get(r.subject), int(r.grade))
               for r in grades.itertuples(index=False)}
    superseded = [pk for key, pk in existing.items() if key in covered]
    for batch in _batches(superseded):
        aggregates.filter(Q(pk__in=batch)).delete()
