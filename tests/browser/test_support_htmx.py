"""In the real browser: the visits, meetings and network pages update in place (htmx) — filters
redraw the list and keep the address, forms answer inside the page, errors keep what was typed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from opora.support.models import DecisionStatus, VisitKind
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.support.meetings_builders import make_decision, make_meeting
from tests.support.test_visits import make_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _mark(page: Any) -> None:
    """A flag a full page load would lose."""
    page.evaluate("window.__stayed = true")


def _stayed(page: Any) -> bool:
    return bool(page.evaluate("window.__stayed === true"))


def test_visit_filters_redraw_the_list_and_a_follow_up_form_answers_in_place(
    page: Any, live_server: Any, cast: Cast
) -> None:
    visit = make_visit(cast, kind=VisitKind.MONITORING, purpose="Мониторинг дорожной карты")
    make_visit(cast, cast.s2, kind=VisitKind.CONSULTATION, held_on=date(2026, 3, 12),
               purpose="Консультация по ВСОКО")
    sign_in(page, live_server.url, "maria")
    page.goto(live_server.url + "/support/visits/")
    assert page.locator("#visits tbody tr").count() == 2
    _mark(page)
    page.locator("#f-kind").select_option(VisitKind.CONSULTATION)
    page.wait_for_function("document.querySelectorAll('#visits tbody tr').length === 1")
    assert "Консультация по ВСОКО" in page.locator("#visits").inner_text()
    assert "kind=consultation" in page.url and _stayed(page)
    assert "kind=consultation" in (page.locator("#visits-xlsx").get_attribute("href") or "")

    page.goto(f"{live_server.url}/support/visits/{visit.pk}/")
    _mark(page)
    form = page.locator("#follow-up-form")
    form.get_by_label("Мера по итогам").fill("   ")  # passes the browser's check, not the server's
    form.get_by_label("Ответственный").fill("Зам. директора по УВР")
    form.get_by_role("button", name="Добавить").click()  # the form answers 400 with its errors
    page.locator("#follow-up-form .errorlist").wait_for()
    assert page.locator("#follow-up-form").get_by_label("Ответственный").input_value() == "Зам. директора по УВР"
    page.locator("#follow-up-form").get_by_label("Мера по итогам").fill("Разработать план ВСОКО")
    page.locator("#follow-up-form").get_by_role("button", name="Добавить").click()
    page.locator("#follow-ups tbody tr").first.wait_for()
    assert "Разработать план ВСОКО" in page.locator("#follow-ups").inner_text()
    assert _stayed(page)


def test_a_decision_is_closed_on_the_meeting_page_without_reloading_it(
    page: Any, live_server: Any, cast: Cast
) -> None:
    meeting = make_meeting(cast)
    decision = make_decision(meeting, "Провести педсовет по итогам ВПР", schools=[cast.s1])
    sign_in(page, live_server.url, "maria")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    _mark(page)
    card = page.locator(f"#decision-{decision.pk}")
    card.locator("summary").click()
    card.get_by_label("Примечание").fill("Педсовет проведён 20.02")
    card.get_by_role("button", name="Закрыть как выполненное").click()
    page.locator(f'#decision-{decision.pk}[data-status="done"]').wait_for()
    page.locator("#messages").get_by_text("Решение закрыто.").wait_for()
    assert _stayed(page)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.note == "Педсовет проведён 20.02"

    page.goto(f"{live_server.url}/meetings/decisions/")
    _mark(page)
    page.get_by_label("только просроченные").check()
    page.get_by_text("Решений по этим условиям нет.").wait_for()
    assert "overdue=1" in page.url and _stayed(page)
