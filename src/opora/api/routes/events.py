"""Мероприятия: план мероприятий с показателями участия, в пределах доступа (Perm.VIEW_SUPPORT).

Имён участников в списке нет: только числа."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from opora.api.auth import caller
from opora.api.schemas import ERRORS
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.support.selectors_events import plan_events, rates_of

router = Router(tags=["Мероприятия"])


class EventsQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Год (по дате начала)")
    municipality: str | None = Field(None, max_length=20,
                                     description="Код муниципалитета; region — только региональные мероприятия")
    school: str | None = Field(None, max_length=32, description="Код школы: мероприятия, куда она приглашена или "
                                                               "которые проходят на её базе")


class ParticipationOut(Schema):
    invited_schools: int = Field(description="Приглашено школ")
    schools_came: int = Field(description="Из приглашённых школ присутствовал хотя бы один человек")
    registered: int = Field(description="Зарегистрировано участников")
    registered_came: int = Field(description="Из зарегистрированных присутствовали")
    present: int = Field(description="Всего присутствовали (с пришедшими без регистрации)")
    attendance_taken: bool = Field(description="Посещаемость отмечена")


class EventOut(Schema):
    id: int
    title: str = Field(description="Наименование мероприятия")
    kind: str = Field(description="seminar | world_cafe | coaching | business_game | debate | foresight | course | "
                                  "master_class | meeting | other")
    status: str = Field(description="planned | held | cancelled")
    starts_on: date = Field(description="Дата начала")
    ends_on: date | None = Field(description="Дата окончания")
    period_text: str = Field(description="Сроки, как в плане («Август – октябрь», «в течение года»)")
    municipality_code: str | None = Field(description="Код муниципалитета; null — региональное мероприятие")
    host_school_code: str | None = Field(description="Код школы, на базе которой проходит")
    expected_result: str = Field(description="Ожидаемый результат")
    capacity: int | None = Field(description="Мест; null — без ограничения")
    participation: ParticipationOut


def _item(event: Any) -> dict[str, Any]:
    rates = rates_of(event)
    return {"id": event.pk, "title": event.title, "kind": event.kind, "status": event.status,
            "starts_on": event.starts_on, "ends_on": event.ends_on, "period_text": event.period_text,
            "municipality_code": event.municipality.code if event.municipality else None,
            "host_school_code": event.venue_school.code if event.venue_school else None,
            "expected_result": event.expected_result, "capacity": event.capacity,
            "participation": {"invited_schools": rates.invited, "schools_came": rates.schools_came,
                              "registered": rates.registered, "registered_came": rates.registered_came,
                              "present": rates.came, "attendance_taken": rates.taken}}


def _reader(request: HttpRequest) -> User:
    user = caller(request)
    if not access.has_perm_anywhere(user, Perm.VIEW_SUPPORT):
        raise AccessDenied
    return user


@router.get("/events", response={200: list[EventOut], **ERRORS}, summary="План мероприятий с показателями участия")
def events_list(request: HttpRequest, params: Query[EventsQuery]) -> Any:
    """Мероприятия, доступные пользователю (муниципальные — своей территории или куда приглашены его школы;
    региональные — региональным ролям и приглашённым школам), по дате начала. По каждому — число приглашённых
    школ, пришедших школ, зарегистрированных и присутствовавших. Имён участников нет."""
    user = _reader(request)
    if params.school and not access.schools_for(user, Perm.VIEW_SUPPORT).filter(code=params.school).exists():
        raise Http404  # as for any school outside the caller's reach, invited or not
    events = plan_events(user, year=params.year, municipality=params.municipality or "", school=params.school or "")
    return [_item(e) for e in events]
