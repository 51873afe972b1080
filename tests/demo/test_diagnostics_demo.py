"""The demo region arrives with survey campaigns, answers and risk profiles: last year's schools
surveyed at entry and exit, this year's entry done and verified, this year's exit under way —
and the planted risk patterns are what the computed profiles find."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from opora.demo.diagnostics import DiagnosticsSummary
from opora.demo.services import demo_load
from opora.diagnostics.models import (
    Campaign,
    CampaignStatus,
    Profile,
    ProfileAction,
    ProfileStatus,
    SurveyLink,
    SurveyResponse,
)
from opora.diagnostics.services.responses import link_state

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DiagnosticsSummary]:
    """The tiny demo, loaded once for the module and rolled back after it (loading takes ~20 s)."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(size="tiny", seed=1)
        assert loaded.diagnostics is not None
        yield loaded.diagnostics
        transaction.set_rollback(True)


def _campaigns() -> dict[tuple[int, str], Campaign]:
    return {(c.year, c.wave): c for c in Campaign.objects.all()}


def _profile(campaign: Campaign, code: str) -> Profile:
    return Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school__code=code)


def test_the_demo_has_entry_and_exit_surveys_for_two_years_the_latest_exit_still_open(
    demo: DiagnosticsSummary,
) -> None:
    campaigns = _campaigns()
    assert sorted(campaigns) == [(2025, "entry"), (2025, "exit"), (2026, "entry"), (2026, "exit")]
    statuses = {key: c.status for key, c in campaigns.items()}
    assert statuses == {(2025, "entry"): CampaignStatus.CLOSED, (2025, "exit"): CampaignStatus.CLOSED,
                        (2026, "entry"): CampaignStatus.CLOSED, (2026, "exit"): CampaignStatus.OPEN}
    assert demo.campaigns == 4
    assert demo.responses == SurveyResponse.objects.count()
    # Every campaign school has a profile, and every demo school has its planted pattern recorded.
    assert demo.profiles == Profile.objects.count() == sum(c.schools.count() for c in campaigns.values())
    entry = campaigns[(2026, "entry")]
    assert set(demo.planted) >= set(entry.schools.values_list("school__code", flat=True))


def test_the_open_exit_survey_has_about_half_the_answers_and_its_links_accept_more(demo: DiagnosticsSummary) -> None:
    campaigns = _campaigns()
    entry, exit_ = campaigns[(2026, "entry")], campaigns[(2026, "exit")]
    entry_count = SurveyResponse.objects.filter(link__campaign_school__campaign=entry).count()
    exit_count = SurveyResponse.objects.filter(link__campaign_school__campaign=exit_).count()
    assert 0.3 * entry_count < exit_count < 0.7 * entry_count
    links = SurveyLink.objects.filter(campaign_school__campaign=exit_).select_related("campaign_school__campaign")
    assert links and all(link_state(link) is None for link in links)
    closed = SurveyLink.objects.filter(campaign_school__campaign=entry).select_related("campaign_school__campaign")
    assert {link_state(link) for link in closed} == {"closed"}


def test_the_demo_head_and_teacher_answered_the_entry_survey_and_still_have_the_exit_one_to_answer(
    demo: DiagnosticsSummary,
) -> None:
    campaigns = _campaigns()
    signed = SurveyResponse.objects.filter(respondent__isnull=False)
    by_campaign = {(r.link.campaign_school.campaign.year, r.link.campaign_school.campaign.wave, r.link.group,
                    r.respondent.username) for r in signed.select_related("link__campaign_school__campaign",
                                                                            "respondent")}
    assert {(2026, "entry", "head", "head"), (2026, "entry", "teacher", "teacher")} <= by_campaign
    assert not signed.filter(link__campaign_school__campaign=campaigns[(2026, "exit")]).exists()


