"""A sign-in sheet and a plan of events whose headers do not fit are mapped on the mapping page, and
the mapped job keeps the event, the territory and the year of the upload."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opora.jobs.models import Job, JobStatus
from opora.support.models import Event, Participant
from tests.conftest import Cast
from tests.core.imports_files import write_xlsx
from tests.support.test_events_api_import import client_for, held_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any, tmp_path: Path) -> None:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    time_machine.move_to(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC), tick=False)


def _latest() -> Job:
    job = Job.objects.order_by("-created_at").first()
    assert job is not None
    return job


def _map(client: Client, job: Job, form: dict[str, str], captured: Any) -> Job:
    page = client.get(reverse("import_mapping", args=[job.pk]))
    assert page.status_code == 200
    with captured(execute=True):
        done = client.post(reverse("import_mapping", args=[job.pk]), {"sheet": "", "name": "", **form})
    assert done.status_code == 302
    again = Job.objects.exclude(pk=job.pk).get(kind=job.kind)  # the clock is frozen: not by time
    return again


def test_a_sign_in_sheet_with_other_headers_is_mapped_into_its_event(
    cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    event = held_event(cast)
    path = write_xlsx(tmp_path / "лист.xlsx", [["Лист регистрации участников"],
                                               ["Слушатель", "ОО", "Отметка о присутствии"],
                                               ["Иванова Анна", "1001", "да"]])
    client = client_for(cast.maria)
    with path.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{event.pk}/attendance/import/", {"attendance-file": f})
    first = _latest()
    assert first.status == JobStatus.FAILED and (first.result or {}).get("mapping") is True, first.errors
    page = client.get(f"/events/{event.pk}/attendance/import/?job={first.pk}")
    assert reverse("import_mapping", args=[first.pk]) in page.content.decode()
    second = _map(client, first, {"header_row": "2", "column-0": "full_name", "column-1": "school_code",
                                  "column-2": "attended"}, django_capture_on_commit_callbacks)
    assert second.status == JobStatus.SUCCEEDED, second.errors
    assert second.params["event"] == event.pk
    assert Participant.objects.filter(event=event, full_name="Иванова Анна", attended=True).exists()


def test_a_plan_with_other_headers_is_mapped_into_its_territory_and_year(
    cast: Cast, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    path = write_xlsx(tmp_path / "план.xlsx", [["№", "Что проводится", "Когда", "Кто отвечает"],
                                              ["1.", "Семинар для заместителей директоров", "ноябрь 2023",
                                               "Долгополова Н.В."]])
    client = client_for(cast.maria)
    with path.open("rb") as f, django_capture_on_commit_callbacks(execute=True):
        client.post("/events/plan-import/", {"territory": f"m{cast.m1.pk}", "year": 2023, "file": f})
    first = _latest()
    assert first.status == JobStatus.FAILED and first.result["mapping"] is True
    second = _map(client, first, {"header_row": "1", "column-0": "number", "column-1": "title",
                                  "column-2": "period", "column-3": "responsible"}, django_capture_on_commit_callbacks)
    assert second.status == JobStatus.SUCCEEDED, second.errors
    event = Event.objects.get(municipality=cast.m1)
    assert (event.title, event.starts_on, event.ends_on) == (
        "Семинар для заместителей директоров", datetime.date(2023, 11, 1), datetime.date(2023, 11, 30))
    assert event.kind == "seminar" and event.responsible == "Долгополова Н.В."
