"""The whole review cycle of a school document in the real browser: the head writes and submits the
concept, the curator returns one section with a comment, the head sees why, revises that section
and resubmits, the curator sees what changed and approves."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from opora.plans.models import DocState, Document, DocumentKind
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.plans.builders import YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "Анализ текущего состояния школы": "Доля отметок «2» по ВПР по математике выше средней по муниципалитету.",
    "Миссия и ценности": "Важен каждый ученик.",
    "Направления развития": "Адресная помощь учителям математики, работа с обучающимися группы риска.",
    "Ожидаемые результаты": "Доля «2» по ВПР снизится на треть.",
}
GOALS = ["Повысить качество обучения математике.", "Создать систему наставничества."]
INDICATOR = {"name": "Доля отметок «2» по ВПР", "unit": "%", "baseline": "нет данных", "target": "15",
             "target_date": f"{YEAR}-12-25"}
RETURN_COMMENT = "Укажите исходное значение доли «2» по результатам ВПР прошлого года."


@pytest.fixture
def curator_page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A second browser, for the curator, beside the head's."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def section(page, title: str):  # type: ignore[no-untyped-def]
    """The page's section under the heading `title`."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(f"^{re.escape(title)}")))


def add_row(page, title: str) -> None:  # type: ignore[no-untyped-def]
    rows = section(page, title).locator("tbody tr")
    before = rows.filter(has=page.locator("input, textarea")).count()
    section(page, title).get_by_role("button", name="Добавить строку").click()
    rows.filter(has=page.locator("input, textarea")).nth(before).wait_for()


def test_concept_goes_round_the_review_cycle_in_the_browser(page, curator_page, live_server, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    # The head creates the concept from the school's year page and fills every section.
    sign_in(page, base, "sam")
    page.goto(f"{base}/plans/schools/{cast.s1.code}/{YEAR}/")
    page.get_by_role("row", name=re.compile("Концепция развития")).get_by_role("button", name="Создать").click()
    page.wait_for_url(re.compile(r"/edit/$"))
    for title, text in TEXTS.items():
        section(page, title).locator("textarea").fill(text)
    for n, goal in enumerate(GOALS):
        add_row(page, "Цели развития")
        section(page, "Цели развития").locator(f"[name='goals-{n}-text']").fill(goal)
    add_row(page, "Целевые показатели")
    for key, value in INDICATOR.items():
        section(page, "Целевые показатели").locator(f"[name='indicators-0-{key}']").fill(value)
    # What was typed before the rows were added is still there.
    assert section(page, "Миссия и ценности").locator("textarea").input_value() == TEXTS["Миссия и ценности"]
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Сохранено.").wait_for()
    document_url = page.url

    page.get_by_role("link", name="Проверить").click()
    page.wait_for_url(re.compile(r"/check/$"))
    assert page.get_by_text("Всё обязательное заполнено").first.is_visible()
    page.goto(document_url)
    page.get_by_role("button", name="Отправить на проверку").click()
    review = page.locator("#review")
    review.get_by_text("на проверке").first.wait_for()

    # The curator finds it in the workspace, returns it with a comment on the indicators only.
    sign_in(curator_page, base, "kate")
    curator_page.goto(f"{base}/plans/")
    curator_page.get_by_role("link", name=re.compile("Концепция развития")).first.click()
    curator_page.wait_for_url(document_url)
    back = curator_page.locator("details.review-return")
    back.locator("summary").click()
    back.get_by_label("Что нужно доработать").fill(RETURN_COMMENT)
    back.get_by_label("Целевые показатели").check()
    back.get_by_role("button", name="Вернуть на доработку").click()
    curator_page.locator("#review").get_by_text(RETURN_COMMENT).wait_for()

    # The head sees what was returned and why, and may change only that section.
    page.goto(document_url)
    assert page.locator("#review").get_by_text(RETURN_COMMENT).is_visible()
    assert "Целевые показатели" in page.locator("#review .review-returned").inner_text()
    assert "на доработку" in section(page, "Целевые показатели").get_by_role("heading").first.inner_text()
    assert "на доработку" not in section(page, "Миссия и ценности").get_by_role("heading").first.inner_text()
    page.get_by_role("link", name="Редактировать").click()
    page.get_by_text("Изменять можно только разделы, возвращённые на доработку").wait_for()
    assert section(page, "Миссия и ценности").locator("textarea").count() == 0
    section(page, "Целевые показатели").locator("[name='indicators-0-baseline']").fill("27")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Сохранено.").wait_for()
    page.get_by_role("button", name="Отправить на проверку").click()
    page.locator("#review").get_by_text("на проверке").first.wait_for()

    # The curator sees what changed since the return, and approves.
    curator_page.goto(document_url)
    curator_page.get_by_role("link", name="Что изменилось с последней проверки").click()
    curator_page.get_by_text("нет данных").first.wait_for()
    assert curator_page.get_by_text("27").first.is_visible()
    curator_page.goto(document_url)
    curator_page.get_by_role("button", name="Утвердить").click()
    curator_page.locator("#review").get_by_text("утверждён").first.wait_for()

    concept = Document.objects.get(school=cast.s1, year=YEAR, kind=DocumentKind.CONCEPT)
    assert concept.state == DocState.APPROVED
    assert concept.content["indicators"][0]["baseline"] == "27"
    steps = list(concept.transitions.order_by("at", "pk"))
    assert [(t.from_state, t.to_state, t.actor.username) for t in steps] == [
        ("draft", "submitted", "sam"), ("submitted", "returned", "kate"),
        ("returned", "submitted", "sam"), ("submitted", "approved", "kate")]
    assert steps[1].comment == RETURN_COMMENT and steps[1].sections == ["indicators"]
    assert concept.revisions.count() == 2
