"""Reads of the teachers' development: who may see which teacher by name, the teachers of a scope
with their diagnostic and plan state for a year, a plan if the user may see it.

Names stay inside the school and its municipality (`access.staff_schools_for`); a teacher sees their
own plan through the account linked to their registry row; everyone else sees aggregate figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from opora.core import access
from opora.core.access import Perm
from opora.core.models import School, User
from opora.staff.models import DeficitDiagnostic, DevelopmentPlan, PlanItem, PositionKind, StaffMember

AnyUser = User | AnonymousUser


class TeacherStatus:
    """The filter values of the teachers' list (a teacher's state for the year)."""

    NOT_DIAGNOSED = "not_diagnosed"
    DIAGNOSED = "diagnosed"
    DEFICITS = "deficits"
    NEEDS_PLAN = "needs_plan"
    WITH_PLAN = "with_plan"
    TRAINED = "trained"
    ALL = (NOT_DIAGNOSED, DIAGNOSED, DEFICITS, NEEDS_PLAN, WITH_PLAN, TRAINED)


def current_year() -> int:
    return timezone.localdate().year


def years_known(schools: QuerySet[School]) -> list[int]:
    """Years with diagnostics or plans in these schools, and the current year; newest first."""
    years = set(DeficitDiagnostic.objects.filter(staff__school__in=schools).values_list("year", flat=True).distinct())
    years |= set(DevelopmentPlan.objects.filter(staff__school__in=schools).values_list("year", flat=True).distinct())
    years.add(current_year())
    return sorted(years, reverse=True)


def names_schools(user: AnyUser) -> QuerySet[School]:
    """Schools whose teachers the user may see by name."""
    return access.staff_schools_for(user, Perm.VIEW_STAFF)


def manage_schools(user: AnyUser) -> QuerySet[School]:
    return access.staff_schools_for(user, Perm.MANAGE_DEVELOPMENT_PLANS)


def import_schools(user: AnyUser) -> QuerySet[School]:
    return access.staff_schools_for(user, Perm.IMPORT_DEFICITS)


def may_see_names(user: AnyUser, school: School) -> bool:
    return names_schools(user).filter(pk=school.pk).exists()


def may_manage(user: AnyUser, school: School) -> bool:
    return manage_schools(user).filter(pk=school.pk).exists()


def may_see_staff(user: AnyUser, staff: StaffMember) -> bool:
    """Inside the scope of names, or the teacher's own row."""
    if user.is_authenticated and staff.user_id == user.pk:
        return True
    return may_see_names(user, staff.school)


def staff_get(user: AnyUser, pk: int) -> StaffMember | None:
    """The registry row if the user may see it by name, else None."""
    staff = StaffMember.objects.select_related("school__municipality", "user").filter(pk=pk).first()
    if staff is None or not may_see_staff(user, staff):
        return None
    return staff


def plan_get(user: AnyUser, pk: int) -> DevelopmentPlan | None:
    plan = DevelopmentPlan.objects.select_related("staff__school__municipality", "staff__user").filter(pk=pk).first()
    if plan is None or not may_see_staff(user, plan.staff):
        return None
    return plan


def own_plans(user: AnyUser) -> QuerySet[DevelopmentPlan]:
    """Plans of the registry rows linked to the user's account (a teacher's own ИОМ)."""
    if not user.is_authenticated:
        return DevelopmentPlan.objects.none()
    return (DevelopmentPlan.objects.filter(staff__user=user).select_related("staff__school")
            .annotate(items_total=Count("items"),
                      items_done=Count("items", filter=Q(items__completed_on__isnull=False)))
            .order_by("-year"))


def teachers_for_year(schools: QuerySet[School], year: int) -> QuerySet[StaffMember]:
    """Active teachers of the schools, annotated with their state for the year (one query)."""
    diagnostics = DeficitDiagnostic.objects.filter(staff=OuterRef("pk"), year=year)
    plans = DevelopmentPlan.objects.filter(staff=OuterRef("pk"), year=year)
    items = PlanItem.objects.filter(plan__staff=OuterRef("pk"), plan__year=year)
    return (
        StaffMember.objects.filter(school__in=schools, is_active=True, position_kind=PositionKind.TEACHER)
        .select_related("school__municipality")
        .annotate(
            diagnosed=Exists(diagnostics), has_deficit=Exists(diagnostics.filter(has_deficit=True)),
            has_plan=Exists(plans), has_items=Exists(items),
            open_items=Exists(items.filter(completed_on__isnull=True)),
        )
        .order_by("school__municipality__name", "school__name", "full_name", "pk")
    )


def filter_status(teachers: QuerySet[StaffMember], status: str) -> QuerySet[StaffMember]:
    # Q: the flags are annotations (see teachers_for), not fields the type checker knows.
    s = TeacherStatus
    if status == s.NOT_DIAGNOSED:
        return teachers.filter(Q(diagnosed=False))
    if status == s.DIAGNOSED:
        return teachers.filter(Q(diagnosed=True))
    if status == s.DEFICITS:
        return teachers.filter(Q(has_deficit=True))
    if status == s.NEEDS_PLAN:
        return teachers.filter(Q(has_deficit=True, has_plan=False))
    if status == s.WITH_PLAN:
        return teachers.filter(Q(has_plan=True))
    if status == s.TRAINED:
        return teachers.filter(Q(has_items=True, open_items=False))
    return teachers


@dataclass(frozen=True)
class TeacherRow:
    staff: StaffMember
    areas: list[str]  # competence areas with a deficit in the year
    plan: DevelopmentPlan | None
    items_total: int
    items_done: int

    @property
    def needs_plan(self) -> bool:
        return bool(self.areas) and self.plan is None

    @property
    def trained(self) -> bool:
        return self.items_total > 0 and self.items_done == self.items_total


def teacher_rows(teachers: list[StaffMember], year: int) -> list[TeacherRow]:
    """The page's rows for a page of teachers: deficit areas and plan progress in two queries."""
    ids = [t.pk for t in teachers]
    areas: dict[int, list[str]] = {}
    for staff_id, area in (DeficitDiagnostic.objects.filter(staff_id__in=ids, year=year, has_deficit=True)
                           .order_by("area").values_list("staff_id", "area")):
        if area not in areas.setdefault(staff_id, []):
            areas[staff_id].append(area)
    plans = {p.staff_id: p for p in DevelopmentPlan.objects.filter(staff_id__in=ids, year=year).annotate(
        items_total=Count("items"), items_done=Count("items", filter=Q(items__completed_on__isnull=False)))}
    rows = []
    for t in teachers:
        plan: Any = plans.get(t.pk)
        rows.append(TeacherRow(staff=t, areas=areas.get(t.pk, []), plan=plan,
                               items_total=plan.items_total if plan else 0,
                               items_done=plan.items_done if plan else 0))
    return rows


def deficit_areas(staff: StaffMember, year: int) -> list[str]:
    return sorted(set(DeficitDiagnostic.objects.filter(staff=staff, year=year, has_deficit=True)
                      .values_list("area", flat=True)))
