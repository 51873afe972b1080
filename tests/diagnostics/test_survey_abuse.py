"""A survey link under bad input and abuse: unknown, ended or full links, a flood from one client,
forged answers and steps; nothing identifying is kept for pupils and parents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opora.analytics.risk_definition import Definition
from opora.diagnostics.models import Campaign, ResponseStatus, SurveyLink, SurveyResponse
from opora.diagnostics.services.responses import link_state
from tests.conftest import Cast
from tests.diagnostics.builders import add_response, answers_at, link

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile"


def start_url(survey_link: SurveyLink) -> str:
    return reverse("survey:start", args=[survey_link.token])


def screen_url(survey_link: SurveyLink) -> str:
    return reverse("survey:screen", args=[survey_link.token])


def phone(user_agent: str = PHONE) -> Client:
    return Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=user_agent)


def first_screen(definition: Definition, group: str, chosen: dict[str, int]) -> dict[str, str]:
    return {f"q-{q.code}": str(chosen[q.code]) for q in definition.sections_for(group)[0][1]}


def test_an_unknown_link_says_so_in_russian_with_404(client: Client, cast: Cast) -> None:
    for url in ("/s/no-such-token/", "/s/no-such-token/q/", "/s/no-such-token/done/"):
        page = client.get(url)
        assert page.status_code == 404
        assert "Анкета не найдена" in page.content.decode() and "Проверьте ссылку" in page.content.decode()
    assert client.post("/s/no-such-token/").status_code == 404


@pytest.mark.parametrize("how", ["closed", "expired", "inactive"])
def test_an_ended_survey_says_it_is_over_with_410(client: Client, campaign: Campaign, cast: Cast, how: str) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    if how == "closed":
        Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    elif how == "expired":
        Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    else:
        SurveyLink.objects.filter(pk=pupils.pk).update(is_active=False)
    pupils.refresh_from_db()
    assert link_state(pupils) == how

    for page in (client.get(start_url(pupils)), client.post(start_url(pupils))):
        assert page.status_code == 410
        assert "Анкетирование завершено" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_survey_closing_today_still_accepts_and_one_closed_mid_way_stops_the_started_response(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate())
    pupils = link(campaign, cast.s1, "pupil")
    assert link_state(pupils) is None
    client.post(start_url(pupils))
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    page = client.post(screen_url(pupils), {"step": "0", **first_screen(definition, "pupil",
                                                                     answers_at(definition, "pupil", 0.5))})
    assert page.status_code == 410 and "Анкетирование завершено" in page.content.decode()
    assert SurveyResponse.objects.get().answers == {}


def test_a_signed_in_teacher_cannot_answer_after_the_campaign_closed(client: Client, campaign: Campaign,
                                                                       cast: Cast) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    client.force_login(cast.tom)
    assert client.get(start_url(link(campaign, cast.s1, "teacher"))).status_code == 410


def test_a_full_link_takes_no_new_respondent_with_410(client: Client, campaign: Campaign, definition: Definition,
                                                       cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    SurveyLink.objects.filter(pk=pupils.pk).update(max_responses=2)
    pupils.refresh_from_db()
    add_response(pupils, answers_at(definition, "pupil", 0.5))
    assert link_state(pupils) is None
    add_response(pupils, answers_at(definition, "pupil", 0.5))
    assert link_state(pupils) == "full"
    for page in (client.get(start_url(pupils)), client.post(start_url(pupils))):
        assert page.status_code == 410
        assert "уже собрано столько ответов" in page.content.decode()


def test_a_response_started_before_the_link_filled_up_cannot_be_sent_past_the_limit(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    SurveyLink.objects.filter(pk=pupils.pk).update(max_responses=1)
    chosen = answers_at(definition, "pupil", 0.5)
    client.post(start_url(pupils))
    add_response(pupils, chosen)  # someone else sends first
    sections = definition.sections_for("pupil")
    for step in range(len(sections) - 1):
        assert client.post(screen_url(pupils), {"step": str(step), **{
            f"q-{q.code}": str(chosen[q.code]) for q in sections[step][1]}}).status_code == 302
    last = client.post(screen_url(pupils), {"step": str(len(sections) - 1), **{
        f"q-{q.code}": str(chosen[q.code]) for q in sections[-1][1]}})
    assert last.status_code == 410
    assert SurveyResponse.objects.filter(status=ResponseStatus.SUBMITTED).count() == 1


def test_more_starts_than_the_limit_from_one_client_within_an_hour_get_429(
        campaign: Campaign, cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SURVEY_CLIENT_LIMIT = 3
    pupils = link(campaign, cast.s1, "pupil")
    for _ in range(3):
        assert phone().post(start_url(pupils)).status_code == 302
    refused = phone().post(start_url(pupils))
    assert refused.status_code == 429
    assert "Слишком много анкет с одного устройства" in refused.content.decode()
    assert SurveyResponse.objects.filter(link=pupils).count() == 3

    # Another browser, or the same one an hour later, or another school's link, is let in.
    assert phone("Mozilla/5.0 (iPhone)").post(start_url(pupils)).status_code == 302
    SurveyResponse.objects.update(started_at=timezone.now() - timedelta(hours=1, minutes=1))
    assert phone().post(start_url(pupils)).status_code == 302
    assert phone().post(start_url(link(campaign, cast.s2, "pupil"))).status_code == 302


def test_nothing_identifying_is_stored_or_shown_for_a_pupil(campaign: Campaign, definition: Definition,
                                                             cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    client = phone()
    client.post(start_url(pupils))
    chosen = answers_at(definition, "pupil", 0.5)
    pages = [client.get(screen_url(pupils))]
    for step, (_title, questions) in enumerate(definition.sections_for("pupil")):
        client.post(screen_url(pupils), {"step": str(step), **{f"q-{q.code}": str(chosen[q.code]) for q in questions}})
    pages.append(client.get(reverse("survey:done", args=[pupils.token])))
    response = SurveyResponse.objects.get()
    assert response.respondent is None and response.status == ResponseStatus.SUBMITTED
    stored = " ".join(str(v) for v in SurveyResponse.objects.values().get().values())
    assert ADDRESS not in stored and PHONE not in stored
    assert len(response.client_hash) == 64
    assert all(response.client_hash not in page.content.decode() for page in pages)


@pytest.mark.parametrize("forged", [
    {"step": "0", "q-P01": "9"},
    {"step": "0", "q-P01": "abc"},
    {"step": "0", "q-P01": "-1"},
    {"step": "0", "q-NOPE": "2"},
    {"step": "99"},
    {"step": "-1"},
    {"step": "x"},
    {},
    {"step": "0", "back": "1"},
])
def test_forged_answers_and_steps_never_break_the_page(client: Client, campaign: Campaign, definition: Definition,
                                                      cast: Cast, forged: dict[str, str]) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    client.post(start_url(pupils))
    page = client.post(screen_url(pupils), forged)
    assert page.status_code in (200, 302)
    response = SurveyResponse.objects.get()
    assert response.step == 0
    scale_values = {q.code: definition.scale(q.scale).values() for q in definition.questions_for("pupil")}
    assert all(code in scale_values and value in scale_values[code] for code, value in response.answers.items())
    if page.status_code == 200:
        assert "Ответьте на все вопросы этого экрана" in page.content.decode()


def test_a_forged_value_among_real_answers_is_refused_and_the_real_ones_kept(
        client: Client, campaign: Campaign, definition: Definition, cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    client.post(start_url(pupils))
    data = first_screen(definition, "pupil", answers_at(definition, "pupil", 0.5))
    forged = next(iter(data))
    page = client.post(screen_url(pupils), {"step": "0", **data, forged: "42"})
    assert page.status_code == 200 and page.content.decode().count("Выберите один из вариантов ответа.") == 1
    stored = SurveyResponse.objects.get().answers
    assert forged.removeprefix("q-") not in stored and len(stored) == len(data) - 1


def test_the_screen_without_a_started_response_goes_to_the_intro(client: Client, campaign: Campaign,
                                                                  cast: Cast) -> None:
    pupils = link(campaign, cast.s1, "pupil")
    client.cookies["opora_survey"] = "made-up-key"
    for method in (client.get, client.post):
        page = method(screen_url(pupils))
        assert page.status_code == 302 and page.url == start_url(pupils)
    assert client.get(reverse("survey:done", args=[pupils.token])).status_code == 302
