"""The personal tokens page: list, create (shown once), revoke."""

from __future__ import annotations

import pytest
from django.test import Client

from opora.api.services import token_create
from opora.core.models import ApiToken
from tests.api.conftest import session_client
from tests.conftest import Cast


@pytest.mark.django_db
def test_tokens_page_needs_a_sign_in(cast: Cast) -> None:
    response = Client().get("/account/tokens/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_a_new_token_is_shown_once_and_then_works(cast: Cast) -> None:
    client = session_client(cast.alice)
    response = client.post("/account/tokens/", {"name": "выгрузка в BI"})
    assert response.status_code == 200
    raw = response.context["raw_token"]
    page = response.content.decode()
    assert raw in page and "выгрузка в BI" in page
    assert response["Cache-Control"] == "no-store"
    later = client.get("/account/tokens/").content.decode()
    assert raw not in later
    assert raw[:8] in later and "выгрузка в BI" in later
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/me").json()["username"] == "alice"


@pytest.mark.django_db
def test_tokens_page_lists_only_the_users_own_tokens(cast: Cast) -> None:
    token_create(user=cast.alice, name="токен Алисы")
    token_create(user=cast.zoe, name="токен Зои")
    page = session_client(cast.alice).get("/account/tokens/").content.decode()
    assert "токен Алисы" in page and "токен Зои" not in page


@pytest.mark.django_db
def test_a_token_without_a_name_is_not_created(cast: Cast) -> None:
    response = session_client(cast.alice).post("/account/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoking_from_the_page_deletes_the_token(cast: Cast) -> None:
    token, raw = token_create(user=cast.alice, name="старый")
    response = session_client(cast.alice).post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").status_code == 401


@pytest.mark.django_db
def test_revoking_is_a_post_only_action(cast: Cast) -> None:
    token, _raw = token_create(user=cast.alice, name="старый")
    response = session_client(cast.alice).get(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
def test_revoking_needs_the_csrf_token(cast: Cast) -> None:
    token, _raw = token_create(user=cast.alice, name="старый")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
def test_a_user_cannot_revoke_someone_elses_token_from_the_page(cast: Cast) -> None:
    token, _raw = token_create(user=cast.alice, name="Алисин")
    response = session_client(cast.zoe).post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
