"""Security basics: deploy checks, login throttling, CSRF, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import PASSWORD, Cast


def test_deploy_check_is_clean_with_production_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The browser tests allow sync ORM calls beside Playwright's loop; production never does.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "opora.settings",
        "OPORA_DEBUG": "0",
        "OPORA_SECRET_KEY": "x7#kq0-production-secret-for-the-check-only-9f8e7d6c5b4a3210zyxw",
        "OPORA_ALLOWED_HOSTS": "opora.example.org",
        "OPORA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "opora.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "opora.settings", "OPORA_DEBUG": "0",
           "OPORA_SECRET_KEY": "", "OPORA_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "opora.cli", "check"], env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "OPORA_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_sign_in_is_locked_after_repeated_failures(cast: Cast) -> None:
    c = Client()
    for _ in range(5):
        c.post("/login/", {"username": "sam", "password": "not-the-password"})
    response = c.post("/login/", {"username": "sam", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "15 минут" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    # Another account from the same address is not locked by sam's failures.
    other = c.post("/login/", {"username": "tom", "password": PASSWORD})
    assert other.status_code == 302


@pytest.mark.django_db
def test_the_session_cookie_is_out_of_scripts_reach_and_pages_refuse_framing(cast: Cast) -> None:
    response = Client().post("/login/", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert 0 < int(session["max-age"]) <= 12 * 60 * 60
    page = Client().get("/login/")
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page.cookies["csrftoken"]["samesite"] == "Lax"


@pytest.mark.django_db
def test_forms_refuse_posts_without_the_csrf_token(cast: Cast) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(cast.oleg)
    response = c.post("/people/invite/", {"full_name": "X", "username": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_unknown_address_shows_a_russian_page_not_a_traceback(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    c = Client()
    c.force_login(cast.sam)
    response = c.get("/schools/no-such-school/")
    assert response.status_code == 404
    assert "Не найдено" in response.content.decode() and "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
