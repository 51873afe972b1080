"""Verifying a profile (curator, municipal coordinator) and selecting the factors to work on
(school head, curator): who may, what is required, what is recorded."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from opora.core.errors import AccessDenied, ValidationFailed
from opora.diagnostics.computation import profiles_compute
from opora.diagnostics.models import Campaign, Profile, ProfileAction, ProfileStatus
from opora.diagnostics.services.profiles import factor_level_set, factors_select, profile_confirm
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign

REFUSED_TO_VERIFY = ["alice", "rita", "oleg", "sam", "tom", "mila", "olga", "vera", "zoe", "nobody"]
REFUSED_TO_SELECT = ["alice", "rita", "maria", "oleg", "tom", "mila", "olga", "vera", "zoe", "nobody"]


@pytest.fixture
def profile(campaign: Campaign) -> Profile:
    """s1's computed profile (no answers: the factors have no data, which verification allows)."""
    profiles_compute(campaign=campaign)
    return Profile.objects.get(campaign_school__campaign=campaign, campaign_school__school__code="1001")


@pytest.fixture
def verified(profile: Profile, cast: Cast) -> Profile:
    return profile_confirm(actor=cast.kate, profile=profile)


@pytest.mark.parametrize("who", ["kate", "maria"])
def test_the_curator_and_the_municipal_coordinator_verify_the_profile(who: str, cast: Cast, profile: Profile) -> None:
    profile_confirm(actor=getattr(cast, who), profile=profile)
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.VERIFIED
    assert profile.verified_by == getattr(cast, who) and profile.verified_at is not None
    assert profile.events.filter(action=ProfileAction.CONFIRMED, actor=getattr(cast, who)).exists()


@pytest.mark.parametrize("who", REFUSED_TO_VERIFY)
def test_nobody_else_verifies_or_changes_a_level(who: str, cast: Cast, profile: Profile) -> None:
    with pytest.raises(AccessDenied):
        profile_confirm(actor=getattr(cast, who), profile=profile)
    with pytest.raises(AccessDenied):
        factor_level_set(actor=getattr(cast, who), profile=profile, factor="motivation", level="low", reason="так")
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.COMPUTED
    assert not profile.factors.exclude(verified_level="").exists()


def test_a_curator_of_other_schools_cannot_verify(cast: Cast, version) -> None:
    other = make_campaign(municipality=cast.m1, schools=[cast.s2], version=version)
    profiles_compute(campaign=other)
    with pytest.raises(AccessDenied):
        profile_confirm(actor=cast.kate, profile=Profile.objects.get(campaign_school__campaign=other))


def test_changing_a_level_keeps_the_computed_one_and_records_old_and_new(cast: Cast, profile: Profile) -> None:
    row = factor_level_set(actor=cast.maria, profile=profile, factor="motivation", level="high",
                           reason="Учителя жалуются на мотивацию")
    assert row.level == "" and row.verified_level == "high" and row.final_level == "high"
    assert row.verified_by == cast.maria
    event = profile.events.get(action=ProfileAction.LEVEL_CHANGED)
    assert (event.factor, event.old_level, event.new_level, event.reason, event.actor) == (
        "motivation", "", "high", "Учителя жалуются на мотивацию", cast.maria)
    factor_level_set(actor=cast.kate, profile=profile, factor="motivation", level="medium", reason="Уточнили")
    latest = profile.events.filter(action=ProfileAction.LEVEL_CHANGED).first()
    assert (latest.old_level, latest.new_level) == ("high", "medium")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_level_change_needs_a_reason(reason: str, cast: Cast, profile: Profile) -> None:
    with translation.override("ru"), pytest.raises(ValidationFailed) as error:
        factor_level_set(actor=cast.kate, profile=profile, factor="motivation", level="high", reason=reason)
    assert "причин" in " ".join(error.value.messages).lower() or "почему" in " ".join(error.value.messages).lower()
    assert not profile.factors.exclude(verified_level="").exists()


def test_a_level_must_be_high_medium_or_low(cast: Cast, profile: Profile) -> None:
    with pytest.raises(ValidationFailed):
        factor_level_set(actor=cast.kate, profile=profile, factor="motivation", level="extreme", reason="так")
    with pytest.raises(ValidationFailed):
        factor_level_set(actor=cast.kate, profile=profile, factor="no-such-factor", level="high", reason="так")


def test_the_head_cannot_select_before_the_profile_is_verified(cast: Cast, profile: Profile) -> None:
    with translation.override("ru"), pytest.raises(ValidationFailed) as error:
        factors_select(actor=cast.sam, profile=profile, factors=["motivation"])
    assert "провер" in error.value.messages[0]
    assert not profile.factors.filter(selected=True).exists()


@pytest.mark.parametrize("who", ["sam", "kate"])
def test_the_head_and_the_curator_select_factors_after_verification(who: str, cast: Cast, verified: Profile) -> None:
    chosen = factors_select(actor=getattr(cast, who), profile=verified, factors=["motivation", "equipment"])
    assert set(chosen) == {"motivation", "equipment"}
    assert set(verified.factors.filter(selected=True).values_list("factor", flat=True)) == {"motivation", "equipment"}
    assert verified.events.filter(action=ProfileAction.SELECTED).count() == 2


def test_selecting_again_replaces_the_choice_and_records_what_was_dropped(cast: Cast, verified: Profile) -> None:
    factors_select(actor=cast.sam, profile=verified, factors=["motivation", "equipment"])
    factors_select(actor=cast.sam, profile=verified, factors=["motivation", "discipline"])
    assert set(verified.factors.filter(selected=True).values_list("factor", flat=True)) == {"motivation", "discipline"}
    dropped = verified.events.get(action=ProfileAction.UNSELECTED)
    assert dropped.factor == "equipment" and dropped.actor == cast.sam


def test_the_head_cannot_select_more_than_the_limit(cast: Cast, verified: Profile) -> None:
    with translation.override("ru"), pytest.raises(ValidationFailed) as error:
        factors_select(actor=cast.sam, profile=verified,
                       factors=["motivation", "equipment", "discipline", "environment"])
    assert "3" in error.value.messages[0]
    assert not verified.factors.filter(selected=True).exists()


@override_settings(RISK_FACTORS_MAX=1)
def test_the_limit_comes_from_the_settings(cast: Cast, verified: Profile) -> None:
    with pytest.raises(ValidationFailed):
        factors_select(actor=cast.sam, profile=verified, factors=["motivation", "equipment"])


@pytest.mark.parametrize("who", REFUSED_TO_SELECT)
def test_nobody_else_selects(who: str, cast: Cast, verified: Profile) -> None:
    with pytest.raises(AccessDenied):
        factors_select(actor=getattr(cast, who), profile=verified, factors=["motivation"])


def test_refusals_are_in_russian(cast: Cast, profile: Profile) -> None:
    with translation.override("ru"), pytest.raises(AccessDenied) as error:
        profile_confirm(actor=cast.sam, profile=profile)
    assert "проф" in str(error.value).lower()
