"""A programme's indicators in the real browser: the regional admin opens the programme, reads plan against
fact, opens «как посчитано» for a year and sees the school without data, then sets a target and sees the
status change."""

from __future__ import annotations

import re

import pytest
import time_machine

from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.programmes.builders import known_programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_against_fact_drill_down_and_a_new_target(page, live_server, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    with time_machine.travel("2026-06-15 12:00", tick=True):
        known_programme(cast)
        sign_in(page, base, "alice")
        page.goto(f"{base}/programmes/")
        page.get_by_role("link", name="Программа поддержки ШНОР").click()
        page.wait_for_url(re.compile(r"/programmes/r10-shnor/$"))
        page.get_by_role("heading", name="Показатели: план и факт").wait_for()
        dynamics = page.locator('tr[data-kpi="positive_dynamics"] td[data-year="2026"]')
        assert dynamics.get_attribute("data-status") == "not_achieved"
        assert "50%" in dynamics.inner_text() and "70%" in dynamics.inner_text()
        exits = page.locator('tr[data-kpi="list_exit"] td[data-year="2026"]')
        assert exits.get_attribute("data-status") == "no_target"

        # «Как посчитано»: s3 has no identification row for 2026 and is listed with the reason.
        dynamics.get_by_role("link").click()
        page.get_by_role("heading", name="Как посчитано").wait_for()
        missing = page.locator(f'tr[data-school="{cast.s3.code}"]')
        assert missing.get_attribute("data-state") == "missing"
        assert "2026" in missing.inner_text()
        assert page.locator("#kpi-counted").inner_text() == "2"

        # A target for the exits: 2 of 3 schools left the list in 2026, so a 50% target is achieved.
        page.go_back()
        page.get_by_role("link", name="Изменить целевые значения").click()
        page.locator('tr[data-kpi="list_exit"] input[name$="_2026"]').fill("50")
        page.get_by_role("button", name="Сохранить целевые значения").click()
        page.wait_for_url(re.compile(r"/programmes/r10-shnor/$"))
        assert page.get_by_text("Целевые значения сохранены.").is_visible()
        exits = page.locator('tr[data-kpi="list_exit"] td[data-year="2026"]')
        assert exits.get_attribute("data-status") == "achieved"
        assert "66,7%" in exits.inner_text() or "66.7%" in exits.inner_text()

        # A target over 100 is refused by the form before it leaves the browser; the typed value stays.
        page.get_by_role("link", name="Изменить целевые значения").click()
        field = page.locator('tr[data-kpi="list_exit"] input[name$="_2027"]')
        field.fill("120")
        page.get_by_role("button", name="Сохранить целевые значения").click()
        assert field.evaluate("e => e.validity.valid") is False
        assert re.search(r"/targets/$", page.url) and field.input_value() == "120"
