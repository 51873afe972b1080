"""Reads behind the results pages: the school's results over years and the territory table.

Everything here reads the rollups (`SchoolIndicator`, `TaskIndicator`), never pupil rows, and
every read is scoped through `core.access`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, FloatField, OrderBy, QuerySet, Sum
from django.db.models.functions import Cast

from opora.analytics.dynamics import transition_drop
from opora.analytics.indicators import pooled
from opora.analytics.tasks import achievement, mark_group_crossings, systemic_deficits
from opora.core import access
from opora.core.access import Perm
from opora.core.models import School, User
from opora.results.models import (
    Procedure,
    Scale,
    SchoolIndicator,
    Subject,
    TaskIndicator,
    TaskMarkGroup,
    TaskSpec,
)

UserLike = User | AnonymousUser

# The federal procedures in the order of the school years; regional ones follow.
PROCEDURE_ORDER = {"vpr": 0, "oge": 1, "ege": 2}

# Sortable columns of the territory table: URL value → ORDER BY.
SORTS: dict[str, list[str | OrderBy]] = {
    "school": ["school__name"],
    "municipality": ["school__municipality__name", "school__name"],
    "participants": ["-participants", "school__name"],
    # Suppressed counts (no share) and no mean go last on both databases.
    "fail": [F("fail_share").desc(nulls_last=True), "school__name"],
    "high": [F("high_share").desc(nulls_last=True), "school__name"],
    "mean": [F("mean_pct").desc(nulls_last=True), "school__name"],
    "change": [F("fail_change").desc(nulls_last=True), "school__name"],
}


@dataclass(frozen=True)
class Work:
    """One assessment work: procedure × year × subject × grade."""

    procedure: Procedure
    year: int
    subject: Subject
    grade: int


def available_years(user: UserLike) -> list[int]:
    schools = access.schools_for(user, Perm.VIEW_SCHOOL)
    years = Scale.objects.values_list("year", flat=True).distinct().order_by("-year")
    if not SchoolIndicator.objects.filter(school__in=schools).exists():
        return []
    return list(years)


def works_of_year(year: int, procedure: Procedure | None = None) -> list[Scale]:
    """The works of a year: ВПР, ОГЭ, ЕГЭ, then regional ones; by grade, Russian and maths first."""
    qs = Scale.objects.filter(year=year).select_related("procedure", "subject")
    if procedure is not None:
        qs = qs.filter(procedure=procedure)
    return sorted(
        qs,
        key=lambda w: (PROCEDURE_ORDER.get(w.procedure.code, 9), w.procedure.code, w.grade,
                       not w.subject.is_core, w.subject.name),
    )


def territory_table(
    user: UserLike, work: Work, *, municipality: int | None = None, query: str = "", sort: str = "fail"
) -> QuerySet[SchoolIndicator]:
    """Every visible school's indicators for one work (whole grades, not classes)."""
    qs = SchoolIndicator.objects.filter(
        school__in=access.schools_for(user, Perm.VIEW_SCHOOL),
        procedure=work.procedure, year=work.year, subject=work.subject, grade=work.grade,
        class_name="",
    ).select_related("school__municipality")
    if municipality:
        qs = qs.filter(school__municipality_id=municipality)
    for word in query.split():
        qs = qs.filter(school__name__icontains=word)
    return qs.order_by(*SORTS.get(sort, SORTS["fail"]))


def school_works(school: School) -> list[tuple[str, str, int]]:
    """The (procedure, subject, grade) codes this school has results for: ВПР, ОГЭ, ЕГЭ, then
    regional works; within each, by grade, Russian and mathematics first."""
    rows = (
        SchoolIndicator.objects.filter(school=school, class_name="")
        .values_list("procedure__code", "subject__code", "grade", "subject__is_core")
        .distinct()
    )
    ordered = sorted(set(rows), key=lambda r: (PROCEDURE_ORDER.get(r[0], 9), r[0], r[2], not r[3], r[1]))
    return [(p, s, g) for p, s, g, _core in ordered]


