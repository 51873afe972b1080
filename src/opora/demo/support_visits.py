"""Demo: visits and consultations with findings, recommendations and follow-ups.

The demo municipality's (mun.coord's) supported schools — those with a curator, else the curator's
list — each receive a few visits through the visits services: a monitoring visit by the municipal
coordinator, a methodological landing by the methodist, a curator's visit and a consultation, with
follow-up measures; where the school's roadmap of the year is still editable, the head adds one of
them to the roadmap. Skipped quietly when the demo people are missing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Role, RoleAssignment, School, User
from opora.support.models import Curatorship, VisitKind
from opora.support.services.visits import follow_up_add, follow_up_to_roadmap, roadmap_for, roadmap_note, visit_create

# kind, who, days ago, purpose, findings, recommendations, follow-ups (what, days, who)
VISITS: tuple[tuple[str, str, int, str, str, str, list[tuple[str, int, str]]], ...] = (
    (VisitKind.MONITORING, "mun.coord", 75, "Мониторинг реализации дорожной карты за полугодие",
     "Мероприятия дорожной карты выполняются с отставанием; не назначены ответственные за два мероприятия.",
     "Назначить ответственных, пересмотреть сроки мероприятий с отставанием.",
     [("Назначить ответственных за мероприятия дорожной карты", 14, "Директор школы")]),
    (VisitKind.LANDING, "methodist", 50, "Методический десант: формирующее оценивание на уроках математики",
     "Учителя редко используют критериальное оценивание; обратная связь ученикам отсроченная.",
     "Провести серию открытых уроков с разбором; включить приёмы формирующего оценивания в планы ШМО.",
     [("Серия открытых уроков по формирующему оцениванию", 45, "Руководитель ШМО математики"),
      ("Внести приёмы формирующего оценивания в план работы ШМО", 30, "Заместитель директора по УВР")]),
    (VisitKind.CURATOR, "curator", 30, "Визит куратора: анализ результатов ВПР и план ВСОКО",
     "План ВСОКО формальный, результаты ВПР не анализируются по заданиям.",
     "Разработать план ВСОКО с поэлементным анализом результатов ВПР.",
     [("Разработать план ВСОКО с анализом результатов ВПР по заданиям", 40, "Заместитель директора по УВР")]),
    (VisitKind.CONSULTATION, "mun.coord", 10, "Консультация по подготовке полугодового отчёта",
     "", "Опираться на показатели среднесрочной программы; приложить подтверждающие материалы.", []),
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def visits_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's visits and follow-ups; returns counts for the summary line."""
    coordinator = _user("mun.coord")
    grant = RoleAssignment.objects.filter(user=coordinator, role=Role.MUNICIPAL_COORDINATOR).first()
    if coordinator is None or grant is None or grant.municipality_id is None:
        return {}
    actors = {name: _user(name) for name in ("mun.coord", "methodist", "curator")}
    curator_list = RoleAssignment.objects.filter(user__username="curator", role=Role.CURATOR).values("schools")
    curated = Curatorship.objects.filter(ends_on__isnull=True).values("school_id")
    schools = list(School.objects.filter(Q(pk__in=curated) | Q(pk__in=curator_list),
                                         municipality_id=grant.municipality_id).order_by("code")[:6])
    rng = random.Random(seed)
    today = timezone.localdate()
    visits = follow_ups = in_roadmap = 0
    for index, school in enumerate(schools):
        head = RoleAssignment.objects.filter(role=Role.SCHOOL_HEAD, school=school).select_related("user").first()
        for kind, who, days_ago, purpose, findings, recommendations, measures in VISITS:
            actor = actors.get(who)
            if actor is None or (index % 2 and kind == VisitKind.CONSULTATION):
                continue
            held_on = today - timedelta(days=days_ago + rng.randint(0, 6))
            try:
                visit = visit_create(actor=actor, school=school, kind=kind, held_on=held_on, purpose=purpose,
                                     findings=findings, recommendations=recommendations, participants=[actor])
            except (AccessDenied, ValidationFailed):  # an actor without this school in scope
                continue
            visits += 1
            for title, due_in, responsible in measures:
                follow_up = follow_up_add(actor=actor, visit=visit, title=title,
                                          due_on=held_on + timedelta(days=due_in), responsible=responsible)
                follow_ups += 1
                if head and roadmap_note(head.user, follow_up, roadmap_for(follow_up)).can_add:
                    follow_up_to_roadmap(actor=head.user, follow_up=follow_up)
                    in_roadmap += 1
    return {"visits": visits, "follow_ups": follow_ups, "visit_measures": in_roadmap}
