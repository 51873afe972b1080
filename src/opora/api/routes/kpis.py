"""Programme indicators: plan against fact per year, with how each fact was computed. A programme is
visible as on the pages (its territory, its schools); the schools behind a number are listed only
where the caller sees them."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import ERRORS
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.programmes.compute import programme_schools
from opora.programmes.figures import stored_results
from opora.programmes.selectors import programme_for, visible_school_ids

router = Router(tags=["Программы и показатели"])


class KpiQuery(Schema):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Год")
    programme: str = Field(max_length=64, description="Код программы")


class KpiOut(Schema):
    code: str = Field(description="Код показателя (METHODS §8)")
    title: str
    numerator_text: str = Field(description="Что считается в числителе")
    denominator_text: str = Field(description="Что считается в знаменателе")
    denominator_date: str = Field(description="На какую дату берётся знаменатель")
    source: str = Field(description="Источник данных")
    higher_is_better: bool
    target_pct: float | None = Field(description="Целевое значение на год, %; null — не задано")
    fact_pct: float | None = Field(description="Факт, %; null — данных нет (никогда не ноль вместо «нет данных»)")
    numerator: float
    denominator: float
    status: str = Field(description="achieved | not_achieved | no_data | no_target")
    schools_counted: int = Field(description="Школ с данными")
    schools_missing: int = Field(description="Школ без данных")
    missing: list[str] = Field(description="Каких данных не хватает")
    counted_codes: list[str] = Field(description="Коды школ, вошедших в расчёт (только видимые вызывающему)")
    hit_codes: list[str] = Field(description="Из них — школы с ненулевым числителем (только видимые)")
    missing_codes: list[str] = Field(description="Школы без данных (только видимые)")


class ProgrammeKpisOut(Schema):
    programme: str
    title: str
    year: int
    schools: int = Field(description="Школ в программе (перечень первого года)")
    kpis: list[KpiOut]


@router.get("/kpis", response={200: ProgrammeKpisOut, **ERRORS}, summary="Показатели программы за год")
def kpis(request: HttpRequest, query: Query[KpiQuery]) -> ProgrammeKpisOut:
    user = caller(request)
    programme = programme_for(user, query.programme)
    if programme is None:
        raise Http404
    schools = programme_schools(programme)
    codes = {s.pk: s.code for s in schools}
    visible = visible_school_ids(user, schools)
    out = []
    for r in stored_results(programme, query.year):
        d = r.definition
        out.append(KpiOut(
            code=r.kpi.code, title=str(d.title), numerator_text=str(d.numerator), denominator_text=str(d.denominator),
            denominator_date=str(d.denominator_date), source=str(d.source), higher_is_better=d.higher_is_better,
            target_pct=r.target_percent, fact_pct=r.percent, numerator=r.fact.numerator,
            denominator=r.fact.denominator, status=r.status, schools_counted=len(r.fact.counted),
            schools_missing=len(r.fact.missing), missing=sorted(set(r.fact.missing.values())),
            counted_codes=[codes[i] for i in r.fact.counted if i in visible],
            hit_codes=[codes[i] for i in r.fact.hits if i in visible],
            missing_codes=[codes[i] for i in r.fact.missing if i in visible],
        ))
    return ProgrammeKpisOut(programme=programme.code, title=programme.title, year=query.year, schools=len(schools),
                            kpis=out)
