"""`GET /api/roadmaps/status`: where each school of the programme stands, scoped like the board."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from opora.core.models import User
from tests.api.conftest import session_client, token_client
from tests.conftest import Cast
from tests.plans.builders import YEAR
from tests.plans.test_board import NOW, Programme, make_programme

URL = "/api/roadmaps/status"


@pytest.fixture
def programme(cast: Cast) -> Programme:
    return make_programme(cast)


def items(user: User, **params: Any) -> list[dict[str, Any]]:
    with time_machine.travel(NOW, tick=False):
        response = session_client(user).get(URL, {"year": YEAR, **params})
    assert response.status_code == 200, response.content
    return response.json()


def codes(user: User, **params: Any) -> list[str]:
    return [i["school_code"] for i in items(user, **params)]


def test_each_role_reads_exactly_its_schools(cast: Cast, programme: Programme) -> None:
    assert codes(cast.kate) == ["1001"]
    assert codes(cast.maria) == ["1001", "1002"]
    assert codes(cast.alice) == ["1003", "1001", "1002"]
    assert codes(cast.olga) == ["1003"]
    assert codes(cast.zoe) == ["2001"]
    assert codes(cast.alice, municipality="10-01") == ["1001", "1002"]
    assert codes(cast.alice, school="1002") == ["1002"]
    assert codes(cast.kate, school="1002") == []


def test_a_school_s_documents_carry_state_due_date_overdue_dates_and_revisions(
    cast: Cast, programme: Programme
) -> None:
    (s1,) = items(cast.kate)
    assert (s1["school_name"], s1["municipality_code"], s1["year"]) == (cast.s1.name, "10-01", YEAR)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for d in s1["documents"]:
        by_kind.setdefault(d["kind"], []).append(d)
    (concept,) = by_kind["concept"]
    assert concept["state"] == "submitted" and concept["due_on"] == "2026-03-01" and concept["overdue"] is True
    assert concept["submitted_at"].startswith("2026-03-04") and concept["approved_at"] is None
    assert concept["revisions"] == 0
    (prog,) = by_kind["programme"]
    assert prog["state"] == "approved" and prog["overdue"] is False and prog["approved_at"].startswith("2026-01-25")
    assert sorted((d["factor"], d["state"]) for d in by_kind["antirisk"]) == [
        ("equipment", "draft"), ("motivation", "approved")]
    (report,) = by_kind["report_year"]
    assert report == {"kind": "report_year", "factor": "", "state": "none", "due_on": None, "overdue": False,
                      "submitted_at": None, "approved_at": None, "revisions": 0}
    assert s1["execution"] == {"total": 3, "done": 2, "done_on_time": 1, "overdue": 1,
                               "share_on_time": pytest.approx(1 / 3)}


def test_a_listed_school_without_documents_reports_its_missing_concept_as_overdue(
    cast: Cast, programme: Programme
) -> None:
    (s3,) = items(cast.olga)
    concept = next(d for d in s3["documents"] if d["kind"] == "concept")
    assert concept["state"] == "none" and concept["overdue"] is True and concept["due_on"] == str(date(YEAR, 3, 1))
    assert s3["execution"]["total"] == 0 and s3["execution"]["share_on_time"] is None


def test_teachers_are_refused_and_strangers_must_sign_in(cast: Cast, programme: Programme) -> None:
    for user in (cast.tom, cast.oleg, cast.mila, cast.nobody):
        response = session_client(user).get(URL, {"year": YEAR})
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    anonymous = Client().get(URL, {"year": YEAR})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_a_personal_token_reads_the_same_as_the_session(cast: Cast, programme: Programme) -> None:
    client, _raw = token_client(cast.maria)
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200 and response.json() == items(cast.maria)


def test_the_year_is_required_and_checked_in_the_one_error_shape(cast: Cast, programme: Programme) -> None:
    for params in ({}, {"year": "soon"}, {"year": 1989}):
        response = session_client(cast.maria).get(URL, params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["code"] == "validation_error" and body["detail"]
        assert body["errors"][0]["field"] == "year" and body["errors"][0]["message"]