def test_the_planted_high_factors_come_out_high_in_most_entry_profiles(demo: DiagnosticsSummary) -> None:
    found, planted, others_high, others = 0, 0, 0, 0
    for profile in Profile.objects.filter(campaign_school__campaign__wave="entry").select_related(
            "campaign_school__school"):
        levels = {f.factor: f.level for f in profile.factors.all()}
        high = demo.planted[profile.campaign_school.school.code]
        planted += len(high)
        found += sum(levels[f] == "high" for f in high)
        others += len(levels) - len(high)
        others_high += sum(level == "high" for f, level in levels.items() if f not in high)
    assert planted and found >= 0.8 * planted
    # The factors planted medium or low are rarely computed high: the levels tell factors apart.
    assert others_high <= 0.1 * others


def test_the_exit_survey_shows_the_worked_on_factors_going_down(demo: DiagnosticsSummary) -> None:
    campaigns = _campaigns()
    entry, exit_ = campaigns[(2025, "entry")], campaigns[(2025, "exit")]
    lowered = 0
    for cs in exit_.schools.select_related("school"):
        before = {f.factor: f.score for f in _profile(entry, cs.school.code).factors.all()}
        after = {f.factor: f.score for f in _profile(exit_, cs.school.code).factors.all()}
        worked_on = demo.planted[cs.school.code][:3]
        lowered += sum(after[f] is not None and before[f] is not None and after[f] < before[f] - 0.15
                       for f in worked_on)
    assert lowered >= 2


def test_the_school_with_too_few_parents_is_not_trusted_and_says_why(demo: DiagnosticsSummary) -> None:
    profile = _profile(_campaigns()[(2026, "entry")], demo.few_parents)
    assert not profile.trusted
    assert {"code": "too_few", "group": "parent"}.items() <= next(
        r for r in profile.weak_reasons if r["code"] == "too_few").items()
    others = Profile.objects.filter(campaign_school__campaign=_campaigns()[(2026, "entry")]).exclude(pk=profile.pk)
    assert not any(r["code"] == "too_few" and r["group"] == "parent" for p in others for r in p.weak_reasons)


def test_verified_profiles_keep_the_changed_level_with_its_reason_and_the_selected_factors(
    demo: DiagnosticsSummary,
) -> None:
    verified = list(Profile.objects.filter(status=ProfileStatus.VERIFIED).select_related(
        "verified_by", "campaign_school__campaign"))
    assert len(verified) == demo.verified >= 3
    # The curator verifies at entry, the municipality at exit.
    assert all(p.verified_by.username == {"entry": "curator", "exit": "mun.coord"}[p.campaign_school.campaign.wave]
               for p in verified)
    for profile in verified:
        changed = profile.factors.exclude(verified_level="")
        assert changed.count() == 1
        factor = changed.get()
        assert factor.verified_level != factor.level and factor.final_level == factor.verified_level
        assert factor.verified_reason
        event = profile.events.get(action=ProfileAction.LEVEL_CHANGED)
        assert (event.old_level, event.new_level, event.reason) == (factor.level, factor.verified_level,
                                                                    factor.verified_reason)
    entry_verified = [p for p in verified if p.campaign_school.campaign.wave == "entry"]
    assert entry_verified
    for profile in entry_verified:
        selected = list(profile.factors.filter(selected=True))
        assert 1 <= len(selected) <= 3 and all(f.final_level == "high" for f in selected)
    # The head picked the factors of the head's own school.
    head_selected = {f.selected_by.username for p in entry_verified for f in p.factors.filter(selected=True)
                     .select_related("selected_by")}
    assert "head" in head_selected


def test_the_quality_checks_set_aside_some_demo_answers_without_spoiling_the_profiles(
    demo: DiagnosticsSummary,
) -> None:
    entry = Profile.objects.filter(campaign_school__campaign=_campaigns()[(2026, "entry")])
    too_fast = sum(g.get("too_fast") or 0 for p in entry for g in p.quality.values())
    same_answer = sum(g.get("straightlining") or 0 for p in entry for g in p.quality.values())
    assert too_fast >= 1 and same_answer >= 1
    assert not any(r["code"] == "flagged" for p in entry for r in p.weak_reasons)
