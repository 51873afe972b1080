"""School indicators of a year, scoped exactly as on the pages (classes only for the school's
own head and teachers)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.results.models import SchoolIndicator
from opora.results.selectors import indicators_for

router = Router(tags=["Результаты"])


class IndicatorQuery(Schema):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Год")
    procedure: str | None = Field(None, max_length=32, description="Код процедуры: vpr, oge, ege …")
    subject: str | None = Field(None, max_length=32, description="Код предмета")
    grade: int | None = Field(None, ge=1, le=11, description="Класс (параллель)")
    municipality: str | None = Field(None, max_length=64, description="Код муниципалитета")
    classes: bool = Field(False, description="Добавить строки по классам (видны только своей школе)")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class IndicatorOut(Schema):
    school_code: str
    procedure: str
    year: int
    subject: str
    grade: int
    class_name: str = Field(description="Класс, например «5А»; пусто — вся параллель")
    participants: int = Field(description="Число участников")
    # Null shares and counts: an aggregate whose mark counts the form suppressed (only the mean).
    fail_share: float | None = Field(description="Доля «2» (или ниже минимального балла), 0–1; "
                                                 "пусто — число отметок в форме скрыто")
    fail_low: float | None = Field(description="Нижняя граница 95% интервала Уилсона")
    fail_high: float | None = Field(description="Верхняя граница 95% интервала Уилсона")
    high_share: float | None = Field(description="Доля «4» и «5» (ЕГЭ: не ниже высокого балла), 0–1")
    high_low: float | None
    high_high: float | None
    mean_pct: float | None = Field(description="Средний первичный балл, % от максимума")
    mean_mark: float | None = Field(description="Средняя отметка")
    fail_change: float | None = Field(description="Изменение доли «2» к прошлому году")
    negative_dynamics: bool = Field(description="Рост доли «2» на 10 п. п. и более")
    mark2: int | None
    mark3: int | None
    mark4: int | None
    mark5: int | None
    small_group: str = Field(description="too_few: меньше 10 участников; warn: 10–29")
    source: str = Field(description="pupils — по работам учеников, aggregates — по сводным формам")


class IndicatorPage(Schema):
    count: int = Field(description="Сколько всего строк подходит под фильтры")
    limit: int
    offset: int
    items: list[IndicatorOut]


def _indicator(row: SchoolIndicator) -> dict[str, object]:
    return {
        "school_code": row.school.code, "procedure": row.procedure.code, "year": row.year,
        "subject": row.subject.code, "grade": row.grade, "class_name": row.class_name,
        "participants": row.participants, "fail_share": row.fail_share, "fail_low": row.fail_low,
        "fail_high": row.fail_high, "high_share": row.high_share, "high_low": row.high_low,
        "high_high": row.high_high, "mean_pct": row.mean_pct, "mean_mark": row.mean_mark,
        "fail_change": row.fail_change, "negative_dynamics": row.negative_dynamics,
        "mark2": row.mark2, "mark3": row.mark3, "mark4": row.mark4, "mark5": row.mark5,
        "small_group": row.small_group, "source": row.source,
    }


@router.get("/indicators", response={200: IndicatorPage, **ERRORS}, summary="Показатели школ")
def indicator_list(request: HttpRequest, params: Query[IndicatorQuery]) -> dict[str, object]:
    """Показатели доступных пользователю школ за год; фильтры и постраничная выдача (limit/offset)."""
    rows = indicators_for(
        caller(request), year=params.year, procedure=params.procedure, subject=params.subject,
        grade=params.grade, municipality=params.municipality, classes=params.classes,
    )
    page = rows[params.offset : params.offset + params.limit]
    return {"count": rows.count(), "limit": params.limit, "offset": params.offset,
            "items": [_indicator(r) for r in page]}
