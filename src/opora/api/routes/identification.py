"""Identification of schools with low results: the flags of the latest finished run and the
year's approved list, scoped exactly as on the pages (Perm.VIEW_IDENTIFICATION)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, ErrorOut
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import Region, User
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.identification.models import RuleSet, RunSchool
from opora.identification.selectors import (
    FLAG_FIELDS,
    display_names,
    latest_run,
    list_entries,
    overrides,
    regions_for_identification,
    row_flags,
    run_rows,
    year_list,
)
from opora.identification.warnings import warning_texts

router = Router(tags=["Выявление школ с низкими результатами"])
RESPONSES: dict[int, Any] = {**ERRORS, 400: ErrorOut}


class Problem(Exception):
    """A refusal with its own status and Russian sentence, answered in the one error shape."""

    def __init__(self, status: int, code: str, detail: str, field: str = "") -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field

    def response(self) -> tuple[int, dict[str, Any]]:
        errors = [{"field": self.field, "loc": ["query", self.field], "message": self.detail, "type": self.code}] \
            if self.field else []
        return self.status, {"detail": self.detail, "code": self.code, "errors": errors}


class ListQuery(Schema):
    """A year of a region; the region may go unnamed when the caller sees one (`_region`)."""

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Год")
    region: str | None = Field(None, max_length=64, description="Код региона; можно не указывать, если он один")


class RunQuery(ListQuery):
    rule_set: str = Field(max_length=64, description="Код набора правил: federal, municipal, quality …")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class RunOut(Schema):
    id: int
    rule_set: str
    version: int | None = Field(description="Номер версии набора правил")
    created_at: datetime
    finished_at: datetime | None
    schools: int = Field(description="Сколько школ в расчёте (во всём регионе)")
    included: int = Field(description="Сколько школ предложено в перечень (во всём регионе)")


class RowOut(Schema):
    school_code: str
    school_name: str
    municipality_code: str
    swi: float | None = Field(description="Индекс социального благополучия школы (ИСБШ)")
    swi_stanine: int | None = Field(description="Станайн ИСБШ, 1 — наименее благополучные")
    adverse_context: bool = Field(description="Неблагоприятный социальный контекст")
    result: float | None = Field(description="Результат школы (мера модели ожидаемого результата)")
    expected: float | None = Field(description="Ожидаемый результат с учётом контекста")
    residual: float | None = Field(description="Отклонение от ожидаемого (+ — лучше ожидаемого)")
    residual_low: float | None = Field(description="Нижняя граница 95% интервала отклонения")
    residual_high: float | None = Field(description="Верхняя граница 95% интервала отклонения")
    reliability: float | None
    position: str = Field(description="above | as_expected | below; пусто — не определено")
    typology: str = Field(description="resilient | disadvantaged | underperforming | favourable | typical")
    resilient: bool = Field(description="Резильентная школа")
    quality_index: float | None = Field(description="Индекс качества, 0–1")
    quality_group: int | None = Field(description="Группа качества, 1 — самая низкая")
    low_results: bool = Field(description="Низкие результаты по правилу")
    low_score: float | None = Field(description="Число, по которому правило отбирало")
    decline_risk: bool = Field(description="Риск снижения результатов")
    dynamics: str = Field(description="improved | stable | declined; пусто — не определено")
    objectivity_index: float | None = Field(description="Индекс признаков необъективности, 0–1")
    objectivity_signs: list[str] = Field(description="Коды найденных признаков необъективности")
    repeated: int = Field(description="Сколько лет школа в перечнях, включая этот")
    exit: bool = Field(description="Выход из перечня")
    included: bool = Field(description="Предложена правилом в перечень (до ручных решений)")
    stable_years: str = Field(description="Устойчивость по годам, «n из m»")
    stable_thresholds: bool | None = Field(description="Решение не меняется при порогах ×0,9 и ×1,1")
    stable_context: bool | None = Field(description="Решение согласуется с учётом контекста")
    not_assessed_reason: str = Field(description="Почему школа не оценена (no_results, not_in_selection, "
                                                 "too_few_participants, no_previous_year, no_passport, "
                                                 "few_passport_indicators); пусто — оценена")
    in_list: bool | None = Field(description="В утверждённом перечне года; null — перечень не утверждён")
    manual: str | None = Field(description="Ручное решение: include | exclude; null — нет")
    manual_reason: str = Field(description="Причина ручного решения")


class WarningOut(Schema):
    code: str = Field(description="Код предупреждения (procedures_short, selection_empty, expected_no_signal …)")
    level: str = Field(description="cannot — условие набора правил невыполнимо на загруженных данных; "
                                   "limited — часть расчёта не выполнена; info — для сведения")
    message: str = Field(description="Предупреждение словами")
    details: dict[str, Any] = Field(description="Числа, на которых оно основано")


class RunPage(Schema):
    region: str
    year: int
    run: RunOut
    warnings: list[WarningOut] = Field(description="Что расчёт не смог оценить на загруженных данных")
    list_approved: bool = Field(description="Утверждён ли перечень этого года")
    count: int = Field(description="Сколько школ видит пользователь")
    limit: int
    offset: int
    items: list[RowOut]


class EntryOut(Schema):
    school_code: str
    school_name: str
    municipality_code: str
    manual: bool = Field(description="Включена вручную")
    reason: str = Field(description="Причина ручного включения")


class ListOut(Schema):
    region: str
    year: int
    run: int = Field(description="Расчёт, по которому утверждён перечень")
    rule_set: str
    comment: str
    approved_at: datetime
    count: int = Field(description="Сколько школ перечня видит пользователь")
    items: list[EntryOut]


def _reader(request: HttpRequest) -> User:
    user = caller(request)
    if not access.has_perm_anywhere(user, Perm.VIEW_IDENTIFICATION):
        raise AccessDenied
    return user


def _reader_region(request: HttpRequest, query: ListQuery) -> tuple[User, Region]:
    """The caller (403 without identification anywhere) and the region the query names (a Problem
    when it names none of theirs, or none where they see more than one)."""
    user = _reader(request)
    return user, _region(user, query.region)


def _region(user: User, code: str | None) -> Region:
    regions = regions_for_identification(user)
    if code:
        region = regions.filter(code=code).first()
        if region is None:
            raise Problem(404, "not_found", _("No region with the code «%(code)s» among yours.") % {"code": code},
                          "region")
        return region
    found = list(regions[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise Problem(404, "not_found", _("You see no school in any region."))
    codes = ", ".join(regions.values_list("code", flat=True))
    raise Problem(400, "region_required",
                  _("Choose the region with the region parameter (yours: %(codes)s).") % {"codes": codes}, "region")


def _row(row: RunSchool, listed: set[int] | None, manual: dict[int, Any]) -> dict[str, Any]:
    decision = manual.get(row.school_id)
    flags = row_flags(row)
    return {
        **{name: flags[name] for name in ("school_code", *FLAG_FIELDS)},
        "school_name": row.school.name,
        "municipality_code": row.school.municipality.code,
        "objectivity_signs": list(row.objectivity_signs or []),
        "in_list": None if listed is None else row.school_id in listed,
        "manual": decision.action if decision else None,
        "manual_reason": decision.reason if decision else "",
    }


@router.get("/identification", response={200: RunPage, **RESPONSES}, summary="Флаги школ по последнему расчёту")
def identification_rows(request: HttpRequest, params: Query[RunQuery]) -> Any:
    """Флаги доступных пользователю школ региона по последнему завершённому расчёту набора правил за год,
    с отметкой об утверждённом перечне и ручных решениях. Постраничная выдача (limit/offset)."""
    try:
        user, region = _reader_region(request, params)
        rule_set = RuleSet.objects.filter(code=params.rule_set).first()
        if rule_set is None or (rule_set.region_id and rule_set.region_id != region.pk):
            raise Problem(404, "not_found", _("No rule set with the code «%(code)s».") % {"code": params.rule_set},
                          "rule_set")
        run = latest_run(region, params.year, rule_set)
        if run is None:
            raise Problem(404, "not_found",
                          _("No finished identification run of «%(rule_set)s» for %(year)s yet.")
                          % {"rule_set": rule_set.code, "year": params.year})
    except Problem as problem:
        return problem.response()
    rows = run_rows(user, run)
    approved = year_list(region, params.year)
    listed = None if approved is None else set(approved.entries.values_list("school_id", flat=True))
    manual = overrides(user, region, params.year)
    page = rows[params.offset: params.offset + params.limit]
    warnings = [{"code": t.code, "level": t.level, "message": t.text, "details": t.details}
                for t in warning_texts(run.warnings or [], display_names())]
    return {
        "region": region.code, "year": params.year, "warnings": warnings,
        "run": {"id": run.pk, "rule_set": rule_set.code, "version": run.version.number if run.version else None,
                "created_at": run.created_at, "finished_at": run.finished_at,
                "schools": int(run.summary.get("schools", 0)), "included": int(run.summary.get("included", 0))},
        "list_approved": approved is not None, "count": rows.count(), "limit": params.limit,
        "offset": params.offset, "items": [_row(r, listed, manual) for r in page],
    }


@router.get("/identification/list", response={200: ListOut, **RESPONSES}, summary="Утверждённый перечень года")
def identification_list(request: HttpRequest, params: Query[ListQuery]) -> Any:
    """Школы утверждённого перечня региона за год (в пределах доступа пользователя): включённые правилом
    и вручную, с причиной ручного включения."""
    try:
        user, region = _reader_region(request, params)
        approved = year_list(region, params.year)
        if approved is None:
            raise Problem(404, "not_found", _("No list of %(year)s has been approved yet.") % {"year": params.year})
    except Problem as problem:
        return problem.response()
    entries = list(list_entries(user, approved))
    return {
        "region": region.code, "year": approved.year, "run": approved.run_id, "rule_set": approved.run.rule_set.code,
        "comment": approved.comment, "approved_at": approved.approved_at, "count": len(entries),
        "items": [{"school_code": e.school.code, "school_name": e.school.name,
                   "municipality_code": e.school.municipality.code, "manual": e.manual, "reason": e.reason}
                  for e in entries],
    }
