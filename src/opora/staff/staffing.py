"""The staffing picture: per school and per territory, aggregate figures only (never names).

A school's figures come from its staff registry when it has one (at least one active person in
it), otherwise from its latest social passport; `source` says which. Teachers are the active people
of the registry with the position «teacher»; the shares (aged 60+, first and highest category) are
of them. Vacancies are the open ones of the registry (or the passport's count).

Three queries whatever the number of schools (registry, vacancies, passports), so the region's
table costs the same as one school's card.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from opora.core.models import School, SocialPassport
from opora.staff.models import AgeGroup, PositionKind, QualificationCategory, Vacancy

REGISTRY = "registry"
PASSPORT = "passport"
NO_DATA = "none"


def percent(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole in per cent with one decimal; None when it cannot be counted."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class SchoolStaffing:
    school_id: int
    source: str  # registry | passport | none
    passport_year: int | None  # the passport's year when source is passport
    teachers: int | None
    vacancies: int | None
    aged_60_plus: int | None
    first_category: int | None
    highest_category: int | None
    has_psychologist: bool | None
    staff: int | None = None  # everyone active in the registry (teachers, heads, specialists)

    @property
    def aged_60_plus_pct(self) -> Decimal | None:
        return percent(self.aged_60_plus, self.teachers)

    @property
    def first_category_pct(self) -> Decimal | None:
        return percent(self.first_category, self.teachers)

    @property
    def highest_category_pct(self) -> Decimal | None:
        return percent(self.highest_category, self.teachers)


@dataclass
class _Share:
    part: int = 0
    whole: int = 0

    def add(self, part: int | None, whole: int | None) -> None:
        if part is not None and whole:
            self.part += part
            self.whole += whole

    @property
    def pct(self) -> Decimal | None:
        return percent(self.part, self.whole)


@dataclass
class TerritoryStaffing:
    """Sums over the schools of a territory (a municipality, a region, a list)."""

    schools: int = 0
    with_data: int = 0
    from_registry: int = 0
    teachers: int = 0
    vacancies: int = 0
    psychologist_known: int = 0
    without_psychologist: int = 0
    aged: _Share = field(default_factory=_Share)
    first: _Share = field(default_factory=_Share)
    highest: _Share = field(default_factory=_Share)

    def add(self, s: SchoolStaffing) -> None:
        self.schools += 1
        if s.source == NO_DATA:
            return
        self.with_data += 1
        self.from_registry += s.source == REGISTRY
        self.teachers += s.teachers or 0
        self.vacancies += s.vacancies or 0
        if s.has_psychologist is not None:
            self.psychologist_known += 1
            self.without_psychologist += not s.has_psychologist
        self.aged.add(s.aged_60_plus, s.teachers)
        self.first.add(s.first_category, s.teachers)
        self.highest.add(s.highest_category, s.teachers)

    @property
    def aged_60_plus_pct(self) -> Decimal | None:
        return self.aged.pct

    @property
    def first_category_pct(self) -> Decimal | None:
        return self.first.pct

    @property
    def highest_category_pct(self) -> Decimal | None:
        return self.highest.pct

    @property
    def without_psychologist_pct(self) -> Decimal | None:
        return percent(self.without_psychologist, self.psychologist_known)


def staffing_for(school_ids: Iterable[int]) -> dict[int, SchoolStaffing]:
    """The figures of every school in `school_ids` (a school without any data: source «none»)."""
    ids = list(school_ids)
    teacher = Q(staff__is_active=True, staff__position_kind=PositionKind.TEACHER)
    registry = {
        r["pk"]: r
        for r in School.objects.filter(pk__in=ids).annotate(
            active=Count("staff", filter=Q(staff__is_active=True)),
            teachers=Count("staff", filter=teacher),
            aged=Count("staff", filter=teacher & Q(staff__age_group=AgeGroup.FROM_60)),
            first=Count("staff", filter=teacher & Q(staff__qualification_category=QualificationCategory.FIRST)),
            highest=Count("staff", filter=teacher & Q(staff__qualification_category=QualificationCategory.HIGHEST)),
            psychologists=Count("staff", filter=Q(staff__is_active=True,
                                                  staff__position_kind=PositionKind.PSYCHOLOGIST)),
        ).filter(active__gt=0).values("pk", "active", "teachers", "aged", "first", "highest", "psychologists")
    }
    open_vacancies = dict(
        Vacancy.objects.filter(school_id__in=list(registry), filled_on__isnull=True)
        .values("school_id").annotate(n=Count("pk")).values_list("school_id", "n")
    )
    passports: dict[int, SocialPassport] = {}
    others = [i for i in ids if i not in registry]
    if others:
        for p in SocialPassport.objects.filter(school_id__in=others).order_by("school_id", "-year"):
            passports.setdefault(p.school_id, p)
    out: dict[int, SchoolStaffing] = {}
    for school_id in ids:
        r = registry.get(school_id)
        passport = passports.get(school_id)
        if r is not None:
            out[school_id] = SchoolStaffing(
                school_id=school_id, source=REGISTRY, passport_year=None, teachers=r["teachers"],
                vacancies=open_vacancies.get(school_id, 0), aged_60_plus=r["aged"], first_category=r["first"],
                highest_category=r["highest"], has_psychologist=r["psychologists"] > 0, staff=r["active"])
        elif passport is not None:
            out[school_id] = SchoolStaffing(
                school_id=school_id, source=PASSPORT, passport_year=passport.year, teachers=passport.teachers,
                vacancies=passport.vacancies, aged_60_plus=passport.teachers_aged_60_plus,
                first_category=passport.teachers_first_category,
                highest_category=passport.teachers_highest_category, has_psychologist=passport.has_psychologist)
        else:
            out[school_id] = SchoolStaffing(
                school_id=school_id, source=NO_DATA, passport_year=None, teachers=None, vacancies=None,
                aged_60_plus=None, first_category=None, highest_category=None, has_psychologist=None)
    return out


def territory_staffing(figures: Iterable[SchoolStaffing]) -> TerritoryStaffing:
    total = TerritoryStaffing()
    for s in figures:
        total.add(s)
    return total


def staffing_by_municipality(schools: Iterable[School]) -> dict[int, TerritoryStaffing]:
    """Sums per municipality over `schools` (each needs only pk and municipality_id)."""
    schools = list(schools)
    figures = staffing_for(s.pk for s in schools)
    out: dict[int, TerritoryStaffing] = {}
    for s in schools:
        out.setdefault(s.municipality_id, TerritoryStaffing()).add(figures[s.pk])
    return out
