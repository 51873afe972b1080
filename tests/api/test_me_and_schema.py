"""`/api/me`, the OpenAPI schema and the error shape of the remaining cases."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from opora.core.models import Role
from tests.api.conftest import session_client
from tests.conftest import Cast


@pytest.mark.django_db
def test_me_lists_roles_and_the_scope(cast: Cast) -> None:
    body = session_client(cast.alice).get("/api/me").json()
    assert body["username"] == "alice"
    assert body["full_name"] == "Алиса Андреевна Смирнова"
    assert body["email"] == "alice@example.org"
    [role] = body["roles"]
    assert role["role"] == "regional_admin"
    assert role["role_label"] == str(Role.REGIONAL_ADMIN.label)
    assert role["scope_level"] == "region"
    assert (role["region"], role["region_name"]) == ("10", "Северная область")
    assert role["municipality"] is None and role["schools"] == []
    assert body["scope"] == {"schools": 3, "municipalities": 2, "regions": 1}


@pytest.mark.django_db
def test_me_lists_the_schools_of_a_curator(cast: Cast) -> None:
    cast.kate.role_assignments.get().schools.add(cast.s3)
    body = session_client(cast.kate).get("/api/me").json()
    [role] = body["roles"]
    assert (role["role"], role["scope_level"]) == ("curator", "school_list")
    assert role["schools"] == ["1001", "1003"]
    assert body["scope"] == {"schools": 2, "municipalities": 2, "regions": 1}


@pytest.mark.django_db
def test_me_of_a_user_without_roles_has_an_empty_scope(cast: Cast) -> None:
    body = session_client(cast.nobody).get("/api/me").json()
    assert body["roles"] == []
    assert body["scope"] == {"schools": 0, "municipalities": 0, "regions": 0}


@pytest.mark.django_db
def test_me_query_count_does_not_grow_with_roles(
    cast: Cast, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for municipality in (cast.m1, cast.m2, cast.m3):
        cast.alice.role_assignments.create(role=Role.OBSERVER, municipality=municipality)
    cast.alice.role_assignments.create(role=Role.CURATOR).schools.set([cast.s1, cast.s4])
    client = session_client(cast.alice)
    with django_assert_max_num_queries(7):
        body = client.get("/api/me").json()
    assert len(body["roles"]) == 5


def test_openapi_schema_is_valid_json_listing_the_paths() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/me", "/api/schools", "/api/schools/{code}", "/api/municipalities"} <= set(
        schema["paths"]
    )
    assert {"TokenAuth", "SessionAuth"} == set(schema["components"]["securitySchemes"])


@pytest.mark.django_db
def test_api_docs_page_is_served_without_a_cdn(cast: Cast) -> None:
    response = session_client(cast.alice).get("/api/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/api/openapi.json" in page and "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page
    # "Try it out" with the session sends the CSRF token.
    assert 'data-api-csrf="true"' in page


@pytest.mark.django_db
def test_malformed_json_body_is_a_bad_request_in_the_error_shape(cast: Cast) -> None:
    response = session_client(cast.alice).post(
        "/api/tokens", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": response.json()["detail"], "code": "bad_request", "errors": []
    }


@pytest.mark.django_db
def test_unknown_api_address_is_a_404_in_the_error_shape(cast: Cast) -> None:
    response = session_client(cast.alice).get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_blank_token_name_is_reported_on_the_name_field(cast: Cast) -> None:
    response = session_client(cast.alice).post(
        "/api/tokens", {"name": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "name" and error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user, method, path, status, code",
    [
        (None, "get", "/api/me", 401, "not_authenticated"),
        ("alice", "post_without_csrf", "/api/tokens", 403, "forbidden"),
        ("sam", "get", "/api/schools/2001", 404, "not_found"),
        ("alice", "get", "/api/schools?limit=5000", 422, "validation_error"),
    ],
)
def test_every_error_has_the_same_shape(
    cast: Cast, user: str | None, method: str, path: str, status: int, code: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    if user:
        client.force_login(getattr(cast, user))
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, {"name": "x"}, content_type="application/json")
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("method, path", [("delete", "/api/me"), ("put", "/api/schools"), ("patch", "/api/tokens")])
def test_a_method_the_address_does_not_serve_is_a_405_in_the_error_shape(cast: Cast, method: str, path: str) -> None:
    response = getattr(session_client(cast.alice), method)(path)
    assert response.status_code == 405 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "method_not_allowed"
    assert method.upper() in body["detail"] and "GET" in body["detail"] and "не поддерживается" in body["detail"]
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_an_oversized_body_is_a_413_in_the_error_shape(cast: Cast, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # type: ignore[attr-defined]
    response = session_client(cast.alice).post("/api/tokens", {"name": "x" * 500}, content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Запрос слишком большой.", "code": "too_large", "errors": []}


@pytest.mark.django_db
def test_pages_outside_the_api_keep_their_html_errors(cast: Cast) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
