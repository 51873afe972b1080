"""The plan of events: who sees and runs events, invitations, registration, attendance and rates."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.support.models import Event, EventStatus, Invitation, Participant
from opora.support.selectors_events import events_for, participation_by_school, rates_of, upcoming_for
from opora.support.services import events as services
from tests.conftest import Cast
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_event(cast: Cast, *, actor: User | None = None, municipality: Any = "m1", **fields: Any) -> Event:
    values: dict[str, Any] = {"title": "Мировое кафе «Мониторинг рисков»", "kind": "world_cafe",
                              "starts_on": TODAY - datetime.timedelta(days=1)}
    values.update(fields)
    m = getattr(cast, municipality) if isinstance(municipality, str) else municipality
    return services.event_create(actor=actor or cast.maria, data=services.EventData(**values), municipality=m,
                                 region=cast.r10 if m is None else None)


def test_municipal_coordinator_plans_an_event_of_her_municipality_only(cast: Cast) -> None:
    event = make_event(cast, responsible="Долгополова Н.В.", expected_result="Анализ проблемных зон")
    assert event.municipality == cast.m1 and event.status == EventStatus.PLANNED
    with pytest.raises(AccessDenied):
        make_event(cast, municipality="m2")
    with pytest.raises(AccessDenied):
        make_event(cast, actor=cast.sam)
    with pytest.raises(AccessDenied):
        make_event(cast, actor=cast.kate)
    assert make_event(cast, actor=cast.mila).municipality == cast.m1
    with pytest.raises(ValidationFailed):
        make_event(cast, ends_on=TODAY - datetime.timedelta(days=5))


def test_who_sees_a_municipal_event(cast: Cast) -> None:
    event = make_event(cast)
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s2])
    seeing = {u.username for u in (cast.alice, cast.rita, cast.maria, cast.oleg, cast.kate, cast.sam, cast.tom,
                                   cast.mila, cast.olga, cast.vera, cast.zoe, cast.nobody)
              if events_for(u).filter(pk=event.pk).exists()}
    # s1 (kate, sam, tom) is not invited: they do not see it; the whole municipality and the region do.
    assert seeing == {"alice", "rita", "maria", "oleg", "mila"}
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1])
    assert events_for(cast.sam).filter(pk=event.pk).exists()
    assert events_for(cast.kate).filter(pk=event.pk).exists()
    assert not events_for(cast.vera).filter(pk=event.pk).exists()


def test_regional_event_is_seen_by_region_roles_and_invited_schools(cast: Cast) -> None:
    event = make_event(cast, actor=cast.rita, municipality=None)
    assert event.municipality is None and event.region == cast.r10
    assert events_for(cast.alice).filter(pk=event.pk).exists()
    assert not events_for(cast.maria).filter(pk=event.pk).exists()
    assert not events_for(cast.zoe).filter(pk=event.pk).exists()
    with pytest.raises(AccessDenied):
        make_event(cast, actor=cast.maria, municipality=None)
    services.invitations_add(actor=cast.rita, event=event, schools=[cast.s3])
    assert events_for(cast.vera).filter(pk=event.pk).exists()
    assert events_for(cast.olga).filter(pk=event.pk).exists()


def test_invitations_stay_inside_the_event_territory(cast: Cast) -> None:
    event = make_event(cast)
    with pytest.raises(ValidationFailed):
        services.invitations_add(actor=cast.maria, event=event, schools=[cast.s3])
    with pytest.raises(AccessDenied):
        services.invitations_add(actor=cast.sam, event=event, schools=[cast.s1])
    assert services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2]) == 2
    assert services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1]) == 0
    with pytest.raises(ValidationFailed, match="списка"):
        services.invitations_add_year_list(actor=cast.maria, event=event)


def test_head_registers_staff_and_typed_people_within_capacity(cast: Cast) -> None:
    event = make_event(cast, starts_on=TODAY + datetime.timedelta(days=7), capacity=3)
    petrova = make_staff(cast.s1, "Петрова Анна Сергеевна", position="учитель математики")
    with pytest.raises(ValidationFailed, match="не приглашена"):
        services.participants_register(actor=cast.sam, event=event, school=cast.s1, staff=[petrova])
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2])
    added = services.participants_register(actor=cast.sam, event=event, school=cast.s1, staff=[petrova],
                                           typed=services.parse_people("Сидоров Иван Петрович, завуч\n\n"))
    assert [(p.full_name, p.position) for p in added] == [
        ("Петрова Анна Сергеевна", "учитель математики"), ("Сидоров Иван Петрович", "завуч")]
    # Registering the same person again adds nobody; beyond the places is refused.
    assert services.participants_register(actor=cast.sam, event=event, school=cast.s1, staff=[petrova]) == []
    with pytest.raises(ValidationFailed, match="мест"):
        services.participants_register(actor=cast.sam, event=event, school=cast.s1,
                                       typed=services.parse_people("А А А\nБ Б Б"))
    # The head of s1 cannot register people of s2; the teacher cannot register at all.
    with pytest.raises(AccessDenied):
        services.participants_register(actor=cast.sam, event=event, school=cast.s2,
                                       typed=services.parse_people("Гость"))
    with pytest.raises(AccessDenied):
        services.participants_register(actor=cast.tom, event=event, school=cast.s1,
                                       typed=services.parse_people("Гость"))


def test_attendance_updates_the_rates(cast: Cast) -> None:
    event = make_event(cast, starts_on=TODAY + datetime.timedelta(days=2))
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2])
    a, b = services.participants_register(actor=cast.maria, event=event, school=cast.s1,
                                          typed=services.parse_people("Иванова А.\nПетров Б."))
    with pytest.raises(ValidationFailed, match="в день"):
        services.attendance_mark(actor=cast.maria, participant=a, attended=True, today=TODAY)
    day = TODAY + datetime.timedelta(days=2)
    services.event_set_status(actor=cast.maria, event=event, status=EventStatus.HELD, today=day)
    services.attendance_mark(actor=cast.mila, participant=a, attended=True, today=day)
    services.attendance_mark(actor=cast.mila, participant=b, attended=False, today=day)
    services.walk_in_add(actor=cast.mila, event=event, full_name="Гостева Г.Г.", school=cast.s2, today=day)
    rates = rates_of(event)
    assert (rates.invited, rates.schools_came, rates.registered, rates.registered_came, rates.came) == (2, 2, 2, 1, 2)
    assert rates.schools_percent == 100 and rates.registered_percent == 50
    with pytest.raises(AccessDenied):
        services.attendance_mark(actor=cast.sam, participant=b, attended=True, today=day)
    with pytest.raises(ValidationFailed):
        services.event_set_status(actor=cast.maria, event=event, status=EventStatus.CANCELLED, today=day)
    figures = participation_by_school([cast.s1.pk, cast.s2.pk, cast.s3.pk], year=day.year, today=day)
    assert (figures[cast.s1.pk].invited, figures[cast.s1.pk].attended, figures[cast.s1.pk].people) == (1, 1, 1)
    assert cast.s3.pk not in figures


def test_plan_page_lists_scoped_events_with_rates_and_xlsx(cast: Cast, django_assert_max_num_queries: Any) -> None:
    for i in range(12):
        event = make_event(cast, title=f"Семинар {i}", kind="seminar", period_text="Август – октябрь",
                           responsible="координаторы от УО")
        services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2])
    Participant.objects.create(event=event, school=cast.s1, full_name="Иванова", attended=True)
    other = make_event(cast, actor=cast.alice, municipality="m2", title="Дебаты в Лесном")
    client = client_for(cast.maria)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("events:home"), {"year": event.starts_on.year})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Семинар 11" in html and "Август – октябрь" in html and other.title not in html
    assert "1 / 2" in html
    xlsx = client.get(reverse("events:home"), {"year": event.starts_on.year, "format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("№", "Название", "Вид", "Сроки", "Ответственный")
    assert len(rows) == 13 and rows[12][10] == 1
    # The head of s1 sees the events s1 is invited to, not the other municipality's.
    html = client_for(cast.sam).get(reverse("events:home"), {"year": event.starts_on.year}).content.decode()
    assert "Семинар 3" in html and other.title not in html
    assert client_for(cast.nobody).get(reverse("events:home")).status_code == 403


def test_event_page_shows_names_only_to_organisers_and_the_school(cast: Cast) -> None:
    event = make_event(cast, starts_on=TODAY + datetime.timedelta(days=3))
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2])
    services.participants_register(actor=cast.maria, event=event, school=cast.s2,
                                   typed=services.parse_people("Заречная Зоя Зиновьевна"))
    url = reverse("events:detail", args=[event.pk])
    assert "Заречная Зоя" in client_for(cast.maria).get(url).content.decode()
    head = client_for(cast.sam).get(url).content.decode()
    assert "Заречная Зоя" not in head and "Зарегистрировать участников" in head
    assert client_for(cast.vera).get(url).status_code == 404
    assert client_for(cast.sam).get(reverse("events:attendance", args=[event.pk])).status_code == 403
    assert client_for(cast.sam).get(reverse("events:edit", args=[event.pk])).status_code == 403


def test_head_registers_through_the_page_and_keeps_typed_text_on_error(cast: Cast) -> None:
    event = make_event(cast, starts_on=TODAY + datetime.timedelta(days=3), capacity=1)
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1])
    client = client_for(cast.sam)
    response = client.post(reverse("events:register", args=[event.pk]),
                           {"school": cast.s1.pk, "names": "Первый П.П., учитель\nВторой В.В."}, follow=True)
    html = response.content.decode()
    assert "Недостаточно мест" in html and "Второй В.В." in html
    response = client.post(reverse("events:register", args=[event.pk]),
                           {"school": cast.s1.pk, "names": "Первый П.П., учитель"}, follow=True)
    assert Participant.objects.filter(event=event, full_name="Первый П.П.", position="учитель").exists()
    assert client.post(reverse("events:register", args=[event.pk]),
                       {"school": cast.s2.pk, "names": "Чужой"}).status_code == 403


def test_attendance_page_marks_with_htmx_and_adds_walk_ins(cast: Cast) -> None:
    event = make_event(cast, starts_on=TODAY - datetime.timedelta(days=400))
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1])
    (person,) = services.participants_register(actor=cast.maria, event=event, school=cast.s1,
                                               typed=services.parse_people("Иванова Анна"))
    client = client_for(cast.mila)
    page = client.get(reverse("events:attendance", args=[event.pk])).content.decode()
    assert "Иванова Анна" in page
    response = client.post(reverse("events:mark", args=[event.pk, person.pk]), {"attended": "1"},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="event-rates" hx-swap-oob="true"' in html and "1 / 1" in html
    person.refresh_from_db()
    assert person.attended is True
    response = client.post(reverse("events:walk_in", args=[event.pk]), {"full_name": "", "position": "x"})
    assert "Обязательное поле" in response.content.decode()
    client.post(reverse("events:walk_in", args=[event.pk]), {"full_name": "Гость Г.", "school": cast.s1.pk})
    assert Participant.objects.get(event=event, full_name="Гость Г.").attended is True


def test_participation_table_is_scoped_and_exports(cast: Cast) -> None:
    event = make_event(cast)
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2])
    Participant.objects.create(event=event, school=cast.s1, full_name="Иванова", attended=True)
    client = client_for(cast.maria)
    html = client.get(reverse("events:participation"), {"year": event.starts_on.year}).content.decode()
    assert cast.s1.name in html and cast.s2.name in html and "100 %" in html and "0 %" in html
    html = client_for(cast.sam).get(reverse("events:participation"), {"year": event.starts_on.year}).content.decode()
    assert cast.s1.name in html and cast.s2.name not in html
    xlsx = client.get(reverse("events:participation"), {"year": event.starts_on.year, "format": "xlsx"})
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert {r[0]: r[5] for r in rows[1:]} == {"1001": 100, "1002": 0}


def test_start_page_lists_upcoming_events_of_my_school(cast: Cast) -> None:
    event = make_event(cast, starts_on=TODAY + datetime.timedelta(days=5), title="Коуч-сессия о ВСОКО")
    assert upcoming_for(cast.sam, today=TODAY) == []
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1])
    assert upcoming_for(cast.sam, today=TODAY) == [event]
    assert upcoming_for(cast.maria, today=TODAY) == [event]
    assert upcoming_for(cast.vera, today=TODAY) == []
    assert Invitation.objects.count() == 1
    assert "Коуч-сессия о ВСОКО" in client_for(cast.sam).get("/").content.decode()
    assert "Коуч-сессия о ВСОКО" not in client_for(cast.vera).get("/").content.decode()
