"""The practices bank in the real browser: a head writes and submits a practice, a methodist
publishes it (the school agreed to show it publicly), a visitor without login finds it by another
form of a word, on a phone-sized screen, and sees no author's name."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from opora.support.models.practices import Practice, PracticeState
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Наставничество для молодых учителей математики"


@pytest.fixture
def second_page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_practice_is_written_published_and_found_without_login(page, second_page, phone_page,  # type: ignore[no-untyped-def]
                                                                live_server, cast: Cast) -> None:
    base = live_server.url
    sign_in(page, base, "sam")
    page.goto(f"{base}/practices/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_problem").fill("Молодые учителя математики уходили из школы в первый год работы.")
    page.locator("#id_actions").fill("За каждым закрепили наставника, взаимопосещения уроков каждую неделю.")
    page.locator("#id_results").fill("Все молодые учителя остались; доля «2» по ВПР снизилась с 20% до 11%.")
    page.locator("#id_tags").fill("наставничество, математика")
    page.locator("input[name=risk_factors][value=professional_development]").check()
    page.locator("#id_is_public").check()
    page.locator("form.practice-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/practices/\d+/$"))
    practice = Practice.objects.get(title=TITLE)
    page.locator(f"form[action='/practices/{practice.pk}/submit/'] button").click()
    page.wait_for_url(f"{base}/practices/{practice.pk}/")
    assert page.locator("[data-state=submitted]").is_visible()

    sign_in(second_page, base, "mila")
    second_page.goto(f"{base}/practices/")
    second_page.locator("[data-testid=practice-work]").get_by_role("link", name=TITLE).click()
    second_page.locator(f"button[formaction='/practices/{practice.pk}/publish/']").click()
    second_page.wait_for_url(f"{base}/practices/{practice.pk}/")
    assert second_page.locator("[data-state=published]").is_visible()
    assert second_page.locator("[data-testid=public-badge]").is_visible()
    practice.refresh_from_db()
    assert practice.state == PracticeState.PUBLISHED

    # A visitor without login, on a phone, types another form of the word.
    phone_page.goto(f"{base}/practices/")
    phone_page.wait_for_url(f"{base}/practices/public/")
    phone_page.locator("#id_q").fill("наставничеству")
    phone_page.wait_for_url(re.compile(r"\?q=%D0"))  # the table was replaced by the search's answer
    phone_page.locator("#practice-table").get_by_role("link", name=TITLE).click()
    phone_page.wait_for_url(f"{base}/practices/public/{practice.pk}/")
    body = phone_page.locator("main").inner_text()
    assert cast.s1.name in body and "взаимопосещения" in body
    assert cast.sam.full_name not in body
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
