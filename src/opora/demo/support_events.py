"""Demo: the municipal plan of events (as seed 004 and the protocol of seed 000 describe them),
invitations to the schools of the year's list, registrations and attendance of the held ones."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from opora.core.models import Municipality, Role, RoleAssignment, School, User
from opora.identification.models import ListEntry
from opora.staff.models import StaffMember
from opora.support.models import Event, EventStatus, Invitation, Participant, ParticipantSource

# (title, kind, days from today, period as in the plan, responsible, expected result)
PLAN = (
    ("Выявление проблемных зон образовательной организации, анализ причин низких результатов", "seminar", -150,
     "Август – октябрь", "руководители МОО, координаторы от УО", "Анализ проблемных зон образовательной организации"),
    ("Мировое кафе «Мониторинг рисков образовательных результатов»", "world_cafe", -90, "",
     "координаторы от УО, методисты ЦДО", "Перечень рисков и мер по каждой школе"),
    ("Коуч-сессия «Качество образования для лиц с особыми образовательными потребностями»", "coaching", -60, "",
     "методисты ЦДО", "Повышение компетентности участников в работе с обучающимися с ОВЗ"),
    ("Деловая игра «Эффективное управление: Что? Зачем? Почему?»", "business_game", -30, "",
     "управленческие команды школ-партнёров", "Стратегические задачи управления школой и пути их решения"),
    ("Дебаты «Сравнение традиционной и новой системы оценки качества»", "debate", -10, "", "координаторы от УО",
     "Подходы к объективному оцениванию"),
    ("Система управленческой деятельности в рамках ВСОКО (коучинг)", "coaching", 12, "",
     "МАУ «Импульс-центр»", "Планы совершенствования ВСОКО"),
    ("Форсайт-сессия «Школа через пять лет»", "foresight", 25, "", "координаторы от УО",
     "Образ будущего школы и дорожные карты"),
    ("Курсы повышения квалификации по сопровождению индивидуального прогресса обучающихся", "course", 60,
     "январь – май", "руководители МОО, МАУ «Импульс-центр»", "Обучение педагогов, имеющих профессиональные дефициты"),
)


def events_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    coordinator = User.objects.filter(username="mun.coord").first()
    assignment = RoleAssignment.objects.filter(user=coordinator, role=Role.MUNICIPAL_COORDINATOR,
                                               municipality__isnull=False).select_related("municipality").first()
    if coordinator is None or assignment is None:
        return {}
    municipality: Municipality = assignment.municipality  # type: ignore[assignment]
    methodist = User.objects.filter(username="methodist").first()
    rng = random.Random(seed * 7919 + 4)
    today = timezone.localdate()
    schools = list(School.objects.filter(municipality=municipality).order_by("code"))
    if not schools:
        return {}
    listed = set(ListEntry.objects.filter(school__in=schools).values_list("school_id", flat=True))
    invited_pool = [s for s in schools if s.pk in listed] or schools[:6]
    # The demo head's school is always among the invited, so the head's pages have something to show.
    head_school = RoleAssignment.objects.filter(user__username="head", role=Role.SCHOOL_HEAD,
                                                school__municipality=municipality).values_list("school_id", flat=True)
    invited_pool += [s for s in schools if s.pk in set(head_school) and s not in invited_pool]
    hosts = [s for s in schools if s.pk not in listed] or schools
    staff: dict[int, list[StaffMember]] = {}
    for member in StaffMember.objects.filter(school__in=invited_pool, is_active=True).order_by("pk"):
        staff.setdefault(member.school_id, []).append(member)
    counts = {"events": 0, "invitations": 0, "participants": 0}
    for index, (title, kind, days, period, responsible, result) in enumerate(PLAN):
        starts = today + timedelta(days=days)
        held = days < 0
        event = Event.objects.create(
            region=municipality.region, municipality=municipality, title=title, kind=kind, starts_on=starts,
            ends_on=starts + timedelta(days=60) if period else None, period_text=period,
            venue_school=hosts[index % len(hosts)], responsible=responsible, expected_result=result,
            status=EventStatus.HELD if held else EventStatus.PLANNED, capacity=40 if kind != "course" else None,
            created_by=coordinator)
        event.responsible_users.set([u for u in (coordinator, methodist) if u is not None])
        counts["events"] += 1
        invited = invited_pool if index % 3 != 2 else invited_pool[: max(1, len(invited_pool) // 2)]
        Invitation.objects.bulk_create([Invitation(event=event, school=s) for s in invited])
        counts["invitations"] += len(invited)
        people: list[Participant] = []
        for school in invited:
            if not held and rng.random() < 0.4:
                continue  # not registered yet
            members = staff.get(school.pk, [])
            chosen = rng.sample(members, min(len(members), rng.randint(1, 3))) if members else []
            names: list[tuple[str, str, StaffMember | None]] = [(m.full_name, m.position or "учитель", m)
                                                                 for m in chosen]
            if not names:
                names = [(f"Представитель школы {school.code}", "заместитель директора", None)]
            came = held and rng.random() < 0.8
            for name, position, person in names:
                attended = (came and rng.random() < 0.85) if held else None
                people.append(Participant(event=event, school=school, staff=person, full_name=name, position=position,
                                          source=ParticipantSource.REGISTRATION, attended=attended,
                                          marked_at=timezone.now() if held else None))
        if held:
            people.append(Participant(event=event, school=None, full_name="Методист ЦДО", position="методист",
                                      source=ParticipantSource.ON_THE_DAY, attended=True, marked_at=timezone.now()))
        Participant.objects.bulk_create(people)
        counts["participants"] += len(people)
    return counts
