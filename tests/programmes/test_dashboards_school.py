"""The school's dashboard: results over the years, risks, documents and deadlines, support received;
who may open it; XLSX of every table; query counts."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from opora.core.models import School, User
from opora.plans.models import DocState, DocumentKind, MeasureStatus
from opora.results.models import Procedure, SchoolIndicator, Subject
from opora.support.models import Event, Participant, Visit
from opora.support.models.meetings import Decision, DecisionOwner, Meeting
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign, shipped_version
from tests.diagnostics.test_heatmap import make_profile
from tests.plans.builders import add_measure, make_document
from tests.programmes.builders import known_programme


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(date(2026, 5, 15), tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(school: School, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"year": 2026, **params}.items())
    return reverse("dashboards:school", args=[school.code]) + "?" + query


def result(school: School, year: int, fails: int, n: int = 50) -> SchoolIndicator:
    vpr, _ = Procedure.objects.get_or_create(code="vpr", defaults={"name": "ВПР"})
    math, _ = Subject.objects.get_or_create(code="math", defaults={"name": "Математика"})
    return SchoolIndicator.objects.create(
        school=school, procedure=vpr, year=year, subject=math, grade=5, participants=n, mark2=fails,
        mark3=n - fails, fail_share=fails / n, fail_low=0, fail_high=1, high_share=0, high_low=0, high_high=1,
        mean_mark=3.1, negative_dynamics=year == 2026)


@pytest.fixture
def school_year(cast: Cast) -> None:
    """s1 in 2026: results of 2024–2026, a risk profile, a roadmap with an overdue and a coming measure,
    a curator, a visit, an event attended by two, an overdue decision."""
    known_programme(cast)
    for year, fails in ((2023, 3), (2024, 4), (2025, 5), (2026, 10)):
        result(cast.s1, year, fails)
    campaign = make_campaign(municipality=cast.m1, schools=[cast.s1], version=shipped_version())
    make_profile(campaign, cast.s1, {"motivation": ("high", 0.9)}, selected=("motivation",))
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, year=2026, state=DocState.APPROVED)
    add_measure(roadmap, "Семинар", due_on=date(2026, 3, 1), status=MeasureStatus.DONE, done_on=date(2026, 3, 1))
    add_measure(roadmap, "Мастер-класс по читательской грамотности", due_on=date(2026, 4, 1))
    add_measure(roadmap, "Педсовет по итогам года", due_on=date(2026, 6, 1))
    add_measure(roadmap, "Летняя школа", due_on=date(2026, 8, 1))
    Visit.objects.create(school=cast.s1, kind="consultation", held_on=date(2026, 2, 3), purpose="Консультация по ВСОКО")
    event = Event.objects.create(region=cast.r10, municipality=cast.m1, title="Семинар «Мировое кафе»",
                                 kind="world_cafe", starts_on=date(2026, 3, 20), status="held")
    for name in ("Иванова И. И.", "Петрова П. П."):
        Participant.objects.create(event=event, school=cast.s1, full_name=name, attended=True)
    meeting = Meeting.objects.create(region=cast.r10, municipality=cast.m1, title="Совещание руководителей",
                                     held_on=date(2026, 1, 20))
    decision = Decision.objects.create(meeting=meeting, text="Провести анализ ВПР", due_on=date(2026, 4, 30))
    DecisionOwner.objects.create(decision=decision, school=cast.s1)


def test_school_head_sees_the_school_year(cast: Cast, school_year: None) -> None:
    response = client_for(cast.sam).get(url(cast.s1))
    assert response.status_code == 200
    panel = response.context["panel"]
    assert panel.result_years == [2024, 2025, 2026]  # the latest three
    assert [i.mark2 for i in panel.results[0].years] == [4, 5, 10]
    assert [f.factor for f in panel.risk if f.selected] == ["motivation"]
    assert [m.title for m in panel.overdue_measures] == ["Мастер-класс по читательской грамотности"]
    assert [m.title for m in panel.soon_measures] == ["Педсовет по итогам года"]  # August is not within 30 days
    assert [str(c.curator) for c in panel.curators] == ["Екатерина Викторовна Баранова"]
    assert [e["people"] for e in panel.events] == [2]
    assert [d.overdue for d in panel.decisions] == [True]
    assert (panel.teachers.teachers, panel.teachers.diagnosed) == (4, 3)
    html = response.content.decode()
    for text in ("«2»: 20 %", "Консультация по ВСОКО", "Семинар «Мировое кафе»", "Провести анализ ВПР"):
        assert text in html
    assert "Иванова" not in html  # participants only as a count


def test_school_head_cannot_open_another_school(cast: Cast, school_year: None) -> None:
    assert client_for(cast.sam).get(url(cast.s2)).status_code == 404
    assert client_for(cast.vera).get(url(cast.s1)).status_code == 404
    assert client_for(cast.zoe).get(url(cast.s1)).status_code == 404


def test_municipal_coordinator_opens_her_schools(cast: Cast, school_year: None) -> None:
    client = client_for(cast.maria)
    assert client.get(url(cast.s2)).status_code == 200
    assert client.get(url(cast.s3)).status_code == 404
    response = client.get(url(cast.s1))
    assert response.context["territory_link"] == reverse("dashboards:territory", args=["municipality", "10-01"])


def test_teacher_sees_no_documents_or_risks(cast: Cast, school_year: None) -> None:
    response = client_for(cast.tom).get(url(cast.s1))
    panel = response.context["panel"]
    assert not panel.plans_visible and panel.risk is None and panel.history is None
    assert panel.support_visible
    assert 'id="school-documents"' not in response.content.decode()
    assert client_for(cast.tom).get(url(cast.s1, xlsx="documents")).status_code == 404


def test_school_without_anything_says_so(cast: Cast) -> None:
    response = client_for(cast.vera).get(url(cast.s3))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["panel"].results == []
    assert 'id="school-results-table"' not in html


@pytest.mark.parametrize("table", ["results", "risk", "documents", "support"])
def test_every_school_table_downloads_as_xlsx(cast: Cast, school_year: None, table: str) -> None:
    response = client_for(cast.sam).get(url(cast.s1, xlsx=table))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) > 1


def test_documents_export_marks_overdue(cast: Cast, school_year: None) -> None:
    response = client_for(cast.sam).get(url(cast.s1, xlsx="documents"))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    overdue = {r[0] for r in rows[1:] if r[3]}
    assert "Мастер-класс по читательской грамотности" in overdue
    assert "Педсовет по итогам года" not in overdue


def _queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_school_dashboard_queries_do_not_grow_with_its_history(cast: Cast, school_year: None,
                                                               django_assert_max_num_queries: Any) -> None:
    client = client_for(cast.maria)
    client.get(url(cast.s1))
    before = _queries(client, url(cast.s1))
    roadmap = cast.s1.plan_documents.get(kind=DocumentKind.ROADMAP)
    for i in range(5):
        add_measure(roadmap, f"Мероприятие {i}", due_on=date(2026, 4, 10 + i))
        Visit.objects.create(school=cast.s1, kind="monitoring", held_on=date(2026, 4, 1 + i), purpose=f"Визит {i}")
    assert _queries(client, url(cast.s1)) == before
    with django_assert_max_num_queries(45):
        client.get(url(cast.s1))
