"""GET /api/events (scoped, counts without names) and the attendance import (all or nothing)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from opora.core.errors import AccessDenied
from opora.core.models import User
from opora.support.imports_attendance import attendance_import
from opora.support.models import Event, Participant
from opora.support.services import events as services
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False)


def held_event(cast: Cast, **fields: Any) -> Event:
    data = {"title": "Деловая игра «Эффективное управление»", "kind": "business_game",
            "starts_on": TODAY - datetime.timedelta(days=2), **fields}
    event = services.event_create(actor=cast.maria, data=services.EventData(**data), municipality=cast.m1)
    services.invitations_add(actor=cast.maria, event=event, schools=[cast.s1, cast.s2])
    return event


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_lists_scoped_events_with_counts_and_no_names(cast: Cast) -> None:
    event = held_event(cast)
    Participant.objects.create(event=event, school=cast.s1, full_name="Секретная Персона", attended=True)
    other = services.event_create(actor=cast.alice, municipality=cast.m2, data=services.EventData(
        title="Дебаты", kind="debate", starts_on=TODAY))
    response = client_for(cast.maria).get("/api/events", {"year": TODAY.year})
    assert response.status_code == 200
    body = response.json()
    assert [e["id"] for e in body] == [event.pk]
    assert body[0]["participation"] == {"invited_schools": 2, "schools_came": 1, "registered": 1,
                                        "registered_came": 1, "present": 1, "attendance_taken": True}
    assert "Секретная" not in response.content.decode()
    assert {e["id"] for e in client_for(cast.alice).get("/api/events").json()} == {event.pk, other.pk}
    assert client_for(cast.vera).get("/api/events").json() == []
    assert client_for(cast.zoe).get("/api/events").json() == []
    assert [e["id"] for e in client_for(cast.alice).get("/api/events", {"school": "1003"}).json()] == []
    assert client_for(cast.nobody).get("/api/events").status_code == 403
    assert Client().get("/api/events").status_code == 401


def test_filtering_by_a_school_outside_the_scope_reveals_nothing(cast: Cast) -> None:
    regional = services.event_create(actor=cast.alice, region=cast.r10, data=services.EventData(
        title="Региональный семинар", kind="seminar", starts_on=TODAY))
    services.invitations_add(actor=cast.alice, event=regional, schools=[cast.s1, cast.s3])
    maria = client_for(cast.maria)  # M1: sees the event because s1 is invited, but not s3 of M2
    assert [e["id"] for e in maria.get("/api/events").json()] == [regional.pk]
    assert [e["id"] for e in maria.get("/api/events", {"school": "1001"}).json()] == [regional.pk]
    invited, absent = maria.get("/api/events", {"school": "1003"}), maria.get("/api/events", {"school": "2001"})
    assert invited.status_code == absent.status_code == 404
    assert invited.json() == absent.json()
    page = maria.get("/events/", {"school": "1003", "year": TODAY.year}).content.decode()
    assert "Региональный семинар" not in page


def sheet(tmp_path: Path, rows: list[list[Any]], header: tuple[str, ...] = ("ФИО", "код школы", "должность",
                                                                          "присутствовал")) -> Path:
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    path = tmp_path / "attendance.xlsx"
    workbook.save(path)
    return path


def test_import_marks_registered_people_and_adds_the_rest(cast: Cast, tmp_path: Path) -> None:
    event = held_event(cast)
    services.invitations_add(actor=cast.maria, event=event, schools=[])
    Participant.objects.create(event=event, school=cast.s1, full_name="Петрова Анна Сергеевна")
    Participant.objects.create(event=event, school=cast.s1, full_name="Сидоров Иван")
    path = sheet(tmp_path, [["петрова  анна сергеевна", "1001", "", "да"], ["Сидоров Иван", 1001, "", "нет"],
                            ["Гостева Галина", "1002", "учитель", None], ["Методист ЦДО", None, None, None]])
    outcome = attendance_import(actor=cast.mila, event=event, path=path)
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (2, 2)
    marks = dict(Participant.objects.filter(event=event).values_list("full_name", "attended"))
    assert marks == {"Петрова Анна Сергеевна": True, "Сидоров Иван": False, "Гостева Галина": True,
                     "Методист ЦДО": True}


def test_import_rejects_the_whole_file_with_row_column_and_reason(cast: Cast, tmp_path: Path) -> None:
    event = held_event(cast)
    path = sheet(tmp_path, [["Иванова", "1001", "", "да"], ["", "1001", "", ""], ["Петров", "1003", "", ""],
                            ["Сидоров", "1002", "", "может быть"], ["Иванова", "1001", "", ""]])
    outcome = attendance_import(actor=cast.maria, event=event, path=path)
    assert not outcome.ok
    found = {(e.row, e.column) for e in outcome.errors}
    assert found == {(3, "ФИО"), (4, "код школы"), (5, "присутствовал"), (6, "ФИО")}
    assert "не относится к территории" in next(e.message for e in outcome.errors if e.row == 4)
    assert not Participant.objects.filter(event=event).exists()
    missing = attendance_import(actor=cast.maria, event=event, path=sheet(tmp_path, [["x"]], header=("школа",)))
    assert not missing.ok and "фио" in str(missing.errors[0])
    with pytest.raises(AccessDenied):
        attendance_import(actor=cast.sam, event=event, path=path)


def test_import_page_starts_a_background_job(cast: Cast, tmp_path: Path,
                                             django_capture_on_commit_callbacks: Any) -> None:
    event = held_event(cast)
    path = sheet(tmp_path, [["Иванова Анна", "1001", "", "да"]])
    client = client_for(cast.maria)
    with path.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{event.pk}/attendance/import/", {"attendance-file": f})
    assert response.status_code == 302 and "?job=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "создано 1" in page
    assert Participant.objects.filter(event=event, full_name="Иванова Анна", attended=True).exists()
    assert client_for(cast.sam).get(f"/events/{event.pk}/attendance/import/").status_code in (403, 404)
    template = client.get(f"/events/{event.pk}/attendance/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
