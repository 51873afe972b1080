"""Дела по признакам необъективности: the objectivity cases the caller sees, with their deadlines,
the municipality's opinion, the region's decision and its consequences. Scoped exactly as on the
pages (`Perm.VIEW_IDENTIFICATION` on the school: a head sees only their school's cases)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, ErrorOut
from opora.cases import selectors
from opora.cases.models import CaseState, ObjectivityCase
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.core.years import FIRST_YEAR, LAST_YEAR

router = Router(tags=["Дела по признакам необъективности"])
RESPONSES: dict[int, Any] = {**ERRORS, 400: ErrorOut}
OVERDUE = "overdue"
STATUSES = [*CaseState.values, OVERDUE]


class CaseQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Год оценочной процедуры")
    status: str | None = Field(None, max_length=16,
                               description="open | waiting | review | decided; overdue — срок ответа или решения "
                                           "прошёл")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class OpinionOut(Schema):
    outcome: str = Field(description="confirmed | not_confirmed | inconclusive")
    reason: str
    given_at: datetime | None = Field(description="Когда дано мнение")


class DecisionOut(Schema):
    outcome: str = Field(description="confirmed | not_confirmed | inconclusive")
    reason: str
    decided_at: datetime | None


class ConsequencesOut(Schema):
    mark_results: bool = Field(description="Результаты отмечены как необъективные")
    low_results_effect: str = Field(description="exclude — работы исключены из определения низких результатов, "
                                                "include — школа включена в перечень, none — без изменений")
    enhanced_control: bool = Field(description="Усиленный контроль на следующей процедуре")


class CaseOut(Schema):
    id: int
    school_code: str
    school_name: str
    municipality_code: str
    municipality_name: str
    procedure: str = Field(description="Код процедуры: vpr, oge, ege …")
    year: int
    status: str = Field(description="open | waiting | review | decided")
    answer_due: date | None = Field(description="Срок ответа школы")
    decision_due: date | None = Field(description="Срок решения")
    overdue: bool = Field(description="Срок ответа (ожидает ответа) или решения (на рассмотрении) прошёл")
    municipal_opinion: OpinionOut | None = Field(description="Мнение муниципалитета; null — ещё не дано")
    decision: DecisionOut | None = Field(description="Решение региона; null — дело не решено")
    consequences: ConsequencesOut | None = Field(description="Последствия решения; null — дело не решено")
    signs: list[str] = Field(description="Коды признаков необъективности, найденных в расчёте")


class CasePage(Schema):
    count: int = Field(description="Сколько дел подходит под фильтры")
    limit: int
    offset: int
    items: list[CaseOut]


def reader(request: HttpRequest) -> User:
    """The caller, if they may see identification somewhere (cases and appeals are read alike)."""
    user = caller(request)
    if not access.has_perm_anywhere(user, Perm.VIEW_IDENTIFICATION):
        raise AccessDenied
    return user


def status_error(detail: str) -> tuple[int, dict[str, Any]]:
    """The 400 answer on a `status` filter that is not one of the choices."""
    return 400, {"detail": detail, "code": "bad_request",
                 "errors": [{"field": "status", "loc": ["query", "status"], "message": detail, "type": "choice"}]}


def _bad_status(value: str) -> tuple[int, dict[str, Any]]:
    return status_error(_("Unknown case status «%(status)s». Choose one of: %(choices)s.") % {
        "status": value, "choices": ", ".join(STATUSES)})


def _signs(case: ObjectivityCase) -> list[str]:
    codes: list[str] = []
    for row in case.signs or []:
        code = row.get("sign") if isinstance(row, dict) else None
        if code and code not in codes:
            codes.append(str(code))
    return codes


def _item(case: ObjectivityCase, today: date) -> dict[str, Any]:
    decided = case.state == CaseState.DECIDED
    return {
        "id": case.pk, "school_code": case.school.code, "school_name": case.school.name,
        "municipality_code": case.school.municipality.code, "municipality_name": case.school.municipality.name,
        "procedure": case.procedure, "year": case.year, "status": case.state, "answer_due": case.answer_due,
        "decision_due": case.decision_due, "overdue": bool(selectors.overdue(case, today)),
        "municipal_opinion": {"outcome": case.municipal_outcome, "reason": case.municipal_reason,
                              "given_at": case.municipal_at} if case.municipal_outcome else None,
        "decision": {"outcome": case.outcome, "reason": case.reason, "decided_at": case.decided_at}
        if decided else None,
        "consequences": {"mark_results": case.mark_results, "low_results_effect": case.low_results_effect,
                         "enhanced_control": case.enhanced_control} if decided else None,
        "signs": _signs(case),
    }


@router.get("/objectivity-cases", response={200: CasePage, **RESPONSES},
            summary="Дела по признакам необъективности результатов")
def cases_list(request: HttpRequest, params: Query[CaseQuery]) -> Any:
    """Дела доступных пользователю школ (как на страницах: руководитель видит дела своей школы): статус,
    сроки ответа и решения, просрочка, мнение муниципалитета, решение региона и его последствия, коды
    признаков. Фильтры: год и статус (overdue — просроченные). Постраничная выдача (limit/offset)."""
    user = reader(request)
    status = (params.status or "").strip()
    if status and status not in STATUSES:
        return _bad_status(status)
    today = timezone.localdate()
    cases = selectors.cases_for(user, year=params.year)
    if status == OVERDUE:
        cases = cases.filter(selectors.overdue_filter(today))
    elif status:
        cases = cases.filter(state=status)
    page = cases[params.offset: params.offset + params.limit]
    return {"count": cases.count(), "limit": params.limit, "offset": params.offset,
            "items": [_item(c, today) for c in page]}
