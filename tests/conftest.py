"""The shared cast of users, one per role, on a small territory.

Territory: region «Северная область» (code 10) with municipalities «Озёрский» (M1: schools s1,
s2) and «Лесной» (M2: school s3); region «Южная область» (code 20, school s4).

Cast (all with password `pass-Opora-2026`):
    alice  regional_admin        region 10
    rita   regional_coordinator  region 10
    maria  municipal_coordinator M1
    oleg   municipal_officer     M1
    kate   curator               [s1]
    sam    school_head           s1
    tom    teacher               s1
    mila   methodist             M1
    olga   observer              M2
    vera   school_head           s3
    zoe    regional_admin        region 20
    nobody (signed in, no roles)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from opora.core.models import (
    Municipality,
    Region,
    Role,
    RoleAssignment,
    School,
    SchoolType,
    Settlement,
    SocialPassport,
    User,
)

PASSWORD = "pass-Opora-2026"


@dataclass
class Cast:
    r10: Region
    r20: Region
    m1: Municipality
    m2: Municipality
    m3: Municipality
    s1: School
    s2: School
    s3: School
    s4: School
    alice: User
    rita: User
    maria: User
    oleg: User
    kate: User
    sam: User
    tom: User
    mila: User
    olga: User
    vera: User
    zoe: User
    nobody: User

    def by_role(self) -> dict[str, User]:
        return {
            Role.REGIONAL_ADMIN: self.alice,
            Role.REGIONAL_COORDINATOR: self.rita,
            Role.MUNICIPAL_COORDINATOR: self.maria,
            Role.MUNICIPAL_OFFICER: self.oleg,
            Role.CURATOR: self.kate,
            Role.SCHOOL_HEAD: self.sam,
            Role.TEACHER: self.tom,
            Role.METHODIST: self.mila,
            Role.OBSERVER: self.olga,
        }


def make_user(username: str, full_name: str) -> User:
    user = User(username=username, full_name=full_name, email=f"{username}@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def make_cast() -> Cast:
    r10 = Region.objects.create(code="10", name="Северная область")
    r20 = Region.objects.create(code="20", name="Южная область")
    m1 = Municipality.objects.create(region=r10, code="10-01", name="Озёрский округ")
    m2 = Municipality.objects.create(region=r10, code="10-02", name="Лесной район")
    m3 = Municipality.objects.create(region=r20, code="20-01", name="Степной район")
    s1 = School.objects.create(
        code="1001", name="МБОУ СОШ № 1 г. Озёрска", municipality=m1, type=SchoolType.SECONDARY,
        settlement=Settlement.CITY, distance_km=Decimal("0"), enrolment=640,
    )
    s2 = School.objects.create(
        code="1002", name="МКОУ Заречная ООШ", municipality=m1, type=SchoolType.BASIC,
        settlement=Settlement.VILLAGE, distance_km=Decimal("42.5"), enrolment=87,
    )
    s3 = School.objects.create(
        code="1003", name="МАОУ Лицей № 3 г. Лесного", municipality=m2, type=SchoolType.LYCEUM,
        settlement=Settlement.CITY, distance_km=Decimal("1.2"), enrolment=1100,
    )
    s4 = School.objects.create(
        code="2001", name="МБОУ Степная СОШ", municipality=m3, type=SchoolType.SECONDARY,
        settlement=Settlement.TOWN, distance_km=Decimal("12"), enrolment=300,
    )
    SocialPassport.objects.create(
        school=s1, year=2025, low_income_families=Decimal("0.12"), special_needs=Decimal("0.05"),
        teachers=48, vacancies=2, has_psychologist=True,
    )
    SocialPassport.objects.create(
        school=s2, year=2025, low_income_families=Decimal("0.41"), special_needs=Decimal("0.11"),
        teachers=11, vacancies=3, has_psychologist=False,
    )
    users = {
        "alice": ("Алиса Андреевна Смирнова", Role.REGIONAL_ADMIN, {"region": r10}),
        "rita": ("Маргарита Петровна Волкова", Role.REGIONAL_COORDINATOR, {"region": r10}),
        "maria": ("Мария Ивановна Зыкова", Role.MUNICIPAL_COORDINATOR, {"municipality": m1}),
        "oleg": ("Олег Сергеевич Плотников", Role.MUNICIPAL_OFFICER, {"municipality": m1}),
        "kate": ("Екатерина Викторовна Баранова", Role.CURATOR, {}),
        "sam": ("Семён Олегович Лосев", Role.SCHOOL_HEAD, {"school": s1}),
        "tom": ("Тамара Алексеевна Клокова", Role.TEACHER, {"school": s1}),
        "mila": ("Людмила Игоревна Мальцева", Role.METHODIST, {"municipality": m1}),
        "olga": ("Ольга Викторовна Иванова", Role.OBSERVER, {"municipality": m2}),
        "vera": ("Вера Николаевна Куликова", Role.SCHOOL_HEAD, {"school": s3}),
        "zoe": ("Зоя Павловна Григорьева", Role.REGIONAL_ADMIN, {"region": r20}),
    }
    people: dict[str, User] = {}
    for username, (full_name, role, unit) in users.items():
        user = make_user(username, full_name)
        assignment = RoleAssignment.objects.create(user=user, role=role, **unit)
        if role == Role.CURATOR:
            assignment.schools.set([s1])
        people[username] = user
    people["nobody"] = make_user("nobody", "Никита Никитин")
    return Cast(r10=r10, r20=r20, m1=m1, m2=m2, m3=m3, s1=s1, s2=s2, s3=s3, s4=s4, **people)


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()
