"""Demo: deficit diagnostics, development plans (ИОМ) and completed courses.

Runs after the staff registry demo: in the municipal coordinator's municipality most teachers are
diagnosed in three competence areas, about a third show deficits; most of those get a plan (a
course, self-study, mentoring or an event where the network and events demos made them), some
plans are carried out with a recorded course, and a few teachers are left «нужен ИОМ».
Without registry rows the step does nothing.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from opora.core.models import Role, RoleAssignment
from opora.staff.models import (
    CourseCompletion,
    DeficitDiagnostic,
    DevelopmentPlan,
    PlanItem,
    PlanItemKind,
    PositionKind,
    StaffMember,
)
from opora.support.models import Event, Mentoring

AREAS = ("предметные компетенции", "методические компетенции", "психолого-педагогические компетенции")
SOURCE = "Диагностика профессиональных дефицитов (ЦНППМ)"
COURSES = (
    ("Формирующее оценивание на уроке", "ЦНППМ", 36),
    ("Работа со сложным контингентом обучающихся", "ИРО", 24),
    ("Методики формирования функциональной грамотности", "ИРО", 72),
    ("Механизмы управления качеством образования", "ЦО «Аксиома»", 16),
)


def development_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    coordinator = RoleAssignment.objects.filter(user__username="mun.coord",
                                                role=Role.MUNICIPAL_COORDINATOR).first()
    if coordinator is None or coordinator.municipality_id is None:
        return {}
    teachers = list(StaffMember.objects.filter(school__municipality_id=coordinator.municipality_id, is_active=True,
                                               position_kind=PositionKind.TEACHER).order_by("school_id", "pk"))
    if not teachers:
        return {}
    rng = random.Random(seed * 7919 + 17)
    year = timezone.localdate().year
    held_on = datetime.date(year, 3, 15)
    events = list(Event.objects.filter(municipality_id=coordinator.municipality_id).order_by("starts_on")[:5])
    mentoring = {m.mentee_id: m for m in Mentoring.objects.filter(mentee__in=teachers)}
    diagnostics: list[DeficitDiagnostic] = []
    with_deficits: list[tuple[StaffMember, list[str]]] = []
    for staff in teachers:
        if rng.random() > 0.8:
            continue  # not diagnosed this year
        deficits = []
        for area in AREAS:
            score = rng.randint(8, 30)
            deficit = score < 15
            if deficit:
                deficits.append(area)
            diagnostics.append(DeficitDiagnostic(staff=staff, year=year, held_on=held_on, source=SOURCE, area=area,
                                                 score=score, max_score=30, has_deficit=deficit))
        if deficits:
            with_deficits.append((staff, deficits))
    DeficitDiagnostic.objects.bulk_create(diagnostics)
    plans = items = courses = 0
    for n, (staff, areas) in enumerate(with_deficits):
        if n % 5 == 4:
            continue  # left without a plan: «нужен ИОМ»
        plan = DevelopmentPlan.objects.create(staff=staff, year=year,
                                              goals="Устранить дефициты: " + ", ".join(areas) + ".")
        plans += 1
        title, provider, hours = COURSES[rng.randrange(len(COURSES))]
        course = PlanItem.objects.create(plan=plan, kind=PlanItemKind.COURSE, title=f"КПК «{title}»", area=areas[0],
                                         hours=hours, starts_on=datetime.date(year, 4, 1),
                                         due_on=datetime.date(year, 11, 30))
        PlanItem.objects.create(plan=plan, kind=PlanItemKind.SELF_STUDY, area=areas[-1],
                                title="Изучить и применить на уроках приёмы из банка практик",
                                starts_on=datetime.date(year, 4, 1), due_on=datetime.date(year, 12, 20),
                                completed_on=datetime.date(year, 6, 1) if n % 3 == 0 else None)
        items += 2
        if staff.pk in mentoring:
            PlanItem.objects.create(plan=plan, kind=PlanItemKind.MENTORING, title="Работа в паре с наставником",
                                    area=areas[0], mentoring=mentoring[staff.pk])
            items += 1
        if events and n % 2 == 0:
            event = events[n % len(events)]
            PlanItem.objects.create(plan=plan, kind=PlanItemKind.EVENT, title=event.title, event=event,
                                    area=areas[-1], due_on=event.starts_on)
            items += 1
        if n % 3 == 0:
            done = datetime.date(year, 5, 20)
            CourseCompletion.objects.create(staff=staff, title=title, provider=provider, hours=hours,
                                            completed_on=done, certificate=f"{year}-{staff.pk:05d}",
                                            plan_item=course)
            course.completed_on = done
            course.save(update_fields=["completed_on"])
            PlanItem.objects.filter(plan=plan).update(completed_on=done)  # this plan is carried out
            courses += 1
    return {"diagnostics": len(diagnostics), "development_plans": plans, "plan_items": items, "courses": courses}
