"""Решения совещаний: decisions of the meetings the caller sees, with each owner's part (a school,
or a person of the education authority) and its status. Scoped as on the pages (VIEW_SUPPORT)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import ERRORS, MAX_LIMIT
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.support import selectors_meetings as selectors
from opora.support.selectors_meetings import DecisionFilter

router = Router(tags=["Решения совещаний"])


class DecisionQuery(Schema):
    status: Literal["open", "done", "cancelled"] | None = Field(None, description="Статус решения")
    overdue: bool | None = Field(None, description="Только просроченные: срок прошёл, решение не выполнено")
    municipality: str | None = Field(None, max_length=20, description="Код муниципалитета")
    school: str | None = Field(None, max_length=32, description="Код школы — решения, где школа ответственная")
    limit: int = Field(200, ge=1, le=MAX_LIMIT, description="Сколько решений вернуть")
    offset: int = Field(0, ge=0, description="Сколько пропустить")


class PartOut(Schema):
    school_code: str | None = Field(description="Код школы-ответственной (за неё отчитывается руководитель)")
    school_name: str | None
    user_id: int | None = Field(description="Ответственный сотрудник (id пользователя)")
    user_name: str | None = Field(description="ФИО ответственного сотрудника")
    status: str = Field(description="open | done | cancelled")
    closed_at: datetime | None = Field(description="Когда часть отмечена выполненной")
    has_evidence: bool = Field(description="Приложено подтверждение (текст или файл)")


class DecisionOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str = Field(description="Совещание")
    meeting_date: date
    protocol_number: str = Field(description="Номер протокола")
    municipality_code: str | None = Field(description="Муниципалитет совещания; пусто — региональное")
    number: str = Field(description="Пункт решения («1.2»)")
    text: str = Field(description="Текст решения")
    due_on: date | None = Field(description="Срок")
    owners_text: str = Field(description="Ответственные, как записано в протоколе («отв. …»)")
    status: str = Field(description="open | done | cancelled")
    overdue: bool = Field(description="Срок прошёл, решение не выполнено")
    parts_total: int = Field(description="Сколько ответственных (частей решения)")
    parts_done: int = Field(description="Сколько частей выполнено")
    parts: list[PartOut]


def _reader(request: HttpRequest) -> User:
    user = caller(request)
    if not access.has_perm_anywhere(user, Perm.VIEW_SUPPORT):
        raise AccessDenied
    return user


@router.get("/decisions", response={200: list[DecisionOut], **ERRORS}, summary="Решения совещаний и их исполнение")
def decisions_list(request: HttpRequest, params: Query[DecisionQuery]) -> Any:
    """Решения совещаний, доступных пользователю: срок, статус, просрочка и части решения по ответственным
    (школа — по коду, сотрудник управления — id и ФИО). Порядок: просроченные, открытые, по сроку."""
    user = _reader(request)
    municipality = school = None
    if params.municipality:
        municipality = access.visible_municipalities(user).filter(code=params.municipality).first()
        if municipality is None:
            raise Http404
    if params.school:
        school = access.schools_for(user, Perm.VIEW_SUPPORT).filter(code=params.school).first()
        if school is None:
            raise Http404
    f = DecisionFilter(status=params.status or "", overdue=bool(params.overdue), municipality=municipality,
                       school=school)
    decisions = list(selectors.decisions_for(user, f, today=timezone.localdate())
                     [params.offset:params.offset + params.limit])
    parts = selectors.parts_of([d.pk for d in decisions])
    return [{
        "id": d.pk, "meeting_id": d.meeting_id, "meeting_title": d.meeting.title, "meeting_date": d.meeting.held_on,
        "protocol_number": d.meeting.number,
        "municipality_code": d.meeting.municipality.code if d.meeting.municipality else None,
        "number": d.number, "text": d.text, "due_on": d.due_on, "owners_text": d.owners_text, "status": d.status,
        # is_overdue, parts_total and parts_done are annotated by decisions_for.
        "overdue": bool(d.is_overdue), "parts_total": d.parts_total,  # type: ignore[attr-defined]
        "parts_done": d.parts_done,  # type: ignore[attr-defined]
        "parts": [{"school_code": p.school.code if p.school else None,
                   "school_name": p.school.name if p.school else None,
                   "user_id": p.user_id, "user_name": (p.user.full_name or p.user.username) if p.user else None,
                   "status": p.status, "closed_at": p.closed_at,
                   "has_evidence": bool(p.evidence or p.evidence_file)} for p in parts[d.pk]],
    } for d in decisions]
