"""Demo: meetings with decisions, owners and evidence, in mun.coord's municipality.

Two protocols modelled on the seeds: a working group's meeting (decisions to people: the municipal
officer, the methodist, the curator) and a meeting of heads whose first decision is addressed to
the heads of the supported schools, tracked per school — some reported with evidence, the demo
head's school overdue, so it shows on the head's start page.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from opora.core.models import Role, RoleAssignment, School, User
from opora.support.models import Decision, DecisionOwner, DecisionStatus, Meeting


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def meetings_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    coord = RoleAssignment.objects.filter(user__username="mun.coord", role=Role.MUNICIPAL_COORDINATOR,
                                          municipality__isnull=False).select_related("municipality__region").first()
    if coord is None or coord.municipality is None:
        return {}
    municipality = coord.municipality
    rng = random.Random(seed)
    today = timezone.localdate()
    officer, methodist, curator, head = (_user(n) for n in ("mun.officer", "methodist", "curator", "head"))
    head_school = (RoleAssignment.objects.filter(user=head, role=Role.SCHOOL_HEAD).values_list("school", flat=True)
                   .first() if head else None)
    curated = RoleAssignment.objects.filter(user=curator, role=Role.CURATOR).values_list("schools", flat=True) \
        if curator else []
    schools = list(School.objects.filter(pk__in=[pk for pk in curated if pk] + ([head_school] if head_school else []),
                                         municipality=municipality).order_by("code"))
    if len(schools) < 3:
        schools += list(School.objects.filter(municipality=municipality).exclude(pk__in=[s.pk for s in schools])
                        .order_by("code")[: 3 - len(schools)])
    now = timezone.now()

    group = Meeting.objects.create(
        region=municipality.region, municipality=municipality, number="1", created_by=coord.user,
        title=("заседания рабочей группы по организации работы со школами с низкими результатами обучения "
               f"в {today.year - 1}/{today.year} учебном году"),
        held_on=today - timedelta(days=120), place="кабинет заместителя по УВР Средней школы № 30",
        approver=f"Начальник Управления образования\n{municipality.name}\nЛ.М. Миннуллина",
        chair=coord.user.full_name, secretary=officer.full_name if officer else "Т.А. Плотникова",
        attendees_text=("Баранова Е.М., заместитель директора по УВР Основной школы № 27, куратор;\n"
                        "Бессонова М.В., муниципальный координатор проекта «500+»;\n"
                        "Лосева Е.А., директор Средней школы № 60, школа-участница проекта «500+»;\n"
                        "Плотникова Т.А., ведущий специалист Управления образования"),
        agenda=[{"title": "Об основных направлениях работы со школами с низкими результатами обучения",
                 "speaker": "Плотникова Т.А.",
                 "heard": "Результаты идентификации свидетельствуют о наличии школ, стабильно демонстрирующих "
                          "низкие образовательные результаты."},
                {"title": "О реализации муниципальной программы поддержки школ", "speaker": "Бессонова М.В.",
                 "heard": "Все запланированные мероприятия проходят в соответствии с приказами Управления."}])
    group.attendees.set([u for u in (coord.user, officer, methodist, curator) if u])
    items = [
        ("Сформировать заявку на курсы повышения квалификации для школьных управленческих команд "
         "«Механизмы управления качеством образования».", -90, "руководители, Плотникова Т.А.", [officer], True),
        ("Продолжить работу со школами с низкими образовательными результатами по оказанию адресной "
         "методической поддержки.", 60, "кураторы, муниципальные координаторы", [curator, coord.user], False),
        ("Подготовить адресные методические рекомендации для учителей-предметников, чьи обучающиеся "
         "показывают стабильно низкие результаты.", -30, "методисты ЦДО", [methodist], True),
        ("Организовать методический десант в школу с вновь назначенным руководителем.", 20,
         "Плотникова Т.А.", [], False),
    ]
    decisions = parts = 0
    for n, (text, due, owners_text, users, done) in enumerate(items, start=1):
        decision = Decision.objects.create(meeting=group, number=str(n), position=n, text=text,
                                           due_on=group.held_on + timedelta(days=120 + due), owners_text=owners_text)
        decisions += 1
        for user in [u for u in users if u]:
            DecisionOwner.objects.create(
                decision=decision, user=user, status=DecisionStatus.DONE if done else DecisionStatus.OPEN,
                evidence="Выполнено: материалы размещены на сайте Управления образования." if done else "",
                closed_at=now - timedelta(days=rng.randint(5, 40)) if done else None,
                closed_by=user if done else None)
            parts += 1
        if done:
            decision.status, decision.closed_at = DecisionStatus.DONE, now - timedelta(days=3)
            decision.save(update_fields=["status", "closed_at"])

    heads = Meeting.objects.create(
        region=municipality.region, municipality=municipality, number="2", created_by=coord.user,
        title=f"совещания руководителей муниципальных общеобразовательных организаций ({municipality.name})",
        topic="Управление качеством образовательных результатов. Анализ эффективности принятых мер",
        held_on=today - timedelta(days=40), place=municipality.name, chair=coord.user.full_name,
        secretary=officer.full_name if officer else "", attendees_text="Руководители муниципальных ОО.",
        agenda=[{"title": "Анализ образовательных результатов по итогам процедур оценки качества",
                 "speaker": coord.user.full_name, "heard": ""}])
    owed = [
        ("Разработать (скорректировать) антирисковую программу школы.", -10),
        ("Направить в Управление образования на согласование «Дорожную карту» по повышению качества "
         "образования.", 25),
    ]
    for n, (text, due) in enumerate(owed, start=1):
        decision = Decision.objects.create(meeting=heads, number=str(n), position=n, text=text,
                                           due_on=today + timedelta(days=due), owners_text="руководители ОО")
        decisions += 1
        for i, school in enumerate(schools):
            done = n == 1 and school.pk != head_school and i % 2 == 0
            DecisionOwner.objects.create(
                decision=decision, school=school, status=DecisionStatus.DONE if done else DecisionStatus.OPEN,
                evidence="Антирисковая программа утверждена приказом директора." if done else "",
                closed_at=now - timedelta(days=rng.randint(1, 20)) if done else None)
            parts += 1
    return {"meetings": 2, "decisions": decisions, "decision_parts": parts}
