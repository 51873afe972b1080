"""Апелляции на перечень: the appeals against the approved lists the caller sees, with their
deadline, whether the region asked for more information, the decision and the version of the list
an upheld appeal made. Scoped exactly as on the pages (`appeals_for`: a head sees only their
school's appeals)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from opora.api.routes.cases import reader, status_error
from opora.api.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, ErrorOut
from opora.cases import appeals
from opora.cases.models import Appeal, AppealState
from opora.core.years import FIRST_YEAR, LAST_YEAR

router = Router(tags=["Апелляции на перечень"])
RESPONSES: dict[int, Any] = {**ERRORS, 400: ErrorOut}
OVERDUE = "overdue"
STATUSES = [*AppealState.values, OVERDUE]


class AppealQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Год перечня")
    status: str | None = Field(None, max_length=16,
                               description="filed | info | decided; overdue — срок решения прошёл")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class AppealDecisionOut(Schema):
    outcome: str = Field(description="upheld — удовлетворена | rejected — отклонена")
    reason: str
    decided_at: datetime | None


class AppealOut(Schema):
    id: int
    school_code: str
    school_name: str
    municipality_code: str
    municipality_name: str
    year: int = Field(description="Год перечня")
    kind: str = Field(description="inclusion — против включения | exclusion — против исключения | "
                                  "flag — против отдельного признака")
    flag: str = Field(description="Код признака (для апелляции против признака), иначе пустая строка")
    status: str = Field(description="filed — подана | info — запрошены сведения | decided — решена")
    filed_at: datetime
    filed_by: str | None = Field(description="Кто подал апелляцию")
    decision_due: date = Field(description="Срок решения")
    overdue: bool = Field(description="Срок решения прошёл, а апелляция не решена")
    question: bool = Field(description="Регион запрашивал дополнительные сведения")
    reply: bool = Field(description="Сведения даны")
    decision: AppealDecisionOut | None = Field(description="Решение региона; null — апелляция не решена")
    list_version: int | None = Field(description="Номер версии перечня, созданной удовлетворённой апелляцией")


class AppealPage(Schema):
    count: int = Field(description="Сколько апелляций подходит под фильтры")
    limit: int
    offset: int
    items: list[AppealOut]


def _bad_status(value: str) -> tuple[int, dict[str, Any]]:
    return status_error(_("Unknown appeal status «%(status)s». Choose one of: %(choices)s.") % {
        "status": value, "choices": ", ".join(STATUSES)})


def _item(appeal: Appeal, today: date) -> dict[str, Any]:
    filer = appeal.filed_by
    return {
        "id": appeal.pk, "school_code": appeal.school.code, "school_name": appeal.school.name,
        "municipality_code": appeal.school.municipality.code,
        "municipality_name": appeal.school.municipality.name,
        "year": appeal.year, "kind": appeal.kind, "flag": appeal.flag, "status": appeal.state,
        "filed_at": appeal.filed_at, "filed_by": (filer.full_name or filer.username) if filer else None,
        "decision_due": appeal.decision_due, "overdue": appeals.appeal_overdue(appeal, today),
        "question": bool(appeal.question), "reply": bool(appeal.reply),
        "decision": {"outcome": appeal.outcome, "reason": appeal.decision, "decided_at": appeal.decided_at}
        if appeal.state == AppealState.DECIDED else None,
        "list_version": appeal.list_version,
    }


@router.get("/appeals", response={200: AppealPage, **RESPONSES}, summary="Апелляции на перечень")
def appeals_list(request: HttpRequest, params: Query[AppealQuery]) -> Any:
    """Апелляции доступных пользователю школ (как на страницах: руководитель видит апелляции своей
    школы): что обжалуется, статус, кто и когда подал, срок решения и просрочка, запрашивались ли
    сведения, решение региона и версия перечня, созданная удовлетворённой апелляцией. Фильтры: год и
    статус (overdue — просроченные). Постраничная выдача (limit/offset)."""
    user = reader(request)
    status = (params.status or "").strip()
    if status and status not in STATUSES:
        return _bad_status(status)
    today = timezone.localdate()
    qs = appeals.appeals_for(user, year=params.year)
    if status == OVERDUE:
        qs = qs.filter(~Q(state=AppealState.DECIDED), decision_due__lt=today)
    elif status:
        qs = qs.filter(state=status)
    page = qs.order_by("-year", "-filed_at", "-pk")[params.offset: params.offset + params.limit]
    return {"count": qs.count(), "limit": params.limit, "offset": params.offset,
            "items": [_item(a, today) for a in page]}
