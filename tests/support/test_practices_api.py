"""GET /api/practices: public practices without login, every published one with a caller."""

from __future__ import annotations

import pytest
from django.test import Client

from opora.support.models.practices import Practice
from opora.support.services import practices as service
from tests.api.conftest import session_client, token_client
from tests.conftest import Cast
from tests.support.test_practices import published, write

pytestmark = pytest.mark.django_db
URL = "/api/practices"


@pytest.fixture
def bank(cast: Cast) -> dict[str, Practice]:
    public = published(cast, public=True, risk_factors=["professional_development"])
    private = published(cast, title="Методические среды для учителей математики", tags="математика",
                        subjects=["math"])
    draft = write(cast, title="Черновик про наставничество")
    return {"public": public, "private": private, "draft": draft}


def test_without_login_only_public_published_practices_and_no_author(cast: Cast, bank: dict) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["title"] == bank["public"].title and item["school_code"] == cast.s1.code
    assert item["risk_factors"][0]["code"] == "professional_development" and item["risk_factors"][0]["name"]
    assert item["url"].endswith(f"/practices/public/{bank['public'].pk}/")
    assert cast.sam.full_name not in response.content.decode() and "author" not in item


def test_a_caller_sees_every_published_practice_but_no_drafts(cast: Cast, bank: dict) -> None:
    for client in (session_client(cast.zoe), token_client(cast.nobody)[0], session_client(cast.sam)):
        titles = {i["title"] for i in client.get(URL).json()["items"]}
        assert titles == {bank["public"].title, bank["private"].title}


def test_search_by_word_form_and_filters(cast: Cast, bank: dict) -> None:
    client = session_client(cast.olga)
    assert [i["id"] for i in client.get(URL, {"q": "наставничества"}).json()["items"]] == [bank["public"].pk]
    assert [i["id"] for i in client.get(URL, {"tag": "математика"}).json()["items"]] == [bank["private"].pk]
    assert [i["id"] for i in client.get(URL, {"factor": "professional_development"}).json()["items"]] == [
        bank["public"].pk]
    assert client.get(URL, {"subject": "math", "municipality": cast.m2.code}).json()["count"] == 0
    assert [i["id"] for i in Client().get(URL, {"tag": "математика"}).json()["items"]] == []


def test_one_practice_is_404_when_not_visible(cast: Cast, bank: dict) -> None:
    assert Client().get(f"{URL}/{bank['public'].pk}").status_code == 200
    assert Client().get(f"{URL}/{bank['private'].pk}").json()["code"] == "not_found"
    assert session_client(cast.zoe).get(f"{URL}/{bank['private'].pk}").status_code == 200
    assert session_client(cast.sam).get(f"{URL}/{bank['draft'].pk}").status_code == 404


def test_a_bad_token_is_refused_not_treated_as_anonymous(cast: Cast, bank: dict) -> None:
    response = Client(headers={"Authorization": "Bearer nonsense"}).get(URL)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_limits_are_checked_in_the_one_error_shape(cast: Cast, bank: dict) -> None:
    response = Client().get(URL, {"limit": 5000})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_a_withdrawn_practice_leaves_the_public_api(cast: Cast, bank: dict) -> None:
    service.practice_transition(actor=cast.maria, practice=bank["public"], action="withdraw", comment="Уточнить.")
    assert Client().get(URL).json()["count"] == 0
