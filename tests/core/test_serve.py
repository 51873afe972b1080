"""`opora serve`: refuses a development configuration; serves pages, static files and a clean 404
through real gunicorn workers with DEBUG off, on SQLite or on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from opora.core.serving import EMBEDDED_SECRET_PREFIX
from tests.installation import fetch, production_installation, scratch_databases, start, stop

pytestmark = pytest.mark.slow


def test_serve_refuses_debug_mode_and_the_embedded_key_in_russian() -> None:
    with override_settings(DEBUG=True, SECRET_KEY=EMBEDDED_SECRET_PREFIX + "-x", TRIAL=False):
        with pytest.raises(CommandError) as refused:
            call_command("serve")
    message = str(refused.value)
    assert "OPORA_SECRET_KEY" in message and "OPORA_DEBUG=0" in message and "--trial" in message
    assert "секретный ключ" in message.lower() and "отладки" in message


def test_serve_refuses_when_static_files_were_not_collected(tmp_path: Path) -> None:
    with override_settings(DEBUG=False, SECRET_KEY="a-real-key-" * 5, STATIC_ROOT=tmp_path, TRIAL=False):
        with pytest.raises(CommandError, match="collectstatic"):
            call_command("serve")


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh database of its own: a new PostgreSQL database when the suite runs on PostgreSQL."""
    with scratch_databases(1, "opora_serve") as (url,):
        yield url


@pytest.fixture(scope="module")
def production_env(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> dict[str, str]:
    """The environment of a region's server, migrated and with its static files collected."""
    return production_installation(tmp_path_factory.mktemp("var"), database_url)


@pytest.fixture(scope="module")
def server(production_env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    base, process = start(production_env)
    yield base, process
    stop(process)


def test_login_page_and_a_hashed_static_file_are_served(server: tuple[str, subprocess.Popen[str]]) -> None:
    base, _process = server
    status, html, _headers = fetch(base + "/login/")
    assert status == 200 and "Войти" in html
    stylesheet = re.search(r'href="(/static/opora/opora\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the page links the hashed stylesheet of the manifest"
    status, css, headers = fetch(base + stylesheet.group(1))
    assert status == 200 and css.strip()
    assert "immutable" in headers.get("Cache-Control", "")  # WhiteNoise: cached for good


def test_unknown_page_shows_the_russian_404_without_details(server: tuple[str, subprocess.Popen[str]]) -> None:
    base, _process = server
    status, html, _headers = fetch(base + "/no-such-page/")
    assert status == 404
    assert "Не найдено" in html and "Страница не существует" in html
    assert "URLconf" not in html and "Traceback" not in html and "DEBUG" not in html


def test_hup_reloads_the_workers_and_the_server_keeps_answering(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    base, process = server
    process.send_signal(signal.SIGHUP)
    statuses = [fetch(base + "/login/")[0] for _ in range(5)]
    assert statuses == [200] * 5 and process.poll() is None


def test_healthz_reports_ok_through_the_server(server: tuple[str, subprocess.Popen[str]]) -> None:
    base, _process = server
    status, body, headers = fetch(base + "/healthz")
    assert status == 200 and json.loads(body)["database"] is True and json.loads(body)["ok"] is True


def test_healthz_answers_503_when_the_database_is_unreachable(production_env: dict[str, str]) -> None:
    url = production_env.get("DATABASE_URL", "")
    broken = url.rsplit("/", 1)[0] + "/opora_no_such_database" if url else "sqlite:////nonexistent/dir/x.sqlite3"
    base, process = start({**production_env, "DATABASE_URL": broken})
    try:
        status, body, _headers = fetch(base + "/healthz")
    finally:
        stop(process)
    assert status == 503
    report = json.loads(body)
    assert report["ok"] is False and report["database"] is False and "opora_no_such_database" not in body
