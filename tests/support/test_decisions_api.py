"""GET /api/decisions: scoped like the pages, parts by school code or staff user, overdue computed."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from opora.support.models import DecisionStatus
from tests.support.meetings_builders import make_decision, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(cast):
    meeting = make_meeting(cast)
    overdue = make_decision(meeting, "Разработать антирисковую программу", due_on=date(2026, 2, 27),
                            schools=[cast.s1, cast.s2])
    later = make_decision(meeting, "Подготовить рекомендации", due_on=date(2026, 5, 1), users=[cast.oleg])
    part = later.owners.get()
    part.status, part.evidence = DecisionStatus.DONE, "готово"
    part.save()
    later.status = DecisionStatus.DONE
    later.save()
    other = make_meeting(cast, municipality="m3", title="Совещание Степного района")
    make_decision(other, "Чужое решение", schools=[cast.s4])
    return overdue, later


def get(user, query=""):
    client = Client()
    client.force_login(user)
    with time_machine.travel(date(2026, 3, 10), tick=False):
        return client.get("/api/decisions" + query)


def test_coordinator_gets_the_municipalitys_decisions_with_parts(cast, decisions):
    body = get(cast.maria).json()
    assert [d["text"] for d in body] == ["Разработать антирисковую программу", "Подготовить рекомендации"]
    first = body[0]
    assert first["overdue"] is True and first["parts_total"] == 2 and first["parts_done"] == 0
    assert {p["school_code"] for p in first["parts"]} == {"1001", "1002"}
    person = body[1]["parts"][0]
    assert person["user_id"] == cast.oleg.pk and person["status"] == "done" and person["has_evidence"]


def test_filters_status_overdue_and_school(cast, decisions):
    assert [d["text"] for d in get(cast.maria, "?overdue=true").json()] == ["Разработать антирисковую программу"]
    assert [d["text"] for d in get(cast.maria, "?status=done").json()] == ["Подготовить рекомендации"]
    assert len(get(cast.maria, "?school=1002").json()) == 1
    assert len(get(cast.maria, "?municipality=10-01").json()) == 2


def test_scopes(cast, decisions):
    assert get(cast.zoe).json()[0]["text"] == "Чужое решение"
    assert len(get(cast.zoe).json()) == 1
    assert get(cast.olga).json() == []
    assert get(cast.sam, "?school=1002").status_code == 404
    assert get(cast.nobody).status_code == 403
    assert Client().get("/api/decisions").status_code == 401
