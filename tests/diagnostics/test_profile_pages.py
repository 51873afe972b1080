"""The profile pages: computing with a progress bar, one profile per role, entry against exit,
verification and selection forms, a school's profiles over the years."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from opora.analytics.risk_definition import Definition
from opora.diagnostics.computation import profiles_compute
from opora.diagnostics.models import Campaign, Profile, ProfileStatus
from opora.diagnostics.services.profiles import factors_select, profile_confirm
from opora.jobs.models import Job, JobStatus
from tests.conftest import Cast
from tests.diagnostics.builders import add_response, add_responses, answers_at, link, make_campaign

SECRET_CLIENT = "client-hash-never-shown"


def fill(campaign: Campaign, cast: Cast, definition: Definition, motivation: float) -> None:
    levels = {f.code: 0.0 for f in definition.factors} | {"motivation": motivation}
    add_response(link(campaign, cast.s1, "head"), answers_at(definition, "head", levels), respondent=cast.sam)
    add_responses(link(campaign, cast.s1, "teacher"), answers_at(definition, "teacher", levels), 30)
    add_responses(link(campaign, cast.s1, "pupil"), answers_at(definition, "pupil", levels), 110)
    add_response(link(campaign, cast.s1, "parent"), answers_at(definition, "parent", levels), client=SECRET_CLIENT)


@pytest.fixture
def profile(cast: Cast, campaign: Campaign, definition: Definition) -> Profile:
    fill(campaign, cast, definition, motivation=1.0)
    profiles_compute(campaign=campaign)
    return Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s1)


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(user: Any, profile: Profile) -> Any:
    return as_user(user).get(reverse("diagnostics:profile", args=[profile.pk]))


def test_the_head_sees_his_schools_profile_with_levels_and_the_answers_quality(cast: Cast, profile: Profile) -> None:
    response = page(cast.sam, profile)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Низкая учебная мотивация обучающихся" in text
    assert 'class="risk-level high"' in text
    assert "высокий" in text
    # Too few parents: said in words with the numbers.
    assert "Родители: только 1 пригодный ответ, нужно не меньше 10." in text
    # The questions behind the factor, from the version's definition.
    question = next(q for q in profile.version.parsed().questions if q.group == "pupil")
    assert question.text in text


@pytest.mark.parametrize("who", ["alice", "rita", "maria", "oleg", "kate", "sam"])
def test_every_reader_of_the_school_opens_the_profile(who: str, cast: Cast, profile: Profile) -> None:
    assert page(getattr(cast, who), profile).status_code == 200


@pytest.mark.parametrize("who, status", [("vera", 404), ("olga", 404), ("zoe", 404), ("tom", 403), ("mila", 403),
                                         ("nobody", 403)])
def test_others_are_refused(who: str, status: int, cast: Cast, profile: Profile) -> None:
    assert page(getattr(cast, who), profile).status_code == status


def test_no_individual_answers_or_client_hashes_are_on_the_page(cast: Cast, profile: Profile) -> None:
    text = page(cast.alice, profile).content.decode()
    assert SECRET_CLIENT not in text
    assert "client-" not in text
    assert "response #" not in text


def test_a_factor_without_data_says_so_plainly(cast: Cast, campaign: Campaign, profile: Profile) -> None:
    empty = Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s2)
    text = page(cast.maria, empty).content.decode()
    assert "нет данных" in text.lower()
    assert "Недостаточно ответов, чтобы оценить фактор." in text


def test_entry_and_exit_are_shown_side_by_side_with_the_change(
        cast: Cast, profile: Profile, definition: Definition) -> None:
    exit_campaign = make_campaign(municipality=cast.m1, schools=[cast.s1], wave="exit")
    fill(exit_campaign, cast, definition, motivation=0.0)
    profiles_compute(campaign=exit_campaign)
    text = page(cast.sam, profile).content.decode()
    motivation = text.split('id="factor-motivation"', 1)[1].split('class="factor"', 1)[0]
    assert "итоговое" in motivation.lower() and "входное" in motivation.lower()
    assert motivation.count('class="bar"') == 2
    assert "риск снизился" in motivation


def test_the_curator_confirms_and_changes_a_level_through_the_page(cast: Cast, profile: Profile) -> None:
    client = as_user(cast.kate)
    response = client.post(reverse("diagnostics:factor_level", args=[profile.pk, "motivation"]),
                           {"level": "medium", "reason": "Школа уже работает над этим"})
    assert response.status_code == 302
    response = client.post(reverse("diagnostics:profile_confirm", args=[profile.pk]))
    assert response.status_code == 302
    text = client.get(reverse("diagnostics:profile", args=[profile.pk])).content.decode()
    assert "Школа уже работает над этим" in text
    motivation = text.split('id="factor-motivation"', 1)[1].split('class="factor"', 1)[0]
    assert 'risk-level high' in motivation and 'risk-level medium' in motivation  # computed and verified
    assert "Екатерина Викторовна Баранова" in text  # who verified
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.VERIFIED


def test_a_level_change_without_a_reason_keeps_what_was_typed(cast: Cast, profile: Profile) -> None:
    response = as_user(cast.kate).post(reverse("diagnostics:factor_level", args=[profile.pk, "motivation"]),
                                       {"level": "low", "reason": ""})
    assert response.status_code == 400
    text = response.content.decode()
    motivation = text.split('id="factor-motivation"', 1)[1].split('class="factor"', 1)[0]
    assert re.search(r'<option value="low" selected>', motivation)
    assert "Укажите, почему меняется уровень." in motivation
    assert not profile.factors.exclude(verified_level="").exists()


def test_the_head_cannot_verify_through_the_page(cast: Cast, profile: Profile) -> None:
    client = as_user(cast.sam)
    assert client.post(reverse("diagnostics:profile_confirm", args=[profile.pk])).status_code == 403
    assert client.post(reverse("diagnostics:factor_level", args=[profile.pk, "motivation"]),
                       {"level": "low", "reason": "так"}).status_code == 403
    text = client.get(reverse("diagnostics:profile", args=[profile.pk])).content.decode()
    assert "Подтвердить профиль" not in text
    assert "после проверки профиля" in text  # selection waits for the verification


def test_the_head_selects_factors_after_verification_and_too_many_keeps_the_choice(
        cast: Cast, profile: Profile) -> None:
    profile_confirm(actor=cast.maria, profile=profile)
    client = as_user(cast.sam)
    too_many = ["motivation", "equipment", "discipline", "environment"]
    response = client.post(reverse("diagnostics:factors_select", args=[profile.pk]), {"factors": too_many})
    assert response.status_code == 400
    text = response.content.decode()
    assert "не больше 3" in text.lower()
    assert len(re.findall(r'name="factors" value="[a-z_]+"[^>]*checked', text)) == 4
    response = client.post(reverse("diagnostics:factors_select", args=[profile.pk]), {"factors": ["motivation"]})
    assert response.status_code == 302
    assert list(profile.factors.filter(selected=True).values_list("factor", flat=True)) == ["motivation"]
    text = client.get(reverse("diagnostics:profile", args=[profile.pk])).content.decode()
    assert "выбран для работы" in text.lower()


def test_the_history_says_who_did_what_and_why(cast: Cast, profile: Profile) -> None:
    profile_confirm(actor=cast.maria, profile=profile)
    factors_select(actor=cast.sam, profile=profile, factors=["motivation"])
    history = page(cast.sam, profile).content.decode().split("profile-history", 1)[1]
    assert "Мария Ивановна Зыкова" in history and "Семён Олегович Лосев" in history
    assert "«Низкая учебная мотивация обучающихся»" in history


def test_the_profile_page_needs_a_bounded_number_of_queries(
        cast: Cast, profile: Profile, definition: Definition, django_assert_max_num_queries: Any) -> None:
    exit_campaign = make_campaign(municipality=cast.m1, schools=[cast.s1], wave="exit")
    fill(exit_campaign, cast, definition, motivation=0.0)
    profiles_compute(campaign=exit_campaign)
    profile_confirm(actor=cast.kate, profile=profile)
    client = as_user(cast.kate)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("diagnostics:profile", args=[profile.pk])).status_code == 200


def test_computing_through_the_page_runs_the_job_and_shows_the_result(
        cast: Cast, campaign: Campaign, definition: Definition, django_capture_on_commit_callbacks: Any) -> None:
    fill(campaign, cast, definition, motivation=1.0)
    client = as_user(cast.maria)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("diagnostics:compute", args=[campaign.pk]))
    assert response.status_code == 302
    job = Job.objects.get(kind="risk_profiles")
    assert response["Location"] == reverse("diagnostics:compute_progress", args=[campaign.pk, job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    text = client.get(response["Location"]).content.decode()
    assert "Рассчитано профилей: 2" in text
    assert reverse("diagnostics:campaign", args=[campaign.pk]) in text
    bar = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in bar and "100%" in bar
    assert Profile.objects.filter(campaign_school__campaign=campaign, job=job).count() == 2


@pytest.mark.parametrize("who, status", [("oleg", 403), ("kate", 403), ("sam", 403), ("tom", 403), ("olga", 404),
                                         ("zoe", 404)])
def test_only_campaign_managers_compute(who: str, status: int, cast: Cast, campaign: Campaign) -> None:
    response = as_user(getattr(cast, who)).post(reverse("diagnostics:compute", args=[campaign.pk]))
    assert response.status_code == status
    assert not Job.objects.exists()


def test_the_schools_profiles_over_the_years_are_listed_with_their_levels(
        cast: Cast, profile: Profile, definition: Definition) -> None:
    earlier = make_campaign(municipality=cast.m1, schools=[cast.s1], year=2025)
    profiles_compute(campaign=earlier)
    text = as_user(cast.sam).get(reverse("diagnostics:school_profiles", args=["1001"])).content.decode()
    assert text.index("2026") < text.index("2025")
    assert reverse("diagnostics:profile", args=[profile.pk]) in text
    assert 'class="risk-cell high"' in text


@pytest.mark.parametrize("who, status", [("vera", 404), ("tom", 403), ("sam", 200), ("kate", 200)])
def test_the_schools_profiles_page_is_scoped(who: str, status: int, cast: Cast, profile: Profile) -> None:
    response = as_user(getattr(cast, who)).get(reverse("diagnostics:school_profiles", args=["1001"]))
    assert response.status_code == status


def test_questions_of_a_group_with_too_few_answers_are_marked_not_counted(cast: Cast, profile: Profile) -> None:
    text = page(cast.sam, profile).content.decode()
    motivation = text.split('id="factor-motivation"', 1)[1].split('class="factor"', 1)[0]
    parent_question = next(q.text for q in profile.version.parsed().questions
                           if q.group == "parent" and q.code in {i["question"] for i in
                                                                 profile.factors.get(factor="motivation").indicators})
    row = motivation.split(parent_question, 1)[1].split("</tr>", 1)[0]
    assert "не учтён: в группе слишком мало ответов" in row
