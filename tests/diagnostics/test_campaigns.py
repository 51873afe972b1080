"""Opening, closing and reopening survey campaigns, link limits and response rates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from opora.core.errors import AccessDenied, ValidationFailed
from opora.diagnostics.models import Campaign, CampaignStatus, Instrument, InstrumentVersion, ResponseStatus
from opora.diagnostics.selectors import campaign_schools_for
from opora.diagnostics.services.campaigns import (
    campaign_close,
    campaign_open,
    campaign_reopen,
    link_update,
    rates_totals,
    response_rates,
)
from tests.conftest import Cast
from tests.diagnostics.builders import add_response, add_responses, answers_at, link, make_campaign

pytestmark = pytest.mark.django_db


def open_in_m1(cast: Cast, actor, version: InstrumentVersion, **kwargs) -> Campaign:  # type: ignore[no-untyped-def]
    params = {"year": 2026, "wave": "entry", "title": "Весна", "version": version,
              "schools": [cast.s1, cast.s2], "municipality": cast.m1, **kwargs}
    return campaign_open(actor=actor, **params)


def test_the_municipal_coordinator_opens_a_campaign_with_a_link_per_group_for_each_school(cast, version):
    campaign = open_in_m1(cast, cast.maria, version)
    assert campaign.status == CampaignStatus.OPEN and campaign.region == cast.r10
    assert sorted(cs.school.code for cs in campaign.schools.all()) == ["1001", "1002"]
    groups = sorted(link(campaign, cast.s1, g).group for g in ("head", "teacher", "pupil", "parent"))
    assert groups == ["head", "parent", "pupil", "teacher"]
    tokens = {link(campaign, s, g).token for s in (cast.s1, cast.s2) for g in groups}
    assert len(tokens) == 8 and all(len(t) >= 16 for t in tokens)


def test_link_limits_follow_the_expected_respondents_with_room_to_spare(cast, version):
    campaign = campaign_open(actor=cast.alice, year=2026, wave="entry", title="t", version=version,
                             schools=[cast.s1, cast.s3], region=cast.r10)
    # s1: one head, 48 teachers in the 2025 passport, 640 pupils (half of them asked, 0.8 for parents).
    assert link(campaign, cast.s1, "head").max_responses == 7
    assert link(campaign, cast.s1, "teacher").max_responses == 77
    assert link(campaign, cast.s1, "pupil").max_responses == 485
    assert link(campaign, cast.s1, "parent").max_responses == 773
    # s3 has no social passport: the teachers are unknown.
    assert link(campaign, cast.s3, "teacher").max_responses == 2000


def test_the_regional_admin_opens_a_region_wide_campaign_across_municipalities(cast, version):
    campaign = campaign_open(actor=cast.alice, year=2026, wave="exit", title="t", version=version,
                             schools=[cast.s1, cast.s3], region=cast.r10)
    assert campaign.municipality is None and campaign.schools.count() == 2


def test_the_regional_coordinator_opens_a_campaign_in_a_municipality(cast, version):
    assert open_in_m1(cast, cast.rita, version).created_by == cast.rita


@pytest.mark.parametrize("who", ["oleg", "kate", "sam", "tom", "mila", "olga", "vera", "zoe", "nobody"])
def test_others_may_not_open_a_campaign_in_m1(cast, version, who):
    with pytest.raises(AccessDenied):
        open_in_m1(cast, getattr(cast, who), version)
    assert not Campaign.objects.exists()


def test_the_municipal_coordinator_may_not_open_a_campaign_in_another_municipality(cast, version):
    with pytest.raises(AccessDenied):
        campaign_open(actor=cast.maria, year=2026, wave="entry", title="t", version=version,
                      schools=[cast.s3], municipality=cast.m2)


def test_the_municipal_coordinator_may_not_add_a_school_of_another_municipality(cast, version):
    with pytest.raises(ValidationFailed, match="1003"):
        open_in_m1(cast, cast.maria, version, schools=[cast.s1, cast.s3])


def test_the_municipal_coordinator_may_not_open_a_region_wide_campaign(cast, version):
    with pytest.raises(AccessDenied):
        campaign_open(actor=cast.maria, year=2026, wave="entry", title="t", version=version,
                      schools=[cast.s1], region=cast.r10)


def test_a_campaign_needs_at_least_one_school(cast, version):
    with pytest.raises(ValidationFailed, match="хотя бы одну школу"):
        open_in_m1(cast, cast.maria, version, schools=[])


def test_a_school_cannot_be_in_two_open_campaigns_of_the_same_year_and_wave(cast, version):
    open_in_m1(cast, cast.maria, version, schools=[cast.s1])
    with pytest.raises(ValidationFailed, match="1001") as error:
        open_in_m1(cast, cast.alice, version, schools=[cast.s1, cast.s2])
    assert "1002" not in str(error.value)
    assert Campaign.objects.count() == 1
    # Another wave, or another year, is a different campaign.
    open_in_m1(cast, cast.maria, version, schools=[cast.s1], wave="exit")
    open_in_m1(cast, cast.maria, version, schools=[cast.s1], year=2027)


def test_a_closed_campaign_does_not_block_a_new_one(cast, version):
    first = open_in_m1(cast, cast.maria, version)
    campaign_close(actor=cast.maria, campaign=first)
    assert open_in_m1(cast, cast.maria, version).pk != first.pk


def test_questionnaires_of_another_region_cannot_be_used(cast, version):
    own = Instrument.objects.create(code="own-r20", name="Свои", region=cast.r20)
    other = InstrumentVersion.objects.create(instrument=own, number=1, definition=version.definition)
    with pytest.raises(ValidationFailed, match="другому региону"):
        open_in_m1(cast, cast.maria, other)


def test_a_closing_date_in_the_past_is_refused(cast, version):
    with pytest.raises(ValidationFailed, match="уже прошла"):
        open_in_m1(cast, cast.maria, version, closes_on=timezone.localdate() - timedelta(days=1))


def test_closing_and_reopening_record_who_and_when(cast, campaign):
    closed = campaign_close(actor=cast.maria, campaign=campaign)
    assert closed.status == CampaignStatus.CLOSED and closed.closed_by == cast.maria and closed.closed_at
    with pytest.raises(ValidationFailed):
        campaign_close(actor=cast.maria, campaign=closed)
    reopened = campaign_reopen(actor=cast.alice, campaign=closed)
    assert reopened.status == CampaignStatus.OPEN and reopened.closed_at is None


@pytest.mark.parametrize("who", ["oleg", "kate", "sam", "tom", "olga", "zoe"])
def test_only_managers_close_a_campaign(cast, campaign, who):
    with pytest.raises(AccessDenied):
        campaign_close(actor=getattr(cast, who), campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_reopening_is_refused_when_a_school_joined_another_open_campaign(cast, campaign, version):
    campaign_close(actor=cast.maria, campaign=campaign)
    open_in_m1(cast, cast.maria, version, schools=[cast.s2])
    with pytest.raises(ValidationFailed, match="1002"):
        campaign_reopen(actor=cast.maria, campaign=campaign)


def test_a_manager_changes_a_links_limit_and_switches_it_off(cast, campaign):
    survey_link = link(campaign, cast.s1, "pupil")
    link_update(actor=cast.maria, link=survey_link, max_responses=50, is_active=False)
    survey_link.refresh_from_db()
    assert (survey_link.max_responses, survey_link.is_active) == (50, False)
    with pytest.raises(ValidationFailed):
        link_update(actor=cast.maria, link=survey_link, max_responses=0, is_active=True)
    with pytest.raises(AccessDenied):
        link_update(actor=cast.sam, link=survey_link, max_responses=10, is_active=True)


def test_response_rates_count_submitted_and_unfinished_answers_against_the_expected(cast, campaign, definition):
    add_responses(link(campaign, cast.s1, "teacher"), answers_at(definition, "teacher", 0.5), 12)
    add_response(link(campaign, cast.s1, "teacher"), {}, status=ResponseStatus.IN_PROGRESS)
    add_response(link(campaign, cast.s1, "head"), answers_at(definition, "head", 0.5), respondent=cast.sam)
    add_responses(link(campaign, cast.s2, "pupil"), answers_at(definition, "pupil", 0.5), 5)
    rows = response_rates(campaign, campaign_schools_for(cast.maria, campaign))
    s1, s2 = rows
    teacher = next(g for g in s1.groups if g.group == "teacher")
    assert (teacher.submitted, teacher.in_progress, teacher.expected) == (12, 1, 48)
    assert teacher.percent == 25 and teacher.low  # below the teachers' 50 %
    head = next(g for g in s1.groups if g.group == "head")
    assert (head.submitted, head.percent, head.low) == (1, 100, False)
    pupil = next(g for g in s2.groups if g.group == "pupil")
    assert (pupil.submitted, pupil.expected, pupil.percent) == (5, 44, 11)
    totals = {t.group: t for t in rates_totals(rows)}
    assert (totals["teacher"].submitted, totals["teacher"].expected, totals["teacher"].percent) == (12, 59, 20)


def test_a_school_without_a_passport_has_no_teacher_rate(cast, version, definition):
    campaign = make_campaign(municipality=cast.m2, schools=[cast.s3], version=version)
    add_responses(link(campaign, cast.s3, "teacher"), answers_at(definition, "teacher", 0.5), 4)
    (row,) = response_rates(campaign, campaign.schools.all())
    teacher = next(g for g in row.groups if g.group == "teacher")
    assert teacher.expected is None and teacher.percent is None and not teacher.low


def test_the_rates_take_a_fixed_number_of_queries(cast, campaign, definition, django_assert_max_num_queries):
    add_responses(link(campaign, cast.s1, "pupil"), answers_at(definition, "pupil", 0.5), 3)
    schools = list(campaign_schools_for(cast.maria, campaign))
    with django_assert_max_num_queries(4):
        rows = response_rates(campaign, schools)
    assert sum(g.submitted for r in rows for g in r.groups) == 3