def work_labels(works: list[tuple[str, str, int]]) -> dict[tuple[str, str, int], tuple[str, str]]:
    """(procedure, subject, grade) → (procedure name, subject name), in two queries."""
    procedures = dict(Procedure.objects.filter(code__in={w[0] for w in works}).values_list("code", "name"))
    subjects = dict(Subject.objects.filter(code__in={w[1] for w in works}).values_list("code", "name"))
    return {w: (procedures.get(w[0], w[0]), subjects.get(w[1], w[1])) for w in works}


def school_years(school: School, *, procedure: str, subject: str, grade: int) -> list[SchoolIndicator]:
    """The school's whole-grade indicators for one work over the years, newest first."""
    return list(
        SchoolIndicator.objects.filter(
            school=school, procedure__code=procedure, subject__code=subject, grade=grade,
            class_name="",
        ).order_by("-year")
    )


def school_classes(school: School, *, procedure: str, subject: str, grade: int, year: int) -> list[SchoolIndicator]:
    return list(
        SchoolIndicator.objects.filter(
            school=school, procedure__code=procedure, subject__code=subject, grade=grade, year=year,
        ).exclude(class_name="").order_by("class_name")
    )


def _weighted(qs: QuerySet[TaskIndicator]) -> dict[int, float]:
    rows = qs.values("task").annotate(
        weighted=Sum(F("completion") * Cast("participants", FloatField())),
        n=Sum("participants"),
    )
    return {r["task"]: r["weighted"] / r["n"] for r in rows if r["n"]}


def task_rows(
    school: School, *, procedure: str, subject: str, grade: int, year: int, with_classes: bool = False
) -> list[dict[str, Any]]:
    """Task completion of the school against its municipality and region, with the task specs;
    with `with_classes` (the school's own users only) also each class's completion."""
    base = TaskIndicator.objects.filter(
        procedure__code=procedure, subject__code=subject, grade=grade, year=year, class_name=""
    )
    own = {t.task: t for t in base.filter(school=school)}
    by_class: dict[int, dict[str, float]] = {}
    if with_classes:
        for t in TaskIndicator.objects.filter(
            school=school, procedure__code=procedure, subject__code=subject, grade=grade, year=year
        ).exclude(class_name="").order_by("class_name"):
            by_class.setdefault(t.task, {})[t.class_name] = t.completion
    if not own:
        return []
    # Reference figures over every school of the territory, weighted by participants.
    municipal = _weighted(base.filter(school__municipality_id=school.municipality_id))
    regional = _weighted(base.filter(school__municipality__region_id=school.municipality.region_id))
    specs = {
        t.number: t
        for t in TaskSpec.objects.filter(
            scale__procedure__code=procedure, scale__subject__code=subject,
            scale__grade=grade, scale__year=year,
        )
    }
    return [
        {
            "task": number,
            "spec": specs.get(number),
            "completion": own[number].completion,
            "municipality": municipal.get(number),
            "region": regional.get(number),
            "status": achievement(own[number].completion, specs[number].difficulty)
            if number in specs
            else "",
            "classes": by_class.get(number, {}),
        }
        for number in sorted(own)
    ]


def deficit_skills(rows: list[dict[str, Any]]) -> list[str]:
    """Skills whose tasks are mostly not achieved by the school (systemic deficits)."""
    frame = pd.DataFrame(
        [
            {"task": r["task"], "skill": r["spec"].skill, "status": r["status"]}
            for r in rows
            if r["spec"] is not None
        ],
        columns=["task", "skill", "status"],
    )
    if frame.empty:
        return []
    found = systemic_deficits(frame, keys=())
    return sorted(found.loc[found["deficit"], "skill"])


# Groups smaller than this are left out of the crossings: one pupil's slip is not an anomaly.
MIN_GROUP = 5


