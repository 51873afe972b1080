"""Survey campaigns: opening one for chosen schools (a link per respondent group each), closing and
reopening it, editing a link's limit, undoing an answers import, and the response rates."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Municipality, Region, School, User
from opora.core.years import is_valid_year, year_range_error
from opora.diagnostics.expected import expected_counts
from opora.diagnostics.models import (
    Campaign,
    CampaignSchool,
    CampaignStatus,
    InstrumentVersion,
    Profile,
    ResponseSource,
    ResponseStatus,
    SurveyLink,
    SurveyResponse,
    Wave,
)
from opora.diagnostics.selectors import may_manage_campaign
from opora.jobs.models import Job

UNKNOWN_LIMIT = 2000  # link limit when the school's size is unknown
MAX_LIMIT = 100_000
IMPORT_JOB_KIND = "import_answers"


def link_limit(expected: float | None) -> int:
    """Room for everyone expected plus a half, and a few more for a small group."""
    return UNKNOWN_LIMIT if expected is None else math.ceil(expected * 1.5) + 5


def _school_names(schools: Iterable[School]) -> str:
    return ", ".join(f"{s.code} {s.name}" for s in sorted(schools, key=lambda s: s.code))


def _conflicts(schools: Iterable[School], year: int, wave: str, exclude: Campaign | None = None) -> list[School]:
    """Schools already in another open campaign of the same year and wave."""
    busy = CampaignSchool.objects.filter(school__in=list(schools), campaign__status=CampaignStatus.OPEN,
                                         campaign__year=year, campaign__wave=wave)
    if exclude is not None:
        busy = busy.exclude(campaign=exclude)
    return [cs.school for cs in busy.select_related("school")]


def _check_conflicts(schools: Iterable[School], year: int, wave: str, exclude: Campaign | None = None) -> None:
    busy = _conflicts(schools, year, wave, exclude)
    if busy:
        raise ValidationFailed(
            _("These schools are already in another open campaign of the same year and wave: %(schools)s.")
            % {"schools": _school_names(busy)})


@transaction.atomic
def campaign_open(*, actor: User, year: int, wave: str, title: str, version: InstrumentVersion,
                  schools: Iterable[School], municipality: Municipality | None = None,
                  region: Region | None = None, closes_on: date | None = None) -> Campaign:
    """Open a campaign in a municipality (or region-wide) with a link per group for every school."""
    schools = list({s.pk: s for s in schools}.values())
    if municipality is not None:
        region = municipality.region
        if not access.can_on_municipality(actor, Perm.MANAGE_CAMPAIGNS, municipality):
            raise AccessDenied(_("You may not open survey campaigns in this municipality."))
        outside = [s for s in schools if s.municipality_id != municipality.pk]
    elif region is not None:
        if not access.can_on_region(actor, Perm.MANAGE_CAMPAIGNS, region):
            raise AccessDenied(_("You may not open region-wide survey campaigns."))
        outside = [s for s in schools if s.municipality.region_id != region.pk]
    else:
        raise ValidationFailed(_("Choose the municipality or the region of the campaign."))
    problems: list[str] = []
    if outside:
        problems.append(_("These schools are outside the campaign's territory: %(schools)s.")
                        % {"schools": _school_names(outside)})
    if not schools:
        problems.append(_("Choose at least one school."))
    if wave not in Wave.values:
        problems.append(_("Unknown wave."))
    if not is_valid_year(year):
        problems.append(year_range_error())
    if not title.strip():
        problems.append(_("Give the campaign a title."))
    if version.instrument.region_id is not None and version.instrument.region_id != region.pk:
        problems.append(_("These questionnaires belong to another region."))
    if closes_on is not None and closes_on < timezone.localdate():
        problems.append(_("The closing date is in the past."))
    if problems:
        raise ValidationFailed(problems)
    _check_conflicts(schools, year, wave)
    campaign = Campaign.objects.create(region=region, municipality=municipality, year=year, wave=wave,
                                       title=title.strip()[:255], version=version, closes_on=closes_on,
                                       created_by=actor)
    definition = version.parsed()
    expected = expected_counts(schools, year, definition)
    links = []
    for school in sorted(schools, key=lambda s: s.code):
        cs = CampaignSchool.objects.create(campaign=campaign, school=school)
        links += [SurveyLink(campaign_school=cs, group=group, token=secrets.token_urlsafe(12),
                             max_responses=link_limit(expected.get((school.pk, group))))
                  for group in definition.groups_used()]
    SurveyLink.objects.bulk_create(links)
    return campaign


def _require_manager(actor: User, campaign: Campaign) -> None:
    if not may_manage_campaign(actor, campaign):
        raise AccessDenied(_("You may not manage this campaign."))


@transaction.atomic
def campaign_close(*, actor: User, campaign: Campaign) -> Campaign:
    """Stop accepting answers (the links stop working; profiles can be computed)."""
    _require_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationFailed(_("The campaign is already closed."))
    campaign.status, campaign.closed_at, campaign.closed_by = CampaignStatus.CLOSED, timezone.now(), actor
    campaign.save(update_fields=["status", "closed_at", "closed_by"])
    return campaign


@transaction.atomic
def campaign_reopen(*, actor: User, campaign: Campaign) -> Campaign:
    """Accept answers again, unless a school has meanwhile joined another open campaign."""
    _require_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.OPEN:
        raise ValidationFailed(_("The campaign is already open."))
    schools = School.objects.filter(survey_campaigns__campaign=campaign)
    _check_conflicts(schools, campaign.year, campaign.wave, exclude=campaign)
    if campaign.closes_on is not None and campaign.closes_on < timezone.localdate():
        campaign.closes_on = None  # otherwise the links would stay expired
    campaign.status, campaign.closed_at, campaign.closed_by = CampaignStatus.OPEN, None, None
    campaign.save(update_fields=["status", "closed_at", "closed_by", "closes_on"])
    return campaign


@transaction.atomic
def link_update(*, actor: User, link: SurveyLink, max_responses: int, is_active: bool) -> SurveyLink:
    _require_manager(actor, link.campaign_school.campaign)
    if not 1 <= max_responses <= MAX_LIMIT:
        raise ValidationFailed(_("The response limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT})
    link.max_responses, link.is_active = max_responses, is_active
    link.save(update_fields=["max_responses", "is_active"])
    return link


@transaction.atomic
def answers_import_undo(*, actor: User, campaign: Campaign, job: Job) -> int:
    """Delete the responses an import job created (only while the campaign is open)."""
    _require_manager(actor, campaign)
    if job.kind != IMPORT_JOB_KIND or job.params.get("campaign") != campaign.pk:
        raise ValidationFailed(_("This import does not belong to the campaign."))
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationFailed(_("The campaign is closed: reopen it to undo an import."))
    deleted, _detail = SurveyResponse.objects.filter(
        import_job=job, source=ResponseSource.IMPORT, link__campaign_school__campaign=campaign).delete()
    job.result = {**job.result, "undone": True, "undone_count": deleted}
    job.save(update_fields=["result"])
    return deleted


# --- response rates -----------------------------------------------------------------------------


@dataclass
class GroupRate:
    group: str
    submitted: int = 0
    in_progress: int = 0
    expected: float | None = None
    min_rate: float = 0.0
    link: SurveyLink | None = None
    rated: int | None = None  # answers set against `expected` when not all (totals: schools of known size)

    @property
    def rate(self) -> float | None:
        answers = self.submitted if self.rated is None else self.rated
        return None if not self.expected else answers / self.expected

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def bar(self) -> int:
        """The bar's width in % (capped: more answers than expected fill it)."""
        return min(100, self.percent or 0)

    @property
    def low(self) -> bool:
        return self.rate is not None and self.rate < self.min_rate


