"""GET /api/objectivity-cases: scoped like the pages, filtered by year and status, one error shape.

The cases are made directly (as a run would have opened them) and moved on by the services, so the
tests need no identification run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opora.cases import services
from opora.cases.models import CaseState, LowResultsEffect, ObjectivityCase, Outcome
from opora.core.models import School, User
from tests.api.conftest import session_client, token_client
from tests.cases.conftest import SIGN_ROW
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
YEAR = 2025


def make_case(school: School, *, year: int = YEAR, due_in: int = 10, procedure: str = "vpr") -> ObjectivityCase:
    """A case sent to the school, as `cases_open` leaves it."""
    signs = [{**SIGN_ROW, "school_code": school.code, "procedure": procedure},
             {**SIGN_ROW, "sign": "inverted_difficulty", "procedure": procedure, "subject": "rus"},
             {**SIGN_ROW, "school_code": school.code, "procedure": procedure, "grade": 6}]
    return ObjectivityCase.objects.create(
        region=school.municipality.region, school=school, year=year, procedure=procedure, state=CaseState.WAITING,
        works=[{"subject": "math", "grade": 5}], signs=signs, objectivity_index=0.8,
        answer_due=timezone.localdate() + timedelta(days=due_in))


def decided(cast: Cast, case: ObjectivityCase, outcome: str = Outcome.CONFIRMED) -> ObjectivityCase:
    case = services.case_answer(actor=cast.sam, case=case, lock_version=case.lock_version,
                                text="Работы проверяла комиссия школы.")
    case = services.case_municipal_opinion(actor=cast.maria, case=case, lock_version=case.lock_version,
                                           outcome=Outcome.CONFIRMED, reason="Наблюдателей не было")
    return services.case_decide(actor=cast.rita, case=case, lock_version=case.lock_version, outcome=outcome,
                                reason="Пик у границы отметки «3»", low_results_effect=LowResultsEffect.INCLUDE)


@pytest.fixture
def cases(cast: Cast) -> dict[str, ObjectivityCase]:
    return {
        "s1": decided(cast, make_case(cast.s1)),
        "s1_old": make_case(cast.s1, year=YEAR - 1, due_in=-3),  # overdue
        "s2": make_case(cast.s2),
        "s3": make_case(cast.s3),
        "s4": make_case(cast.s4),
    }


def get(user: User, **query: Any) -> Any:
    return session_client(user).get("/api/objectivity-cases", query)


def ids(user: User, **query: Any) -> set[int]:
    response = get(user, **query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def test_each_role_sees_the_cases_of_its_schools(cast: Cast, cases: dict[str, ObjectivityCase]) -> None:
    pk = {name: case.pk for name, case in cases.items()}
    region10 = {pk["s1"], pk["s1_old"], pk["s2"], pk["s3"]}
    assert ids(cast.rita) == region10
    assert ids(cast.alice) == region10
    assert ids(cast.maria) == {pk["s1"], pk["s1_old"], pk["s2"]}
    assert ids(cast.sam) == {pk["s1"], pk["s1_old"]}  # the head: only the school's cases
    assert ids(cast.kate) == {pk["s1"], pk["s1_old"]}  # the curator of s1
    assert ids(cast.vera) == {pk["s3"]}
    assert ids(cast.zoe) == {pk["s4"]}


@pytest.mark.parametrize("username", ["tom", "nobody"])
def test_a_user_without_the_view_permission_is_refused_in_the_error_shape(
    cast: Cast, cases: dict[str, ObjectivityCase], username: str
) -> None:
    response = get(getattr(cast, username))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden" and body["detail"] and body["errors"] == []


def test_an_item_carries_the_deadlines_the_opinion_the_decision_and_its_consequences(
    cast: Cast, cases: dict[str, ObjectivityCase]
) -> None:
    items = {i["id"]: i for i in get(cast.sam).json()["items"]}
    item = items[cases["s1"].pk]
    assert (item["school_code"], item["school_name"]) == ("1001", cast.s1.name)
    assert (item["municipality_code"], item["municipality_name"]) == ("10-01", "Озёрский округ")
    assert (item["procedure"], item["year"], item["status"], item["overdue"]) == ("vpr", YEAR, "decided", False)
    assert item["decision_due"] == cases["s1"].decision_due.isoformat()
    assert item["municipal_opinion"]["outcome"] == "confirmed"
    assert item["municipal_opinion"]["reason"] == "Наблюдателей не было" and item["municipal_opinion"]["given_at"]
    assert item["decision"]["outcome"] == "confirmed" and item["decision"]["reason"] == "Пик у границы отметки «3»"
    assert item["decision"]["decided_at"]
    assert item["consequences"] == {"mark_results": True, "low_results_effect": "include", "enhanced_control": True}
    assert item["signs"] == ["boundary_peak", "inverted_difficulty"]  # each code once, in the run's order
    waiting = items[cases["s1_old"].pk]
    assert waiting["status"] == "waiting" and waiting["overdue"] is True
    assert waiting["answer_due"] == (timezone.localdate() - timedelta(days=3)).isoformat()
    assert waiting["municipal_opinion"] is None and waiting["decision"] is None and waiting["consequences"] is None


def test_a_case_not_confirmed_carries_no_consequence(cast: Cast) -> None:
    case = decided(cast, make_case(cast.s1), outcome=Outcome.NOT_CONFIRMED)
    [item] = get(cast.rita).json()["items"]
    assert item["id"] == case.pk and item["decision"]["outcome"] == "not_confirmed"
    assert item["consequences"] == {"mark_results": False, "low_results_effect": "none", "enhanced_control": False}


def test_filters_by_year_and_status(cast: Cast, cases: dict[str, ObjectivityCase]) -> None:
    pk = {name: case.pk for name, case in cases.items()}
    assert ids(cast.rita, year=YEAR - 1) == {pk["s1_old"]}
    assert ids(cast.rita, status="decided") == {pk["s1"]}
    assert ids(cast.rita, status="waiting") == {pk["s1_old"], pk["s2"], pk["s3"]}
    assert ids(cast.rita, status="waiting", year=YEAR) == {pk["s2"], pk["s3"]}
    assert ids(cast.rita, status="overdue") == {pk["s1_old"]}
    assert ids(cast.rita, status="review") == set()


def test_pages_of_the_list(cast: Cast, cases: dict[str, ObjectivityCase]) -> None:
    everything = get(cast.rita).json()["items"]
    page = get(cast.rita, limit=2, offset=1).json()
    assert page["count"] == 4 and (page["limit"], page["offset"]) == (2, 1)
    assert [i["id"] for i in page["items"]] == [i["id"] for i in everything[1:3]]
    assert get(cast.rita, limit=5000).status_code == 422


def test_an_unknown_status_is_a_bad_request_with_a_russian_sentence(cast: Cast) -> None:
    response = get(cast.rita, status="closed")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert "«closed»" in body["detail"] and "Неизвестный статус" in body["detail"]
    assert "waiting" in body["detail"] and "overdue" in body["detail"]
    [error] = body["errors"]
    assert error["field"] == "status" and error["loc"] == ["query", "status"] and error["message"] == body["detail"]
    bad_year = get(cast.rita, year=1800)
    assert bad_year.status_code == 422 and bad_year.json()["errors"][0]["field"] == "year"


def test_a_personal_token_opens_the_list_and_a_bad_one_does_not(
    cast: Cast, cases: dict[str, ObjectivityCase]
) -> None:
    client, _raw = token_client(cast.vera)
    response = client.get("/api/objectivity-cases")
    assert response.status_code == 200
    assert [i["school_code"] for i in response.json()["items"]] == ["1003"]
    refused = Client(headers={"Authorization": "Bearer nope"}).get("/api/objectivity-cases")
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert Client().get("/api/objectivity-cases").status_code == 401


def test_the_endpoint_is_in_the_openapi_schema() -> None:
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/objectivity-cases"]["get"]
    assert operation["tags"] == ["Дела по признакам необъективности"]
    assert {"200", "400", "403"} <= set(operation["responses"])
