"""`/api/schools`, `/api/schools/{code}`, `/api/municipalities`: scoped exactly like the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from opora.core.models import School, SchoolType, Settlement, User
from tests.api.conftest import session_client, token_client
from tests.conftest import Cast
from tests.scopes import VISIBLE_SCHOOLS

VISIBLE = VISIBLE_SCHOOLS


def codes(response: Any) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_every_role_sees_exactly_its_schools(cast: Cast, username: str) -> None:
    response = session_client(getattr(cast, username)).get("/api/schools")
    assert response.status_code == 200
    assert set(codes(response)) == VISIBLE[username]
    assert response.json()["count"] == len(VISIBLE[username])


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_every_role_sees_the_same_schools_with_a_token(cast: Cast, username: str) -> None:
    client, _raw = token_client(getattr(cast, username))
    assert set(codes(client.get("/api/schools"))) == VISIBLE[username]


@pytest.mark.django_db
def test_superuser_sees_all_schools(cast: Cast) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "x")
    assert codes(session_client(root).get("/api/schools")) == ["1001", "1002", "1003", "2001"]


@pytest.mark.django_db
def test_school_list_gives_codes_names_and_labels(cast: Cast) -> None:
    item = session_client(cast.alice).get("/api/schools").json()["items"][1]
    assert item == {
        "code": "1002",
        "name": "МКОУ Заречная ООШ",
        "municipality": "10-01",
        "municipality_name": "Озёрский округ",
        "region": "10",
        "type": "basic",
        "type_label": str(SchoolType.BASIC.label),
        "settlement": "village",
        "settlement_label": str(Settlement.VILLAGE.label),
        "distance_km": 42.5,
        "enrolment": 87,
        "is_active": True,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, expected",
    [
        ({"municipality": "10-02"}, ["1003"]),
        ({"type": "basic"}, ["1002"]),
        ({"settlement": "city"}, ["1001", "1003"]),
        ({"q": "лицей"}, ["1003"]),
        ({"q": "Заречная"}, ["1002"]),
        ({"municipality": "10-01", "settlement": "city"}, ["1001"]),
        ({"municipality": "20-01"}, []),  # another region: no leak through the filter
    ],
)
def test_school_list_filters(cast: Cast, params: dict[str, str], expected: list[str]) -> None:
    assert codes(session_client(cast.alice).get("/api/schools", params)) == expected


@pytest.mark.django_db
def test_school_list_pages_in_code_order_with_the_total(cast: Cast) -> None:
    client = session_client(cast.alice)
    first = client.get("/api/schools", {"limit": 2}).json()
    second = client.get("/api/schools", {"limit": 2, "offset": 2}).json()
    assert [s["code"] for s in first["items"]] == ["1001", "1002"]
    assert [s["code"] for s in second["items"]] == ["1003"]
    assert first["count"] == second["count"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, field",
    [({"limit": 1001}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"),
     ({"limit": "many"}, "limit"), ({"type": "castle"}, "type")],
)
def test_bad_list_parameters_give_a_validation_error(
    cast: Cast, params: dict[str, object], field: str
) -> None:
    response = session_client(cast.alice).get("/api/schools", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["message"]


@pytest.mark.django_db
def test_school_list_query_count_does_not_grow_with_schools(
    cast: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    School.objects.bulk_create(
        School(code=f"3{i:03}", name=f"Школа {i}", municipality=cast.m1 if i % 2 else cast.m2,
               type=SchoolType.SECONDARY, settlement=Settlement.CITY, enrolment=i)
        for i in range(60)
    )
    client = session_client(cast.alice)
    with django_assert_max_num_queries(6):
        response = client.get("/api/schools", {"limit": 1000})
    assert len(response.json()["items"]) == 63


@pytest.mark.django_db
def test_school_detail_has_the_social_passports(cast: Cast) -> None:
    cast.s1.passports.create(year=2024, teachers=47, low_income_families=Decimal("0.1"))
    body = session_client(cast.sam).get("/api/schools/1001").json()
    assert body["code"] == "1001" and body["region_name"] == "Северная область"
    assert [p["year"] for p in body["passports"]] == [2025, 2024]
    latest = body["passports"][0]
    assert latest["low_income_families"] == 0.12 and latest["teachers"] == 48
    assert latest["has_psychologist"] is True and latest["prevention_register"] is None


@pytest.mark.django_db
def test_school_head_gets_404_for_another_school(cast: Cast) -> None:
    response = session_client(cast.sam).get("/api/schools/1003")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_hidden_school_and_missing_school_look_the_same(cast: Cast) -> None:
    client = session_client(cast.sam)
    hidden, missing = client.get("/api/schools/1003"), client.get("/api/schools/9999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


@pytest.mark.django_db
def test_municipalities_list_visible_ones_with_their_school_counts(cast: Cast) -> None:
    body = session_client(cast.alice).get("/api/municipalities").json()
    assert {m["code"]: m["school_count"] for m in body} == {"10-01": 2, "10-02": 1}
    curator = session_client(cast.kate).get("/api/municipalities").json()
    assert [(m["code"], m["school_count"]) for m in curator] == [("10-01", 1)]