@dataclass
class SchoolRates:
    campaign_school: CampaignSchool
    groups: list[GroupRate] = field(default_factory=list)
    profile_id: int | None = None

    @property
    def school(self) -> School:
        return self.campaign_school.school


def response_rates(campaign: Campaign, schools: Iterable[CampaignSchool]) -> list[SchoolRates]:
    """Per school (of `schools`, the campaign's schools a user sees) and group: submitted and
    unfinished answers, the expected respondents and the rate. Three queries whatever the size."""
    schools = list(schools)
    definition = campaign.version.parsed()
    groups = definition.groups_used()
    links = (SurveyLink.objects.filter(campaign_school__in=schools)
             .annotate(submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED)),
                       in_progress=Count("responses", filter=Q(responses__status=ResponseStatus.IN_PROGRESS))))
    by_key = {(link.campaign_school_id, link.group): link for link in links}
    expected = expected_counts([cs.school for cs in schools], campaign.year, definition)
    profiles = dict(Profile.objects.filter(campaign_school__in=schools).values_list("campaign_school_id", "pk"))
    out = []
    for cs in schools:
        row = SchoolRates(campaign_school=cs, profile_id=profiles.get(cs.pk))
        for group in groups:
            link = by_key.get((cs.pk, group))
            row.groups.append(GroupRate(
                group=group, submitted=getattr(link, "submitted", 0), in_progress=getattr(link, "in_progress", 0),
                expected=expected.get((cs.school_id, group)), min_rate=definition.group_rule(group).min_rate,
                link=link))
        out.append(row)
    return out


def rates_totals(rows: list[SchoolRates]) -> list[GroupRate]:
    """Per group over the rows: answers summed; the rate over the schools whose size is known."""
    if not rows:
        return []
    totals = []
    for i, first in enumerate(rows[0].groups):
        cells = [r.groups[i] for r in rows]
        known = [c for c in cells if c.expected is not None]
        total = GroupRate(group=first.group, submitted=sum(c.submitted for c in cells),
                          in_progress=sum(c.in_progress for c in cells), min_rate=first.min_rate)
        if known:
            # The rate compares like with like: answers of the schools whose expected count is known.
            total.expected = sum(c.expected or 0 for c in known)
            total.rated = sum(c.submitted for c in known)
        totals.append(total)
    return totals
