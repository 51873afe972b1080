"""Scoped reads of the indicator rollups, for the CLI, the API and pages.

Schools come from `core.access`. Class rows (`class_name != ''`) are shown only to the school's
own users (`access.member_school_ids`): a class is a handful of pupils.
Territory aggregates are computed in the database, one aggregate query per call.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast

from opora.core import access
from opora.core.access import Perm
from opora.core.models import User
from opora.results.models import SchoolIndicator, TaskIndicator

UserLike = User | AnonymousUser

def class_school_ids(user: UserLike) -> list[int] | None:
    """Schools whose classes the user sees; None means every school."""
    return access.member_school_ids(user)


def _class_filter(user: UserLike, classes: bool) -> Q | None:
    if not classes:
        return Q(class_name="")
    ids = class_school_ids(user)
    return None if ids is None else Q(class_name="") | Q(school_id__in=ids)


def _scoped(
    qs: QuerySet[Any], user: UserLike, *, year: int, procedure: str | None, subject: str | None,
    grade: int | None, classes: bool,
) -> QuerySet[Any]:
    """Rollup rows of a year on the user's visible schools (classes only where allowed), filtered."""
    qs = qs.filter(year=year, school__in=access.schools_for(user, Perm.VIEW_SCHOOL))
    only = _class_filter(user, classes)
    if only is not None:
        qs = qs.filter(only)
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if subject:
        qs = qs.filter(subject__code=subject)
    if grade is not None:
        qs = qs.filter(grade=grade)
    return qs


def indicators_for(
    user: UserLike, *, year: int, procedure: str | None = None, subject: str | None = None,
    grade: int | None = None, municipality: str | None = None, classes: bool = True,
) -> QuerySet[SchoolIndicator]:
    """The user's visible school indicators of a year (codes filter procedure, subject and
    municipality), ordered by school code, procedure, subject, grade and class.
    With `classes=False` only whole grades.
    """
    qs = _scoped(SchoolIndicator.objects.all(), user, year=year, procedure=procedure, subject=subject,
                 grade=grade, classes=classes)
    if municipality:
        qs = qs.filter(school__municipality__code=municipality)
    return qs.select_related("school", "procedure", "subject").order_by(
        "school__code", "procedure__code", "subject__code", "grade", "class_name"
    )


def task_indicators_for(
    user: UserLike, *, year: int, procedure: str | None = None, subject: str | None = None,
    grade: int | None = None, school: str | None = None, classes: bool = True,
) -> QuerySet[TaskIndicator]:
    """The user's visible task completion rows, same scoping as `indicators_for`."""
    qs = _scoped(TaskIndicator.objects.all(), user, year=year, procedure=procedure, subject=subject,
                 grade=grade, classes=classes)
    if school:
        qs = qs.filter(school__code=school)
    return qs.select_related("school", "procedure", "subject").order_by(
        "school__code", "procedure__code", "subject__code", "grade", "class_name", "task"
    )


def _territory_completion(
    unit: str, ids: QuerySet[Any] | None, *, year: int, procedure: str, subject: str, grade: int
) -> dict[tuple[int, int], float]:
    """(unit id, task) → participant-weighted completion over ALL schools of the unit (whole
    grades), for the units in `ids`: one GROUP BY query."""
    qs = TaskIndicator.objects.filter(
        year=year, procedure__code=procedure, subject__code=subject, grade=grade, class_name=""
    )
    if ids is not None:
        qs = qs.filter(**{f"{unit}__in": ids})
    rows = qs.values(unit, "task").annotate(
        weighted=Sum(F("completion") * Cast("participants", FloatField())), n=Sum("participants")
    ).order_by()
    return {(r[unit], r["task"]): r["weighted"] / r["n"] for r in rows if r["n"]}


def municipality_task_completion(
    user: UserLike, *, year: int, procedure: str, subject: str, grade: int
) -> dict[tuple[int, int], float]:
    """(municipality id, task) → completion, for the municipalities the user browses.

    The average covers every school of the municipality (a reference figure, not a school's
    data), so a school's own users can compare with it.
    """
    visible = None if access.is_superuser(user) else access.visible_municipalities(user).values("pk")
    return _territory_completion("school__municipality", visible, year=year, procedure=procedure,
                                 subject=subject, grade=grade)


def region_task_completion(
    user: UserLike, *, year: int, procedure: str, subject: str, grade: int
) -> dict[tuple[int, int], float]:
    """(region id, task) → completion, for the regions the user browses."""
    visible = None if access.is_superuser(user) else access.visible_regions(user).values("pk")
    return _territory_completion("school__municipality__region", visible, year=year, procedure=procedure,
                                 subject=subject, grade=grade)
