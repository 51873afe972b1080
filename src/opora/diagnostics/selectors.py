"""Scoped reads of risk profiles and surveys, for pages, the API and tasks.

A campaign is visible to a user who holds `Perm.VIEW_RISK_PROFILES` for at least one of its
schools, and only those schools' rows are shown; a curator sees the listed schools, a municipal
user the municipality's, a school its own. Campaigns are managed by holders of
`Perm.MANAGE_CAMPAIGNS` for the campaign's municipality (or region, for a regional campaign).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import School, User
from opora.diagnostics.models import Campaign, CampaignSchool, Profile

UserLike = User | AnonymousUser


def visible_schools(user: UserLike) -> QuerySet[School]:
    return access.schools_for(user, Perm.VIEW_RISK_PROFILES)


def campaigns_for(user: UserLike) -> QuerySet[Campaign]:
    """Campaigns with at least one school the user sees, newest first."""
    ids = CampaignSchool.objects.filter(school__in=visible_schools(user)).values("campaign_id")
    return (Campaign.objects.filter(pk__in=ids).select_related("region", "municipality", "version__instrument")
            .order_by("-year", "-created_at"))


def campaign_get(user: UserLike, pk: int) -> Campaign:
    campaign = campaigns_for(user).filter(pk=pk).first()
    if campaign is None:
        raise AccessDenied()
    return campaign


def may_manage_campaign(user: UserLike, campaign: Campaign) -> bool:
    if campaign.municipality_id and (municipality := campaign.municipality) is not None:
        return access.can_on_municipality(user, Perm.MANAGE_CAMPAIGNS, municipality)
    return access.can_on_region(user, Perm.MANAGE_CAMPAIGNS, campaign.region)


def campaign_schools_for(user: UserLike, campaign: Campaign) -> QuerySet[CampaignSchool]:
    """The campaign's schools the user sees (with the school and its municipality)."""
    return (campaign.schools.filter(school__in=visible_schools(user))
            .select_related("school__municipality").order_by("school__code"))


def profiles_for(user: UserLike, *, year: int | None = None, wave: str | None = None) -> QuerySet[Profile]:
    """Profiles of the schools the user sees (newest campaign first)."""
    qs = Profile.objects.filter(campaign_school__school__in=visible_schools(user)).select_related(
        "campaign_school__school__municipality", "campaign_school__campaign", "version")
    if year is not None:
        qs = qs.filter(campaign_school__campaign__year=year)
    if wave:
        qs = qs.filter(campaign_school__campaign__wave=wave)
    return qs.order_by("-campaign_school__campaign__year", "campaign_school__school__code",
                       "-campaign_school__campaign__created_at")


def profile_get(user: UserLike, pk: int) -> Profile:
    profile = profiles_for(user).filter(pk=pk).first()
    if profile is None:
        raise AccessDenied()
    return profile


def may_verify(user: UserLike, profile: Profile) -> bool:
    return access.can_on_school(user, Perm.VERIFY_RISK_PROFILES, profile.campaign_school.school)


def may_select(user: UserLike, profile: Profile) -> bool:
    return access.can_on_school(user, Perm.SELECT_RISK_FACTORS, profile.campaign_school.school)


def paired_profile(profile: Profile) -> Profile | None:
    """The same school's profile of the other wave in the same year (entry ↔ exit), newest."""
    campaign = profile.campaign_school.campaign
    other = "exit" if campaign.wave == "entry" else "entry"
    return (Profile.objects.filter(campaign_school__school_id=profile.campaign_school.school_id,
                                   campaign_school__campaign__year=campaign.year,
                                   campaign_school__campaign__wave=other)
            .select_related("campaign_school__campaign").order_by("-campaign_school__campaign__created_at").first())
