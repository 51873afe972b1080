"""GET /api/appeals: scoped like the pages, filtered by year and status, one error shape.

The appeals are made directly (as the services would have left them), so the tests need no
identification run; the path through the services is in test_appeals.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opora.cases.models import Appeal, AppealKind, AppealOutcome, AppealState
from opora.core.models import School, User
from tests.api.conftest import session_client, token_client
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
YEAR = 2025


def make_appeal(school: School, filer: User, *, year: int = YEAR, kind: str = AppealKind.INCLUSION,
                flag: str = "", due_in: int = 30, **fields: Any) -> Appeal:
    return Appeal.objects.create(
        region=school.municipality.region, school=school, year=year, kind=kind, flag=flag,
        reasons="Результаты ОГЭ писали ученики с ОВЗ.", filed_by=filer,
        decision_due=timezone.localdate() + timedelta(days=due_in), **fields)


@pytest.fixture
def appeals(cast: Cast) -> dict[str, Appeal]:
    return {
        "s1": make_appeal(cast.s1, cast.sam, kind=AppealKind.FLAG, flag="decline_risk", state=AppealState.INFO,
                          question="Приложите протокол.", reply=""),
        "s1_old": make_appeal(cast.s1, cast.sam, year=YEAR - 1, kind=AppealKind.EXCLUSION, due_in=-2),  # overdue
        "s2": make_appeal(cast.s2, cast.maria, state=AppealState.DECIDED, outcome=AppealOutcome.UPHELD,
                          decision="Результаты ОГЭ не отражают школу.", decided_by=cast.rita,
                          decided_at=timezone.now(), list_version=2, question="Документы?", reply="Приложены."),
        "s3": make_appeal(cast.s3, cast.vera),
        "s4": make_appeal(cast.s4, cast.zoe),
    }


def get(user: User, **query: Any) -> Any:
    return session_client(user).get("/api/appeals", query)


def ids(user: User, **query: Any) -> set[int]:
    response = get(user, **query)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def test_each_role_sees_the_appeals_of_its_schools(cast: Cast, appeals: dict[str, Appeal]) -> None:
    pk = {name: appeal.pk for name, appeal in appeals.items()}
    region10 = {pk["s1"], pk["s1_old"], pk["s2"], pk["s3"]}
    assert ids(cast.rita) == region10
    assert ids(cast.alice) == region10
    assert ids(cast.maria) == {pk["s1"], pk["s1_old"], pk["s2"]}
    assert ids(cast.sam) == {pk["s1"], pk["s1_old"]}  # the head: only the school's appeals
    assert ids(cast.kate) == {pk["s1"], pk["s1_old"]}  # the curator of s1
    assert ids(cast.vera) == {pk["s3"]}
    assert ids(cast.zoe) == {pk["s4"]}


@pytest.mark.parametrize("username", ["tom", "nobody"])
def test_a_user_without_the_view_permission_is_refused_in_the_error_shape(
    cast: Cast, appeals: dict[str, Appeal], username: str
) -> None:
    response = get(getattr(cast, username))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden" and body["detail"] and body["errors"] == []


def test_an_item_carries_the_filing_the_deadline_and_the_decision(cast: Cast, appeals: dict[str, Appeal]) -> None:
    items = {i["id"]: i for i in get(cast.maria).json()["items"]}
    upheld = items[appeals["s2"].pk]
    assert (upheld["school_code"], upheld["school_name"]) == ("1002", cast.s2.name)
    assert (upheld["municipality_code"], upheld["municipality_name"]) == ("10-01", "Озёрский округ")
    assert (upheld["year"], upheld["kind"], upheld["flag"], upheld["status"]) == (YEAR, "inclusion", "", "decided")
    assert upheld["filed_by"] == (cast.maria.full_name or cast.maria.username) and upheld["filed_at"]
    assert upheld["decision_due"] == appeals["s2"].decision_due.isoformat() and upheld["overdue"] is False
    assert (upheld["question"], upheld["reply"]) == (True, True)
    assert upheld["decision"]["outcome"] == "upheld"
    assert upheld["decision"]["reason"] == "Результаты ОГЭ не отражают школу." and upheld["decision"]["decided_at"]
    assert upheld["list_version"] == 2
    asked = items[appeals["s1"].pk]
    assert (asked["kind"], asked["flag"], asked["status"]) == ("flag", "decline_risk", "info")
    assert (asked["question"], asked["reply"]) == (True, False)
    assert asked["decision"] is None and asked["list_version"] is None
    old = items[appeals["s1_old"].pk]
    assert (old["kind"], old["status"], old["overdue"]) == ("exclusion", "filed", True)
    assert old["decision_due"] == (timezone.localdate() - timedelta(days=2)).isoformat()


def test_a_decided_appeal_is_never_overdue(cast: Cast) -> None:
    appeal = make_appeal(cast.s1, cast.sam, due_in=-5, state=AppealState.DECIDED, outcome=AppealOutcome.REJECTED,
                         decision="Критерии выполнены два года подряд.", decided_at=timezone.now())
    [item] = get(cast.rita).json()["items"]
    assert item["id"] == appeal.pk and item["overdue"] is False
    assert item["decision"]["outcome"] == "rejected" and item["list_version"] is None
    assert ids(cast.rita, status="overdue") == set()


def test_filters_by_year_and_status(cast: Cast, appeals: dict[str, Appeal]) -> None:
    pk = {name: appeal.pk for name, appeal in appeals.items()}
    assert ids(cast.rita, year=YEAR - 1) == {pk["s1_old"]}
    assert ids(cast.rita, status="decided") == {pk["s2"]}
    assert ids(cast.rita, status="info") == {pk["s1"]}
    assert ids(cast.rita, status="filed") == {pk["s1_old"], pk["s3"]}
    assert ids(cast.rita, status="filed", year=YEAR) == {pk["s3"]}
    assert ids(cast.rita, status="overdue") == {pk["s1_old"]}
    assert ids(cast.sam, status="decided") == set()


def test_pages_of_the_list(cast: Cast, appeals: dict[str, Appeal]) -> None:
    everything = get(cast.rita).json()["items"]
    assert [i["year"] for i in everything] == [YEAR, YEAR, YEAR, YEAR - 1]  # the latest year first
    page = get(cast.rita, limit=2, offset=1).json()
    assert page["count"] == 4 and (page["limit"], page["offset"]) == (2, 1)
    assert [i["id"] for i in page["items"]] == [i["id"] for i in everything[1:3]]
    assert get(cast.rita, limit=5000).status_code == 422


def test_an_unknown_status_is_a_bad_request_with_a_russian_sentence(cast: Cast) -> None:
    response = get(cast.rita, status="closed")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert "«closed»" in body["detail"] and "Неизвестный статус апелляции" in body["detail"]
    assert "info" in body["detail"] and "overdue" in body["detail"]
    [error] = body["errors"]
    assert error["field"] == "status" and error["loc"] == ["query", "status"] and error["message"] == body["detail"]
    bad_year = get(cast.rita, year=1800)
    assert bad_year.status_code == 422 and bad_year.json()["errors"][0]["field"] == "year"


def test_a_personal_token_opens_the_list_and_a_bad_one_does_not(cast: Cast, appeals: dict[str, Appeal]) -> None:
    client, _raw = token_client(cast.vera)
    response = client.get("/api/appeals")
    assert response.status_code == 200
    assert [i["school_code"] for i in response.json()["items"]] == ["1003"]
    refused = Client(headers={"Authorization": "Bearer nope"}).get("/api/appeals")
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert Client().get("/api/appeals").status_code == 401


def test_the_endpoint_is_in_the_openapi_schema() -> None:
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/appeals"]["get"]
    assert operation["tags"] == ["Апелляции на перечень"]
    assert {"200", "400", "403"} <= set(operation["responses"])
