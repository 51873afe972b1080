"""Computing risk profiles from a campaign's answers: levels, quality, recomputation, versions."""

from __future__ import annotations

import copy

import pytest

from opora.analytics.risk_definition import Definition
from opora.diagnostics.computation import profiles_compute
from opora.diagnostics.models import (
    Campaign,
    Profile,
    ProfileAction,
    ProfileFactor,
    ProfileStatus,
    ResponseSource,
    SurveyResponse,
)
from opora.diagnostics.services.instruments import instrument_version_create
from opora.diagnostics.services.profiles import factor_level_set, factors_select, profile_confirm
from tests.conftest import Cast
from tests.diagnostics.builders import add_response, add_responses, answers_at, link, make_campaign


def risk(definition: Definition, **factors: float) -> dict[str, float]:
    """Every factor at low risk (0.0) except the ones given."""
    return {f.code: 0.0 for f in definition.factors} | factors


def fill_school(campaign: Campaign, cast: Cast, definition: Definition, *, school=None, motivation: float = 1.0,
                parents: int = 3, imported_teachers: bool = False) -> None:
    """A school whose head, teachers and pupils see a high motivation risk; few parents answered."""
    school = school or cast.s1
    levels = risk(definition, motivation=motivation)
    add_response(link(campaign, school, "head"), answers_at(definition, "head", levels), respondent=cast.sam)
    if imported_teachers:
        for n in range(30):
            add_response(link(campaign, school, "teacher"), answers_at(definition, "teacher", levels), seconds=None,
                         source=ResponseSource.IMPORT, client=f"import-{n}")
    else:
        add_responses(link(campaign, school, "teacher"), answers_at(definition, "teacher", levels), 30)
    add_responses(link(campaign, school, "pupil"), answers_at(definition, "pupil", levels), 110)
    add_responses(link(campaign, school, "parent"), answers_at(definition, "parent", levels), parents)


def factors_of(campaign: Campaign, school) -> dict[str, ProfileFactor]:
    return {f.factor: f for f in ProfileFactor.objects.filter(profile__campaign_school__campaign=campaign,
                                                              profile__campaign_school__school=school)}


def test_pupils_and_teachers_seeing_low_motivation_make_the_motivation_risk_high(
        cast: Cast, campaign: Campaign, definition: Definition) -> None:
    fill_school(campaign, cast, definition)
    assert profiles_compute(campaign=campaign) == 2
    factors = factors_of(campaign, cast.s1)
    assert factors["motivation"].level == "high"
    assert factors["motivation"].score == pytest.approx(1.0)
    assert factors["equipment"].level == "low"
    in_order = sorted(factors.values(), key=lambda f: f.position)
    assert [f.factor for f in in_order] == [f.code for f in definition.factors]
    indicator = factors["motivation"].indicators[0]
    assert {"question", "group", "score", "n"} <= set(indicator)


def test_too_few_parents_leave_the_parents_out_with_a_note_and_make_the_answers_unreliable(
        cast: Cast, campaign: Campaign, definition: Definition) -> None:
    fill_school(campaign, cast, definition, parents=3)
    profiles_compute(campaign=campaign)
    profile = Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s1)
    factors = factors_of(campaign, cast.s1)
    assert "too_few:parent" in factors["motivation"].notes
    assert "parent" not in factors["motivation"].groups
    assert profile.trusted is False
    assert {"code": "too_few", "group": "parent", "used": 3, "min": 10} in profile.weak_reasons
    assert profile.quality["parent"]["respondents"] == 3


def test_imported_answers_without_time_are_used(cast: Cast, campaign: Campaign, definition: Definition) -> None:
    fill_school(campaign, cast, definition, imported_teachers=True)
    profiles_compute(campaign=campaign)
    profile = Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s1)
    assert profile.quality["teacher"]["used"] == 30
    assert profile.quality["teacher"]["too_fast"] == 0
    assert "teacher" in factors_of(campaign, cast.s1)["motivation"].groups


