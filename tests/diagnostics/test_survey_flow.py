"""Taking a questionnaire through a campaign link: screens, back, validation, resume, submit,
the signed-in groups, and «My questionnaires»."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opora.analytics.risk_definition import Definition
from opora.diagnostics.models import Campaign, ResponseStatus, SurveyLink, SurveyResponse
from opora.diagnostics.services.responses import hashed
from opora.diagnostics.views.survey import COOKIE
from tests.conftest import Cast
from tests.diagnostics.builders import add_response, answers_at, link

pytestmark = pytest.mark.django_db


def start_url(survey_link: SurveyLink) -> str:
    return reverse("survey:start", args=[survey_link.token])


def screen_url(survey_link: SurveyLink) -> str:
    return reverse("survey:screen", args=[survey_link.token])


def screen_answers(definition: Definition, group: str, step: int, chosen: dict[str, int]) -> dict[str, str]:
    return {f"q-{q.code}": str(chosen[q.code]) for q in definition.sections_for(group)[step][1]}


def post_screen(client: Client, survey_link: SurveyLink, step: int, data: dict[str, str], **extra: str):  # type: ignore[no-untyped-def]
    return client.post(screen_url(survey_link), {"step": str(step), **data, **extra})


def only_response(survey_link: SurveyLink) -> SurveyResponse:
    return SurveyResponse.objects.get(link=survey_link)


def test_pupil_goes_through_the_screens_and_the_stored_answers_are_what_was_chosen(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    chosen = answers_at(definition, "pupil", 0.8)
    screens = definition.sections_for("pupil")

    intro = client.get(start_url(pupils))
    text = intro.content.decode()
    assert intro.status_code == 200
    assert cast.s1.name in text and "Анкета для учеников" in text and "анонимн" in text
    assert f"{len(screens)} коротких экрана" in text or f"{len(screens)} коротких экранов" in text

    started = client.post(start_url(pupils))
    assert started.status_code == 302 and started.url == screen_url(pupils)
    cookie = client.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == start_url(pupils)
    assert int(cookie["max-age"]) == 30 * 24 * 3600

    first = client.get(screen_url(pupils)).content.decode()
    assert f"Шаг 1 из {len(screens)}" in first and screens[0][0] in first and "Назад" not in first
    for step in range(len(screens)):
        page = client.get(screen_url(pupils)).content.decode()
        assert f"Шаг {step + 1} из {len(screens)}" in page
        assert ("Отправить" in page) == (step == len(screens) - 1)
        answered = post_screen(client, pupils, step, screen_answers(definition, "pupil", step, chosen))
        assert answered.status_code == 302
    assert answered.url == reverse("survey:done", args=[pupils.token])

    done = client.get(answered.url).content.decode()
    assert "Спасибо" in done and "Заполнить анкету ещё раз (другой человек на этом устройстве)" in done
    response = only_response(pupils)
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_at is not None
    assert response.answers == chosen
    assert response.respondent is None
    assert response.resume_hash == hashed(cookie.value) and cookie.value not in response.resume_hash


def test_back_keeps_the_answers_of_both_screens(client: Client, campaign: Campaign, definition: Definition,
                                                cast: Cast) -> None:
    parents = link(campaign, cast.s1, "parent")
    chosen = answers_at(definition, "parent", 0.2)
    client.post(start_url(parents))
    post_screen(client, parents, 0, screen_answers(definition, "parent", 0, chosen))
    second = screen_answers(definition, "parent", 1, chosen)
    first_of_second = next(iter(second))
    went_back = post_screen(client, parents, 1, {first_of_second: second[first_of_second]}, back="1")
    assert went_back.status_code == 302

    page = client.get(screen_url(parents)).content.decode()
    assert "Шаг 1 из" in page
    for name, value in screen_answers(definition, "parent", 0, chosen).items():
        assert f'name="{name}" value="{value}" checked' in page
    assert only_response(parents).answers[first_of_second.removeprefix("q-")] == int(second[first_of_second])


def test_an_unanswered_question_stops_the_screen_with_a_russian_error_and_keeps_the_chosen_answers(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    chosen = answers_at(definition, "pupil", 0.5)
    client.post(start_url(pupils))
    data = screen_answers(definition, "pupil", 0, chosen)
    skipped = list(data)[1]
    del data[skipped]

    page = post_screen(client, pupils, 0, data)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Шаг 1 из" in text and "Ответьте на все вопросы этого экрана" in text
    assert text.count("Выберите один из вариантов ответа.") == 1
    assert f'id="question-{skipped.removeprefix("q-")}" aria-describedby' in text
    for name, value in data.items():
        assert f'name="{name}" value="{value}" checked' in text
    assert only_response(pupils).step == 0


def test_coming_back_with_the_cookie_continues_at_the_saved_screen_with_the_saved_answers(
        campaign: Campaign, definition: Definition, cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    chosen = answers_at(definition, "pupil", 0.7)
    phone = Client()
    phone.post(start_url(pupils))
    post_screen(phone, pupils, 0, screen_answers(definition, "pupil", 0, chosen))

    later = Client()  # the browser was closed: only the cookie is left
    later.cookies[COOKIE] = phone.cookies[COOKIE].value
    intro = later.get(start_url(pupils)).content.decode()
    assert "Продолжить" in intro
    page = later.get(screen_url(pupils)).content.decode()
    assert "Шаг 2 из" in page
    post_screen(later, pupils, 1, {}, back="1")
    page = later.get(screen_url(pupils)).content.decode()
    for name, value in screen_answers(definition, "pupil", 0, chosen).items():
        assert f'name="{name}" value="{value}" checked' in page

    stranger = Client()  # no cookie: a new person starts their own response
    stranger.post(start_url(pupils))
    assert SurveyResponse.objects.filter(link=pupils).count() == 2


def test_time_is_measured_on_the_server_and_a_forgotten_screen_counts_ten_minutes_at_most(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    chosen = answers_at(definition, "pupil", 0.5)
    client.post(start_url(pupils))
    client.get(screen_url(pupils))
    SurveyResponse.objects.filter(link=pupils).update(screen_shown_at=timezone.now() - timedelta(seconds=45))
    post_screen(client, pupils, 0, screen_answers(definition, "pupil", 0, chosen))
    after_first = only_response(pupils).seconds
    assert after_first == pytest.approx(45, abs=5)

    client.get(screen_url(pupils))
    SurveyResponse.objects.filter(link=pupils).update(screen_shown_at=timezone.now() - timedelta(hours=3))
    post_screen(client, pupils, 1, screen_answers(definition, "pupil", 1, chosen))
    assert only_response(pupils).seconds == pytest.approx(after_first + 600, abs=5)


def test_filling_in_again_on_the_same_device_starts_a_new_response(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    for round_ in range(2):
        chosen = answers_at(definition, "pupil", 0.2 + 0.6 * round_)
        client.post(start_url(pupils))
        for step in range(len(definition.sections_for("pupil"))):
            post_screen(client, pupils, step, screen_answers(definition, "pupil", step, chosen))
    sent = SurveyResponse.objects.filter(link=pupils, status=ResponseStatus.SUBMITTED).order_by("pk")
    assert [r.answers for r in sent] == [answers_at(definition, "pupil", 0.2), answers_at(definition, "pupil", 0.8)]
    assert sent[0].resume_hash != sent[1].resume_hash


# --- signed-in groups -------------------------------------------------------------------------


def test_a_teacher_answers_the_teacher_link_of_own_school_and_can_change_it(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    teachers = link(campaign, cast.s1, "teacher")
    client.force_login(cast.tom)
    intro = client.get(start_url(teachers)).content.decode()
    assert "Анкета для педагогов" in intro and "анонимн" not in intro
    chosen = answers_at(definition, "teacher", 0.4)
    client.post(start_url(teachers))
    client.post(start_url(teachers))  # a double tap makes no second response
    for step in range(len(definition.sections_for("teacher"))):
        post_screen(client, teachers, step, screen_answers(definition, "teacher", step, chosen))
    response = only_response(teachers)
    assert response.respondent == cast.tom and response.status == ResponseStatus.SUBMITTED
    assert response.answers == chosen

    # Editing: back to the first screen, a changed answer, sent again; still one response.
    assert "Изменить ответы" in client.get(start_url(teachers)).content.decode()
    client.post(start_url(teachers))
    changed = dict(chosen)
    first_code = definition.sections_for("teacher")[0][1][0].code
    changed[first_code] = 1 if chosen[first_code] != 1 else 2
    for step in range(len(definition.sections_for("teacher"))):
        post_screen(client, teachers, step, screen_answers(definition, "teacher", step, changed))
    assert only_response(teachers).answers == changed


def test_a_teacher_of_one_school_cannot_answer_another_schools_link(client: Client, campaign: Campaign,
                                                                     cast: Cast) -> None:
    client.force_login(cast.tom)
    page = client.get(start_url(link(campaign, cast.s2, "teacher")))
    assert page.status_code == 403
    assert "Эта анкета не для вас" in page.content.decode()
    assert client.post(start_url(link(campaign, cast.s2, "teacher"))).status_code == 403
    assert client.get(start_url(link(campaign, cast.s1, "head"))).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_the_head_link_needs_signing_in_and_the_pupil_link_does_not(client: Client, campaign: Campaign,
                                                                     cast: Cast) -> None:
    head = link(campaign, cast.s1, "head")
    page = client.get(start_url(head))
    assert page.status_code == 302
    assert page.url == f"{reverse('login')}?next={start_url(head)}"
    assert client.get(start_url(link(campaign, cast.s1, "pupil"))).status_code == 200
    client.force_login(cast.sam)
    assert client.get(start_url(head)).status_code == 200


# --- My questionnaires ------------------------------------------------------------------------


def test_my_questionnaires_lists_the_open_links_of_my_school_for_my_group_with_their_state(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    from tests.diagnostics.builders import make_campaign

    closed = make_campaign(municipality=cast.m1, schools=[cast.s1], year=2025, status="closed")
    client.force_login(cast.tom)
    page = client.get(reverse("survey:mine")).content.decode()
    assert link(campaign, cast.s1, "teacher").token in page and "не начата" in page
    for other in (link(campaign, cast.s1, "head"), link(campaign, cast.s2, "teacher"),
                  link(campaign, cast.s1, "pupil"), link(closed, cast.s1, "teacher")):
        assert other.token not in page

    add_response(link(campaign, cast.s1, "teacher"), answers_at(definition, "teacher", 0.5), respondent=cast.tom)
    assert "отправлена" in client.get(reverse("survey:mine")).content.decode()

    client.force_login(cast.sam)
    page = client.get(reverse("survey:mine")).content.decode()
    assert link(campaign, cast.s1, "head").token in page
    assert link(campaign, cast.s1, "teacher").token not in page


def test_my_questionnaires_needs_signing_in(client: Client, cast: Cast) -> None:
    page = client.get(reverse("survey:mine"))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))
