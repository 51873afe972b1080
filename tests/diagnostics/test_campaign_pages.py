"""The campaign pages as each role sees them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.core.models import User
from opora.diagnostics.models import Campaign, CampaignStatus, Profile
from opora.identification.models import ListEntry, RuleSet, Run, YearList
from tests.conftest import Cast
from tests.diagnostics.builders import add_responses, answers_at, link

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(name: str, campaign: Campaign, *args: object) -> str:
    return reverse(f"diagnostics:{name}", args=[campaign.pk, *args])


# --- home -------------------------------------------------------------------------------------


def test_the_home_lists_campaigns_with_answers_and_a_new_button_for_managers(cast, campaign, definition):
    add_responses(link(campaign, cast.s1, "pupil"), answers_at(definition, "pupil", 0.5), 3)
    page = client_for(cast.maria).get(reverse("diagnostics:home")).content.decode()
    assert campaign.title in page and "campaign-new" in page
    assert reverse("diagnostics:heatmap") in page and reverse("diagnostics:instruments") in page
    assert '<td class="num">2</td><td class="num">3</td>' in page  # two schools, three answers


def test_a_curator_sees_the_campaign_with_her_one_school_and_no_new_button(cast, campaign, definition):
    add_responses(link(campaign, cast.s2, "pupil"), answers_at(definition, "pupil", 0.5), 3)
    page = client_for(cast.kate).get(reverse("diagnostics:home")).content.decode()
    assert campaign.title in page and "campaign-new" not in page
    assert '<td class="num">1</td><td class="num">0</td>' in page  # s1 only; s2's answers are not hers


@pytest.mark.parametrize("who", ["tom", "mila"])
def test_teachers_and_methodists_have_no_risk_pages(cast, campaign, who):
    assert client_for(getattr(cast, who)).get(reverse("diagnostics:home")).status_code == 403
    assert client_for(getattr(cast, who)).get(url("campaign", campaign)).status_code == 403


def test_an_observer_of_another_municipality_does_not_see_the_campaign(cast, campaign):
    c = client_for(cast.olga)
    assert campaign.title not in c.get(reverse("diagnostics:home")).content.decode()
    assert c.get(url("campaign", campaign)).status_code == 404


# --- a new campaign ---------------------------------------------------------------------------


def test_the_new_campaign_form_marks_the_schools_of_the_approved_list(cast, version):
    run = Run.objects.create(region=cast.r10, year=2025, rule_set=RuleSet.objects.order_by("pk").first())
    year_list = YearList.objects.create(region=cast.r10, year=2025, run=run)
    ListEntry.objects.create(year_list=year_list, school=cast.s2)
    page = client_for(cast.maria).get(reverse("diagnostics:campaign_new")).content.decode()
    assert cast.s1.name in page and cast.s2.name in page and cast.s3.name not in page
    assert f'value="{cast.s2.pk}" checked' in page and f'value="{cast.s1.pk}" checked' not in page


def test_opening_a_campaign_through_the_form_leads_to_its_links(cast, version):
    c = client_for(cast.maria)
    response = c.post(reverse("diagnostics:campaign_new"), {
        "area": f"m{cast.m1.pk}", "year": 2026, "wave": "entry", "title": "Осень", "version": version.pk,
        "schools": [cast.s1.pk]})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == url("campaign_links", campaign)
    assert campaign.title == "Осень" and campaign.municipality == cast.m1


def test_a_refused_campaign_keeps_what_was_typed(cast, version, campaign):
    response = client_for(cast.maria).post(reverse("diagnostics:campaign_new"), {
        "area": f"m{cast.m1.pk}", "year": 2026, "wave": "entry", "title": "Второй раз", "version": version.pk,
        "schools": [cast.s1.pk]})
    page = response.content.decode()
    assert response.status_code == 200 and Campaign.objects.count() == 1
    assert "1001" in page and "Второй раз" in page and f'value="{cast.s1.pk}" checked' in page


def test_the_regional_admin_may_choose_a_municipality_or_the_whole_region(cast, version):
    page = client_for(cast.alice).get(reverse("diagnostics:campaign_new")).content.decode()
    assert f'value="m{cast.m2.pk}"' in page and f'value="r{cast.r10.pk}"' in page


@pytest.mark.parametrize("who", ["sam", "kate", "oleg", "olga", "tom"])
def test_only_managers_open_the_new_campaign_form(cast, who):
    assert client_for(getattr(cast, who)).get(reverse("diagnostics:campaign_new")).status_code == 403


# --- one campaign -----------------------------------------------------------------------------


def test_the_coordinator_sees_the_rates_and_the_management_buttons(cast, campaign, definition):
    add_responses(link(campaign, cast.s1, "teacher"), answers_at(definition, "teacher", 0.5), 12)
    page = client_for(cast.maria).get(url("campaign", campaign)).content.decode()
    assert "1001" in page and "1002" in page
    assert "<strong class=\"percent\">25%</strong>" in page and 'class="rate low"' in page
    assert url("campaign_close", campaign) in page and url("compute", campaign) in page
    assert url("answers_import", campaign) in page


def test_a_curator_sees_only_her_school_and_no_management(cast, campaign):
    page = client_for(cast.kate).get(url("campaign", campaign)).content.decode()
    assert "1001" in page and cast.s2.name not in page
    assert url("campaign_close", campaign) not in page and url("compute", campaign) not in page


def test_a_computed_profile_is_linked_from_the_rates(cast, campaign, version):
    cs = campaign.schools.get(school=cast.s1)
    profile = Profile.objects.create(campaign_school=cs, version=version)
    page = client_for(cast.sam).get(url("campaign", campaign)).content.decode()
    assert reverse("diagnostics:profile", args=[profile.pk]) in page


def test_closing_and_reopening_through_the_page(cast, campaign):
    c = client_for(cast.maria)
    assert c.post(url("campaign_close", campaign)).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert "campaign-reopen" in c.get(url("campaign", campaign)).content.decode()
    c.post(url("campaign_reopen", campaign))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_a_school_head_may_not_close_the_campaign(cast, campaign):
    assert client_for(cast.sam).post(url("campaign_close", campaign)).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


# --- links ------------------------------------------------------------------------------------


def test_the_coordinator_sees_every_schools_absolute_links_and_can_edit_them(cast, campaign):
    page = client_for(cast.maria).get(url("campaign_links", campaign)).content.decode()
    for school in (cast.s1, cast.s2):
        assert f"http://testserver/s/{link(campaign, school, 'pupil').token}/" in page
    assert "link-edit" in page


def test_a_head_sees_only_his_schools_links_and_cannot_edit(cast, campaign):
    response = client_for(cast.sam).get(url("campaign_links", campaign))
    page = response.content.decode()
    assert response.status_code == 200
    assert link(campaign, cast.s1, "teacher").token in page
    assert link(campaign, cast.s2, "teacher").token not in page
    assert 'class="link-edit"' not in page


@pytest.mark.parametrize("who", ["kate", "oleg"])
def test_others_who_see_the_campaign_do_not_get_the_links(cast, campaign, who):
    assert client_for(getattr(cast, who)).get(url("campaign_links", campaign)).status_code == 403


def test_a_manager_edits_a_links_limit(cast, campaign):
    survey_link = link(campaign, cast.s2, "parent")
    response = client_for(cast.maria).post(url("link_edit", campaign, survey_link.pk),
                                           {"max_responses": 40, "is_active": ""})
    survey_link.refresh_from_db()
    assert response.status_code == 302 and survey_link.max_responses == 40 and not survey_link.is_active


def test_a_head_cannot_edit_a_link(cast, campaign):
    survey_link = link(campaign, cast.s1, "parent")
    response = client_for(cast.sam).post(url("link_edit", campaign, survey_link.pk),
                                         {"max_responses": 1, "is_active": "on"})
    survey_link.refresh_from_db()
    assert response.status_code == 403 and survey_link.max_responses == 1000


def test_vera_heads_another_school_and_does_not_see_the_campaign(cast: Cast, campaign):
    assert client_for(cast.vera).get(url("campaign_links", campaign)).status_code == 404


def test_the_links_page_is_offered_to_the_head_but_not_to_the_curator(cast, campaign):
    assert url("campaign_links", campaign) in client_for(cast.sam).get(url("campaign", campaign)).content.decode()
    assert url("campaign_links", campaign) not in client_for(cast.kate).get(url("campaign", campaign)).content.decode()