def test_a_school_nobody_answered_gets_a_profile_that_says_so(
        cast: Cast, campaign: Campaign, definition: Definition) -> None:
    fill_school(campaign, cast, definition)
    profiles_compute(campaign=campaign)
    profile = Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s2)
    assert profile.trusted is False
    assert {r["code"] for r in profile.weak_reasons} == {"no_answers"}
    factors = factors_of(campaign, cast.s2)
    assert len(factors) == len(definition.factors)
    assert all(f.score is None and f.level == "" and "no_data" in f.notes for f in factors.values())


def test_answers_still_in_progress_are_not_counted(cast: Cast, campaign: Campaign, definition: Definition) -> None:
    fill_school(campaign, cast, definition)
    add_response(link(campaign, cast.s1, "parent"), answers_at(definition, "parent", 1.0), status="in_progress")
    profiles_compute(campaign=campaign)
    profile = Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s1)
    assert profile.quality["parent"]["respondents"] == 3


def test_recomputing_keeps_the_verification_the_changed_levels_and_the_selection(
        cast: Cast, campaign: Campaign, definition: Definition) -> None:
    fill_school(campaign, cast, definition)
    profiles_compute(campaign=campaign)
    profile = Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s1)
    factor_level_set(actor=cast.kate, profile=profile, factor="motivation", level="medium", reason="Знаем школу")
    profile_confirm(actor=cast.kate, profile=profile)
    factors_select(actor=cast.sam, profile=profile, factors=["motivation"])
    # The teachers' and pupils' answers are corrected (imported again): motivation is now computed lower.
    for group in ("teacher", "pupil"):
        SurveyResponse.objects.filter(link=link(campaign, cast.s1, group)).update(
            answers=answers_at(definition, group, risk(definition, motivation=0.0, equipment=1.0)))
    assert profiles_compute(campaign=campaign) == 2
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.VERIFIED and profile.verified_by == cast.kate
    motivation = factors_of(campaign, cast.s1)["motivation"]
    assert motivation.level != "high"  # the computed level moved …
    assert motivation.verified_level == "medium"  # … the verified one stays
    assert motivation.verified_reason == "Знаем школу"
    assert motivation.selected is True and motivation.selected_by == cast.sam
    assert Profile.objects.filter(campaign_school__campaign=campaign).count() == 2
    assert profile.events.filter(action=ProfileAction.COMPUTED).count() == 2


def test_a_new_instrument_version_does_not_change_or_break_the_old_campaigns_profiles(
        cast: Cast, campaign: Campaign, definition: Definition) -> None:
    fill_school(campaign, cast, definition)
    profiles_compute(campaign=campaign)
    before = {f.factor: (f.score, f.level) for f in factors_of(campaign, cast.s1).values()}
    data = copy.deepcopy(campaign.version.definition)
    data["factors"] = [f for f in data["factors"] if f["code"] != "motivation"]
    data["indicators"] = [i for i in data["indicators"] if i["factor"] != "motivation"]
    newer = instrument_version_create(actor=cast.alice, instrument=campaign.version.instrument, definition=data,
                                      comment="без мотивации")
    later = make_campaign(municipality=cast.m1, schools=[cast.s1], version=newer, wave="exit")
    fill_school(later, cast, newer.parsed())
    profiles_compute(campaign=later)
    assert "motivation" not in factors_of(later, cast.s1)

    profiles_compute(campaign=campaign)
    after = {f.factor: (f.score, f.level) for f in factors_of(campaign, cast.s1).values()}
    assert after == before
    assert Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school=cast.s1).version \
        == campaign.version


def test_computing_reads_the_answers_in_a_bounded_number_of_queries(
        cast: Cast, campaign: Campaign, definition: Definition, django_assert_max_num_queries) -> None:
    fill_school(campaign, cast, definition)
    profiles_compute(campaign=campaign)
    with django_assert_max_num_queries(20):
        profiles_compute(campaign=campaign)
