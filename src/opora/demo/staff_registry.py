"""Demo: the staff registries and vacancies of the demo municipality's schools.

Every school of mun.coord's municipality but one gets a registry drawn to match its latest social
passport (teachers, aged 60+, categories, psychologist, vacancies); the one left out shows the
passport as the source. Heads with accounts are in their school's registry, linked to the account;
the demo teacher is linked to their record (so they see their own development plan).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from opora.core.models import Role, RoleAssignment, School, SocialPassport
from opora.demo.plans_texts import rng
from opora.staff.models import AgeGroup, PositionKind, QualificationCategory, StaffMember, Vacancy

MAX_TEACHERS = 40  # per school: enough for the figures, quick to load
SUBJECTS = ("rus", "math", "phys", "chem", "bio", "inf", "hist", "soc", "geo", "lit", "eng", "okr")
PRIMARY = "начальные классы"
WOMEN_SURNAMES = ("Иванова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева", "Козлова", "Новикова",
                  "Морозова", "Волкова", "Алексеева", "Павлова", "Семёнова", "Голубева", "Виноградова", "Фёдорова")
WOMEN_NAMES = ("Анна Петровна", "Елена Викторовна", "Ольга Николаевна", "Наталья Сергеевна", "Ирина Павловна",
               "Светлана Ивановна", "Татьяна Юрьевна", "Галина Михайловна", "Марина Олеговна", "Юлия Андреевна")
MEN_SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Орлов", "Фролов")
MEN_NAMES = ("Андрей Викторович", "Сергей Николаевич", "Павел Ильич", "Дмитрий Олегович", "Алексей Юрьевич")
_AGES = (AgeGroup.UNDER_30, AgeGroup.FROM_30, AgeGroup.FROM_40, AgeGroup.FROM_50)


def _name(r: random.Random, taken: set[str]) -> str:
    for _attempt in range(50):
        if r.random() < 0.8:
            name = f"{r.choice(WOMEN_SURNAMES)} {r.choice(WOMEN_NAMES)}"
        else:
            name = f"{r.choice(MEN_SURNAMES)} {r.choice(MEN_NAMES)}"
        if name not in taken:
            taken.add(name)
            return name
    name = f"{r.choice(WOMEN_SURNAMES)} {r.choice(WOMEN_NAMES)} ({len(taken)})"
    taken.add(name)
    return name


def _share(part: int | None, whole: int | None, default: float) -> float:
    return part / whole if part is not None and whole else default


def _school_registry(school: School, passport: SocialPassport | None, seed: int,
                     accounts: dict[str, list[RoleAssignment]]) -> tuple[list[StaffMember], list[Vacancy]]:
    r = rng(seed, "staff", school.code)
    teachers = min((passport.teachers if passport and passport.teachers else 12), MAX_TEACHERS)
    p = passport
    aged = round(teachers * _share(p.teachers_aged_60_plus if p else None, p.teachers if p else None, 0.18))
    first = round(teachers * _share(p.teachers_first_category if p else None, p.teachers if p else None, 0.27))
    highest = round(teachers * _share(p.teachers_highest_category if p else None, p.teachers if p else None, 0.21))
    taken: set[str] = set()
    people: list[StaffMember] = []
    number = 0

    def add(full_name: str, kind: str, position: str, **fields: object) -> StaffMember:
        nonlocal number
        number += 1
        member = StaffMember(school=school, external_id=f"{number:04d}", full_name=full_name, position_kind=kind,
                             position=position, **fields)
        people.append(member)
        return member

    for assignment in accounts.get("head", []):
        user = assignment.user
        taken.add(user.full_name)
        add(user.full_name or user.username, PositionKind.HEAD, "директор", user=user,
            qualification_category=QualificationCategory.HIGHEST, experience_years=r.randint(15, 35),
            age_group=r.choice((AgeGroup.FROM_40, AgeGroup.FROM_50)))
    add(_name(r, taken), PositionKind.DEPUTY, "заместитель директора по УВР", subjects=[r.choice(SUBJECTS)],
        qualification_category=QualificationCategory.FIRST, experience_years=r.randint(10, 30),
        age_group=r.choice(_AGES[1:]))
    teacher_accounts = [a.user for a in accounts.get("teacher", [])]
    for i in range(teachers):
        category = (QualificationCategory.HIGHEST if i < highest else QualificationCategory.FIRST
                    if i < highest + first else r.choice((QualificationCategory.NONE,
                                                          QualificationCategory.POSITION_MATCH)))
        age = AgeGroup.FROM_60 if teachers - i <= aged else r.choice(_AGES)
        years = {AgeGroup.UNDER_30: (0, 7), AgeGroup.FROM_30: (3, 15), AgeGroup.FROM_40: (8, 25),
                 AgeGroup.FROM_50: (15, 35), AgeGroup.FROM_60: (25, 45)}[age]
        primary = i % 5 == 0
        subjects = [PRIMARY] if primary else r.sample(SUBJECTS, k=1 + (r.random() < 0.3))
        account = teacher_accounts.pop(0) if teacher_accounts else None
        add(account.full_name if account and account.full_name else _name(r, taken), PositionKind.TEACHER,
            "учитель начальных классов" if primary else "учитель", subjects=subjects, qualification_category=category,
            experience_years=r.randint(*years), age_group=age, user=account)
    if p is not None and p.has_psychologist:
        add(_name(r, taken), PositionKind.PSYCHOLOGIST, "педагог-психолог", age_group=r.choice(_AGES),
            experience_years=r.randint(1, 20))
    if r.random() < 0.5:
        add(_name(r, taken), PositionKind.SOCIAL_PEDAGOGUE, "социальный педагог", age_group=r.choice(_AGES),
            experience_years=r.randint(1, 20))
    if r.random() < 0.3:  # someone who left last year: kept in the registry, not counted
        gone = add(_name(r, taken), PositionKind.TEACHER, "учитель", subjects=[r.choice(SUBJECTS)],
                   age_group=AgeGroup.FROM_60, experience_years=r.randint(30, 45))
        gone.is_active, gone.left_on = False, timezone.localdate() - timedelta(days=r.randint(60, 300))
    today = timezone.localdate()
    vacancies = [
        Vacancy(school=school, position_kind=PositionKind.TEACHER, subject=r.choice(SUBJECTS),
                opened_on=today - timedelta(days=r.randint(20, 400)))
        for _i in range(min(p.vacancies if p and p.vacancies else 0, 5))
    ]
    if p is not None and p.has_psychologist is False:
        vacancies.append(Vacancy(school=school, position_kind=PositionKind.PSYCHOLOGIST, rate=0.5,
                                 opened_on=today - timedelta(days=r.randint(30, 500))))
    return people, vacancies


def staff_registry_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's registries and vacancies; returns counts by kind for the summary line."""
    municipality = (RoleAssignment.objects.filter(user__username="mun.coord", role=Role.MUNICIPAL_COORDINATOR)
                    .values_list("municipality_id", flat=True).first())
    if municipality is None:
        return {}
    schools = list(School.objects.filter(municipality_id=municipality, is_active=True).order_by("code"))
    if len(schools) > 1:
        schools = schools[:-1]  # the last one keeps only its passport: the other source of the figures
    latest: dict[int, SocialPassport] = {}
    for passport in SocialPassport.objects.filter(school__in=schools).order_by("school_id", "-year"):
        latest.setdefault(passport.school_id, passport)
    accounts: dict[int, dict[str, list[RoleAssignment]]] = {}
    for a in (RoleAssignment.objects.filter(school__in=schools, role__in=(Role.SCHOOL_HEAD, Role.TEACHER))
              .select_related("user").order_by("pk")):
        kind = "head" if a.role == Role.SCHOOL_HEAD else "teacher"
        if a.school_id is not None:  # filtered by school
            accounts.setdefault(a.school_id, {}).setdefault(kind, []).append(a)
    people: list[StaffMember] = []
    vacancies: list[Vacancy] = []
    for school in schools:
        p, v = _school_registry(school, latest.get(school.pk), seed, accounts.get(school.pk, {}))
        people += p
        vacancies += v
    StaffMember.objects.bulk_create(people, batch_size=500)
    Vacancy.objects.bulk_create(vacancies, batch_size=500)
    return {"staff": len(people), "vacancies": len(vacancies)}