def mark_groups(school: School, *, procedure: str, subject: str, grade: int, year: int) -> dict[str, Any]:
    """Task completion by pupils grouped by mark, with the crossings (a lower mark group doing
    better on a task than a higher one) marked."""
    rows = list(
        TaskMarkGroup.objects.filter(
            school=school, procedure__code=procedure, subject__code=subject, grade=grade, year=year
        ).values("task", "mark", "completion", "participants")
    )
    if not rows:
        return {}
    frame = pd.DataFrame(rows)
    big = frame[frame["participants"] >= MIN_GROUP]
    crossed: set[tuple[int, int]] = set()
    if not big.empty:
        for c in mark_group_crossings(big, keys=()).itertuples(index=False):
            crossed |= {(int(c.task), int(c.lower_mark)), (int(c.task), int(c.higher_mark))}
    marks = sorted({int(m) for m in frame["mark"]})
    cells = {(int(r["task"]), int(r["mark"])): r for r in rows}
    table = [
        {
            "task": task,
            "cells": [
                {"completion": cells[(task, m)]["completion"] if (task, m) in cells else None,
                 "crossed": (task, m) in crossed}
                for m in marks
            ],
            "crossed": any((task, m) in crossed for m in marks),
        }
        for task in sorted({int(t) for t in frame["task"]})
    ]
    sizes = frame.groupby("mark")["participants"].max().to_dict()
    return {"marks": marks, "sizes": [int(sizes[m]) for m in marks], "rows": table,
            "crossings": sum(1 for r in table if r["crossed"])}


def transition(school: School) -> list[dict[str, Any]]:
    """The grade 4 → 5 drop: quality (share of «4» and «5») of the same cohort in ВПР grade 4
    of year Y−1 and grade 5 of year Y, for the latest year that has both."""
    rows = list(
        SchoolIndicator.objects.filter(school=school, procedure__code="vpr", grade__in=(4, 5), class_name="",
                                       high_share__isnull=False)
        .values("year", "grade", "participants", "high_share", "subject__code", "subject__name")
    )
    if not rows:
        return []
    frame = pd.DataFrame(rows).rename(columns={"subject__code": "subject"})
    frame = frame.assign(school_code=school.code, procedure="vpr", class_name="")
    names = dict(zip(frame["subject"], frame["subject__name"], strict=False))
    for year in sorted(set(frame["year"]), reverse=True):
        drop = transition_drop(frame, year=year)
        if not drop.empty:
            return [
                {"year": year, "subject": names[r.subject], "before": r.quality_before,
                 "after": r.quality_after, "drop": r.drop}
                for r in drop.itertuples(index=False)
            ]
    return []


def pooled_table(
    user: UserLike, *, procedure: Procedure, year: int, subjects: list[str], grades: list[int],
    municipality: int | None = None,
) -> list[dict[str, Any]]:
    """Each visible school's indicators pooled (N-weighted) over the chosen subjects and grades,
    worst fail share first. Reads whole-grade rollups only."""
    qs = SchoolIndicator.objects.filter(
        school__in=access.schools_for(user, Perm.VIEW_SCHOOL), procedure=procedure, year=year,
        subject__code__in=subjects, grade__in=grades, class_name="",
        fail_share__isnull=False,  # shares pool over counts; a mean-only aggregate has none
    )
    if municipality:
        qs = qs.filter(school__municipality_id=municipality)
    rows = list(qs.values(
        "school__code", "subject__code", "grade", "participants", "fail_share", "high_share",
        "mean_pct", "mean_mark", "mark2", "mark3", "mark4", "mark5",
    ))
    if not rows:
        return []
    frame = pd.DataFrame(rows).rename(columns={"school__code": "school_code", "subject__code": "subject"})
    frame = frame.assign(procedure=procedure.code, year=year, class_name="")
    result = pooled(frame).sort_values(["fail_share", "school_code"], ascending=[False, True])
    schools = {
        s.code: s
        for s in School.objects.filter(code__in=list(result["school_code"])).select_related("municipality")
    }
    return [
        {**{k: (None if pd.isna(v) else v) for k, v in r._asdict().items()}, "school": schools[r.school_code]}
        for r in result.itertuples(index=False)
    ]
