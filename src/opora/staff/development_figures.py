"""Teachers' development figures per school for a year: how many teachers, how many were
diagnosed for professional deficits, how many have deficits, plans, and plans carried out.

Used by the staffing page, `GET /api/staff/summary` and (issue 8) the programme KPIs. Counts are
aggregated in the database: one query per figure, whatever the number of schools.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from opora.staff.models import DeficitDiagnostic, DevelopmentPlan, PlanItem, PositionKind, StaffMember


@dataclass(frozen=True)
class DevelopmentFigures:
    teachers: int  # active teachers in the registry (position «teacher»)
    diagnosed: int  # of them, with at least one diagnostic result in the year
    with_deficits: int  # of them, with at least one deficit found in the year
    with_plans: int  # of them, with a development plan for the year
    trained: int  # of them, whose plan for the year has every item completed (and at least one item)
    needs_plan: int = 0  # of them, with a deficit in the year and no plan («нужен ИОМ»)


def development_figures(*, school_ids: list[int], year: int) -> dict[int, DevelopmentFigures]:
    """Figures for each of `school_ids` (schools without teachers in the registry are left out)."""
    teachers = StaffMember.objects.filter(school_id__in=school_ids, is_active=True,
                                          position_kind=PositionKind.TEACHER)
    diagnostics = DeficitDiagnostic.objects.filter(staff=OuterRef("pk"), year=year)
    plans = DevelopmentPlan.objects.filter(staff=OuterRef("pk"), year=year)
    open_items = PlanItem.objects.filter(plan__staff=OuterRef("pk"), plan__year=year, completed_on__isnull=True)
    any_items = PlanItem.objects.filter(plan__staff=OuterRef("pk"), plan__year=year)
    rows = (
        teachers.annotate(
            d=Exists(diagnostics), x=Exists(diagnostics.filter(has_deficit=True)), p=Exists(plans),
            t=Exists(any_items) & ~Exists(open_items),
        )
        .values("school_id")
        .annotate(
            teachers=Count("pk"), diagnosed=Count("pk", filter=Q(d=True)),
            with_deficits=Count("pk", filter=Q(x=True)), with_plans=Count("pk", filter=Q(p=True)),
            trained=Count("pk", filter=Q(t=True)), needs_plan=Count("pk", filter=Q(x=True, p=False)),
        )
    )
    return {
        r["school_id"]: DevelopmentFigures(teachers=r["teachers"], diagnosed=r["diagnosed"],
                                           with_deficits=r["with_deficits"], with_plans=r["with_plans"],
                                           trained=r["trained"], needs_plan=r["needs_plan"])
        for r in rows
    }
