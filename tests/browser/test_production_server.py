"""The production server for real: `opora serve` (gunicorn, DEBUG off, PostgreSQL when DATABASE_URL
points at it) with the tiny demo, driven by chromium. A user signs in, walks the main pages, each
with its stylesheet and htmx loaded; a missing page and a server error show the project's Russian
pages without details."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opora.demo.people import DEMO_PASSWORD
from tests.installation import production_installation, scratch_databases, start, stop

pytestmark = pytest.mark.slow

MAIN_PAGES = ["/", "/schools/", "/identification/", "/risk/", "/plans/", "/support/", "/programmes/",
              "/reports/", "/jobs/", "/public/"]


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with scratch_databases(1, "opora_prod") as (url,):
        env = production_installation(tmp_path_factory.mktemp("var"), url, demo=True)
        base, process = start(env)
        try:
            yield base, env
        finally:
            stop(process)


def test_a_coordinator_signs_in_and_walks_the_main_pages_with_styles_and_scripts(  # type: ignore[no-untyped-def]
    page, production: tuple[str, dict[str, str]],
) -> None:
    base, _env = production
    page.set_default_timeout(60_000)  # a real server on a shared 2-core machine; not a speed test
    broken: list[str] = []
    page.on("response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: broken.append(f"failed {r.url}"))
    page.goto(base + "/login/")
    page.get_by_label("Логин").fill("region.coord")
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base + "/")  # the session cookie works over the server's own HTTP
    for path in MAIN_PAGES:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.wait_for_function("() => window.htmx !== undefined")  # the deferred script ran
        rules = page.evaluate("() => [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)")
        assert rules > 20, f"{path}: the stylesheet did not load"
        assert "Traceback" not in page.content()
    assert broken == []


def test_a_missing_page_shows_the_russian_404_in_the_browser(  # type: ignore[no-untyped-def]
    page, production: tuple[str, dict[str, str]],
) -> None:
    base, _env = production
    page.set_default_timeout(60_000)
    response = page.goto(base + "/no-such-page/")
    assert response is not None and response.status == 404
    body = page.inner_text("body")
    assert "Не найдено" in body and "Страница не существует" in body
    assert "URLconf" not in body and "Traceback" not in body


def test_a_server_error_shows_the_russian_500_page_without_details(  # type: ignore[no-untyped-def]
    page, production: tuple[str, dict[str, str]], tmp_path: Path,
) -> None:
    _base, env = production
    url = env.get("DATABASE_URL", "")
    gone = url.rsplit("/", 1)[0] + "/opora_no_such_database" if url else f"sqlite:///{tmp_path}/none/x.sqlite3"
    base, process = start({**env, "DATABASE_URL": gone})  # the database is unreachable: every query fails
    page.set_default_timeout(60_000)
    try:
        response = page.goto(base + "/public/")
        assert response is not None and response.status == 500
        body = page.inner_text("body")
    finally:
        stop(process)
    assert "Что-то пошло не так" in body and "На главную" in body
    for detail in ("Traceback", "OperationalError", "sqlite", "opora_no_such_database", "settings"):
        assert detail not in body
