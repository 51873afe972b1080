"""A pupil answers the questionnaire on a phone: taps through the screens, is stopped at an
unanswered question, reloads midway and goes on where they were, sends, and sees the thanks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from opora.analytics.risk_definition import Definition
from opora.diagnostics.models import ResponseStatus, SurveyLink, SurveyResponse
from tests.conftest import Cast
from tests.diagnostics.builders import answers_at, link, make_campaign, shipped_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A phone-sized touch screen (an English-speaking browser: the survey must still be Russian)."""
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def answer(page, definition: Definition, questions, chosen: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for q in questions:
        label = next(o.label for o in definition.scale(q.scale).options if o.value == chosen[q.code])
        option = page.get_by_role("group", name=q.text).get_by_role("radio", name=label, exact=True)
        option.tap()
        expect(option).to_be_checked()


def expect_step(page, number: int, total: int) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator(".survey-step .step")).to_have_text(f"Шаг {number} из {total}")


def test_pupil_answers_on_a_phone_resumes_after_a_reload_and_sends(phone, live_server, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    page = phone
    campaign = make_campaign(municipality=cast.m1, schools=[cast.s1], version=shipped_version())
    pupils: SurveyLink = link(campaign, cast.s1, "pupil")
    definition = campaign.version.parsed()
    sections = definition.sections_for("pupil")
    total = len(sections)
    chosen = answers_at(definition, "pupil", 0.8)
    start = f"{live_server.url}/s/{pupils.token}/"

    page.goto(start)
    expect(page.get_by_role("heading", name="Анкета для учеников")).to_be_visible()
    expect(page.get_by_text(cast.s1.name)).to_be_visible()
    page.get_by_role("button", name="Начать").tap()
    expect_step(page, 1, total)
    expect(page.get_by_role("heading", name=sections[0][0])).to_be_visible()

    # Options are big, full-width tap targets and nothing scrolls sideways at phone width.
    first_option = page.locator(".survey-option").first.bounding_box()
    assert first_option is not None and first_option["height"] >= 44 and first_option["width"] >= 300
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    answer(page, definition, sections[0][1], chosen)
    page.get_by_role("button", name="Далее").tap()
    expect_step(page, 2, total)

    # One question left out: the screen stays, says why in Russian, keeps what was chosen.
    answer(page, definition, sections[1][1][:-1], chosen)
    page.get_by_role("button", name="Далее").tap()
    expect(page.get_by_role("alert")).to_contain_text("Ответьте на все вопросы этого экрана")
    skipped = page.get_by_role("group", name=sections[1][1][-1].text)
    expect(skipped.get_by_text("Выберите один из вариантов ответа.")).to_be_visible()
    expect_step(page, 2, total)
    kept = sections[1][1][0]
    kept_label = next(o.label for o in definition.scale(kept.scale).options if o.value == chosen[kept.code])
    expect(page.get_by_role("group", name=kept.text).get_by_role("radio", name=kept_label, exact=True)).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    answer(page, definition, sections[1][1][-1:], chosen)
    page.get_by_role("button", name="Далее").tap()
    expect_step(page, 3, total)

    # A reload in the middle, then opening the link again: the same screen, nothing lost.
    page.reload()
    expect_step(page, 3, total)
    page.goto(start)
    page.get_by_role("link", name="Продолжить").tap()
    expect_step(page, 3, total)
    page.get_by_role("button", name="Назад").tap()
    expect_step(page, 2, total)
    expect(page.get_by_role("group", name=kept.text).get_by_role("radio", name=kept_label, exact=True)).to_be_checked()
    page.get_by_role("button", name="Далее").tap()
    expect_step(page, 3, total)

    answer(page, definition, sections[-1][1], chosen)
    page.get_by_role("button", name="Отправить").tap()
    expect(page.get_by_role("heading", name="Спасибо! Ваши ответы отправлены.")).to_be_visible()
    again = "Заполнить анкету ещё раз (другой человек на этом устройстве)"
    expect(page.get_by_role("button", name=again)).to_be_visible()

    cookie = next(c for c in page.context.cookies() if c["name"] == "opora_survey")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == f"/s/{pupils.token}/"
    response = SurveyResponse.objects.get(link=pupils)
    assert response.status == ResponseStatus.SUBMITTED and response.respondent is None
    assert response.answers == chosen
    assert response.seconds is not None and response.seconds > 0
