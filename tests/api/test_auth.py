"""Who may call the API: a session or a personal token; nothing else."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from opora.api.services import token_create, token_revoke
from opora.core.errors import ValidationFailed
from opora.core.models import ApiToken
from tests.api.conftest import session_client, token_client
from tests.conftest import Cast


@pytest.mark.django_db
def test_anonymous_caller_gets_401_in_the_error_shape(cast: Cast) -> None:
    response = Client().get("/api/schools")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated" and body["errors"] == []
    assert body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_a_personal_token_opens_the_api(cast: Cast) -> None:
    client, _raw = token_client(cast.oleg)
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "oleg"


@pytest.mark.django_db
def test_an_unknown_token_is_refused(cast: Cast) -> None:
    client = Client(headers={"Authorization": "Bearer not-a-real-token"})
    response = client.get("/api/schools")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_a_revoked_token_stops_working(cast: Cast) -> None:
    client, raw = token_client(cast.alice)
    assert client.get("/api/schools").status_code == 200
    token = ApiToken.objects.get(user=cast.alice)
    token_revoke(user=cast.alice, token_id=token.pk)
    assert client.get("/api/schools").status_code == 401


@pytest.mark.django_db
def test_a_token_of_a_deactivated_user_does_not_work(cast: Cast) -> None:
    client, _raw = token_client(cast.alice)
    cast.alice.is_active = False
    cast.alice.save()
    response = client.get("/api/schools")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_an_invalid_token_is_refused_even_with_a_session(cast: Cast) -> None:
    client = session_client(cast.alice)
    response = client.get("/api/schools", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


@pytest.mark.django_db
def test_the_token_is_not_stored_in_plain_text(cast: Cast) -> None:
    token, raw = token_create(user=cast.kate, name="отчёты")
    assert len(raw) >= 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}
    assert stored["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert stored["prefix"] == raw[:8]


@pytest.mark.django_db
def test_tokens_are_different_each_time(cast: Cast) -> None:
    _a, first = token_create(user=cast.kate, name="a")
    _b, second = token_create(user=cast.kate, name="b")
    assert first != second


@pytest.mark.django_db
def test_using_a_token_records_when_it_was_last_used(cast: Cast) -> None:
    client, _raw = token_client(cast.sam)
    token = ApiToken.objects.get(user=cast.sam)
    assert token.last_used_at is None
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Within a minute the time is not rewritten, so reads stay reads.
    earlier = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at == earlier


@pytest.mark.django_db
def test_a_user_cannot_revoke_someone_elses_token(cast: Cast) -> None:
    token, _raw = token_create(user=cast.alice, name="alice's")
    with pytest.raises(ValidationFailed):
        token_revoke(user=cast.zoe, token_id=token.pk)
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
def test_a_token_needs_a_name(cast: Cast) -> None:
    with pytest.raises(ValidationFailed):
        token_create(user=cast.alice, name="   ")


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    response = client.post("/api/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_session_writes_with_the_csrf_token_succeed(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    client.get("/account/tokens/")  # sets the CSRF cookie, as a page would
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/tokens", {"name": "x"}, content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_token_writes_need_no_csrf_token(cast: Cast) -> None:
    _token, raw = token_create(user=cast.alice, name="first")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post("/api/tokens", {"name": "second"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "second" and body["prefix"] == body["token"][:8]
    assert ApiToken.objects.filter(user=cast.alice).count() == 2


@pytest.mark.django_db
def test_api_revokes_only_the_callers_own_tokens(cast: Cast) -> None:
    alices, _raw = token_create(user=cast.alice, name="alice's")
    zoe, _zoe_raw = token_client(cast.zoe)
    assert zoe.delete(f"/api/tokens/{alices.pk}").status_code == 404
    assert ApiToken.objects.filter(pk=alices.pk).exists()
    alice, _alice_raw = token_client(cast.alice)
    assert alice.delete(f"/api/tokens/{alices.pk}").status_code == 204
    assert not ApiToken.objects.filter(pk=alices.pk).exists()


@pytest.mark.django_db
def test_token_list_never_shows_the_token(cast: Cast) -> None:
    client, raw = token_client(cast.alice)
    listed = client.get("/api/tokens").json()
    assert [t["prefix"] for t in listed] == [raw[:8]]
    assert raw not in str(listed)
