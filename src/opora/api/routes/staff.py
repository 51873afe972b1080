"""Педагоги: staffing figures per school (aggregates only, never names), scoped by VIEW_SCHOOL."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import ERRORS
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.staff.development_figures import development_figures
from opora.staff.staffing import staffing_for

router = Router(tags=["Педагоги"])


class SummaryQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR,
                             description="Год показателей развития (диагностика, ИОМ); по умолчанию текущий")
    municipality: str | None = Field(None, max_length=20, description="Код муниципалитета")
    school: str | None = Field(None, max_length=32, description="Код школы")


class DevelopmentOut(Schema):
    teachers: int = Field(description="Учителей в реестре (работают, должность «учитель»)")
    diagnosed: int = Field(description="Из них прошли диагностику профессиональных дефицитов за год")
    with_deficits: int = Field(description="Из них с выявленными дефицитами")
    with_plans: int = Field(description="Из них с индивидуальным образовательным маршрутом (ИОМ) на год")
    trained: int = Field(description="Из них выполнили все пункты своего ИОМ")


class StaffSummaryOut(Schema):
    school_code: str
    school_name: str
    municipality_code: str
    source: str = Field(description="registry — кадровый реестр школы; passport — последний социальный паспорт; "
                                    "none — данных нет")
    passport_year: int | None = Field(description="Год паспорта, если source = passport")
    teachers: int | None = Field(description="Учителей")
    vacancies: int | None = Field(description="Открытых вакансий")
    aged_60_plus: int | None = Field(description="Учителей 60 лет и старше")
    first_category: int | None = Field(description="Учителей с первой квалификационной категорией")
    highest_category: int | None = Field(description="Учителей с высшей квалификационной категорией")
    aged_60_plus_share: float | None = Field(description="Доля учителей 60+ (0–1)")
    first_category_share: float | None = Field(description="Доля учителей с первой категорией (0–1)")
    highest_category_share: float | None = Field(description="Доля учителей с высшей категорией (0–1)")
    has_psychologist: bool | None = Field(description="Есть педагог-психолог; null — неизвестно")
    year: int = Field(description="Год показателей развития")
    development: DevelopmentOut | None = Field(
        description="Диагностика и ИОМ за год (по реестру; null — в реестре нет учителей)")


def _share(part: int | None, whole: int | None) -> float | None:
    return round(part / whole, 4) if part is not None and whole else None


@router.get("/staff/summary", response={200: list[StaffSummaryOut], **ERRORS},
            summary="Кадровая ситуация школ (только сводные показатели)")
def staff_summary(request: HttpRequest, params: Query[SummaryQuery]) -> Any:
    """Школы, доступные пользователю: число учителей и вакансий, доли учителей 60+ и с первой/высшей
    категорией, наличие педагога-психолога (из кадрового реестра школы, а если его нет — из последнего
    социального паспорта; поле source), и показатели развития педагогов за год. Имён нет: только числа.
    Порядок: муниципалитет, школа (по названию)."""
    user = caller(request)
    if not access.has_perm_anywhere(user, Perm.VIEW_SCHOOL):
        raise AccessDenied
    year = params.year or timezone.localdate().year
    schools = access.schools_for(user, Perm.VIEW_SCHOOL).filter(is_active=True).select_related("municipality")
    if params.municipality:
        schools = schools.filter(municipality__code=params.municipality)
    if params.school:
        schools = schools.filter(code=params.school)
        if not schools.exists():
            raise Http404
    schools_list = list(schools.order_by("municipality__name", "name"))
    ids = [s.pk for s in schools_list]
    figures = staffing_for(ids)
    development = development_figures(school_ids=ids, year=year)
    out = []
    for s in schools_list:
        f, d = figures[s.pk], development.get(s.pk)
        out.append({
            "school_code": s.code, "school_name": s.name, "municipality_code": s.municipality.code,
            "source": f.source, "passport_year": f.passport_year, "teachers": f.teachers, "vacancies": f.vacancies,
            "aged_60_plus": f.aged_60_plus, "first_category": f.first_category,
            "highest_category": f.highest_category, "aged_60_plus_share": _share(f.aged_60_plus, f.teachers),
            "first_category_share": _share(f.first_category, f.teachers),
            "highest_category_share": _share(f.highest_category, f.teachers),
            "has_psychologist": f.has_psychologist, "year": year,
            "development": None if d is None else {"teachers": d.teachers, "diagnosed": d.diagnosed,
                                                   "with_deficits": d.with_deficits, "with_plans": d.with_plans,
                                                   "trained": d.trained},
        })
    return out
