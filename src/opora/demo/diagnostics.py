"""Risk profiles in the demo: survey campaigns in the demo municipality with answers, computed
profiles and a few verified ones, so every page of «Риски» shows something real.

- The schools of the latest approved list (plus the curated schools, the head's among them): the
  entry survey of the next year, closed, and its exit survey left open with about half the answers
  in (the rates show a campaign in progress; the demo head and teacher have not answered yet).
- The schools of the previous year's list: the entry and the exit survey of the latest results
  year, both closed, so entry against exit shows the levels going down where the school worked.
Every school gets a planted risk pattern (a few factors high); the summary says which, and the
computed profiles find them. One school has too few parents' answers, and its profile says so.
Campaigns, links, closing, profiles, verification and selection go through the services; only
the answers are written directly (in bulk: they are what respondents would have submitted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.models import Municipality, RoleAssignment, School, User
from opora.demo.diagnostics_answers import Answer, Pattern, group_answers, pattern_plant, rng_for
from opora.diagnostics.computation import profiles_compute
from opora.diagnostics.expected import expected_counts
from opora.diagnostics.models import (
    Campaign,
    InstrumentVersion,
    Profile,
    ResponseSource,
    ResponseStatus,
    SurveyLink,
    SurveyResponse,
    Wave,
)
from opora.diagnostics.services.campaigns import campaign_close, campaign_open
from opora.diagnostics.services.instruments import SHIPPED_CODE
from opora.diagnostics.services.profiles import factor_level_set, factors_select, profile_confirm
from opora.identification.models import YearList
from opora.results.models import ResultPart

# Share of the expected respondents who answered (the shipped rules want ≥ 30% of the pupils
# expected and ≥ 20% of the parents: the demo schools mostly pass, so the one that does not stands out).
RATES = {"teacher": (0.6, 0.85), "pupil": (0.36, 0.5), "parent": (0.24, 0.34)}
OPEN_SHARE = (0.35, 0.65)  # of those, already in for the campaign still open
FEW_PARENTS = 6  # the school whose parents hardly answered (the rules want at least 10)
STRAIGHTLINER_FROM = 120  # enrolment: a larger school has one pupil who gave the same answer throughout
FACTORS_TO_SELECT = 3


@dataclass
class DiagnosticsSummary:
    campaigns: int = 0
    responses: int = 0
    profiles: int = 0
    verified: int = 0
    # School code → the factors planted high in its entry survey (the exit survey improves them).
    planted: dict[str, list[str]] = field(default_factory=dict)
    few_parents: str = ""  # the school with too few parents' answers


@dataclass(frozen=True)
class _Cast:
    coordinator: User
    municipality: Municipality
    curator: User | None
    head: User | None
    teacher: User | None
    curated: list[School]


def _holder(username: str, role: str) -> tuple[User | None, RoleAssignment | None]:
    assignment = (RoleAssignment.objects.filter(user__username=username, role=role)
                  .select_related("user", "municipality", "school").first())
    return (assignment.user, assignment) if assignment else (None, None)


def _listed(region_id: int, year: int, municipality_id: int) -> list[School]:
    year_list = YearList.objects.filter(region_id=region_id, year=year).first()
    if year_list is None:
        return []
    return list(School.objects.filter(list_entries__year_list=year_list, municipality_id=municipality_id)
                .order_by("code"))


def _counts(school: School, expected: dict[tuple[int, str], float | None], rng: np.random.Generator, *,
            share: float = 1.0) -> dict[str, int]:
    """Respondents per group in line with the school's size (a small school: nearly everyone)."""
    counts = {"head": 1}
    for group, (low, high) in RATES.items():
        base = expected.get((school.pk, group))
        if base is None:  # size unknown: a plausible handful
            base = 20.0 if group == "teacher" else max(school.enrolment or 60, 60) * 0.5
        wanted = round(base * float(rng.uniform(low, high)))
        floor = 3 if group == "teacher" else 13
        counts[group] = max(wanted, min(int(base), floor))
    return {g: max(0, round(n * share)) if g != "head" else n for g, n in counts.items()}


class _Loader:
    def __init__(self, *, seed: int, version: InstrumentVersion, cast: _Cast) -> None:
        self.seed = seed
        self.version = version
        self.definition = version.parsed()
        self.factors = [f.code for f in self.definition.factors]
        self.cast = cast
        self.summary = DiagnosticsSummary()
        # Parents alone measure a factor only partly; a school whose parents hardly answer keeps
        # its planted high factors where the other groups can still see them.
        self.parent_only = frozenset(
            f for f in self.factors
            if {self.definition.question(i.question).group for i in self.definition.indicators_for(f)} == {"parent"})

    def pattern(self, school: School) -> Pattern:
        avoid = self.parent_only if school.code == self.summary.few_parents else frozenset()
        return pattern_plant(rng_for(self.seed, "pattern", school.code), self.factors, avoid=avoid)

    def open(self, *, year: int, wave: str, schools: list[School], title: str, still_open: bool) -> Campaign:
        closes_on = timezone.localdate() + timedelta(days=28) if still_open else None
        campaign = campaign_open(actor=self.cast.coordinator, year=year, wave=wave, title=title,
                                 version=self.version, schools=schools,
                                 municipality=self.cast.municipality, closes_on=closes_on)
        self.summary.campaigns += 1
        return campaign

    def answer(self, campaign: Campaign, schools: list[School], *, exit_wave: bool, share: float = 1.0,
               skip_demo_users: bool = False, few_parents: bool = False) -> None:
        """Write the submitted answers of every school of the campaign (one bulk insert);
        `few_parents`: the summary's school gets too few parents' answers."""
        links = {(link.campaign_school.school_id, link.group): link
                 for link in SurveyLink.objects.filter(campaign_school__campaign=campaign)
                 .select_related("campaign_school")}
        expected = expected_counts(schools, campaign.year, self.definition)
        signed = {"head": self.cast.head, "teacher": self.cast.teacher}
        rows: list[SurveyResponse] = []
        now = timezone.now()
        for school in schools:
            rng = rng_for(self.seed, campaign.year, campaign.wave, school.code)
            pattern = self.pattern(school)
            if exit_wave:
                pattern = pattern.improved(rng, pattern.high[:FACTORS_TO_SELECT])
            elif school.code not in self.summary.planted:
                self.summary.planted[school.code] = pattern.high
            part = share if share == 1.0 else float(rng.uniform(*OPEN_SHARE))
            counts = _counts(school, expected, rng, share=part)
            if few_parents and school.code == self.summary.few_parents:
                counts["parent"] = min(counts["parent"], FEW_PARENTS)
            for group, count in counts.items():
                link = links.get((school.pk, group))
                if link is None:
                    continue
                straightliner = group == "pupil" and (school.enrolment or 0) >= STRAIGHTLINER_FROM
                answers = group_answers(self.definition, group, pattern, count, rng, straightliner=straightliner)
                user = signed.get(group)
                by_user = user is not None and self._works_at(user, group, school)
                if by_user and skip_demo_users and answers:
                    answers = answers[1:]  # left for the demo user to answer through «Мои анкеты»
                    by_user = False
                rows += [self._row(link, a, now, respondent=user if by_user and i == 0 else None)
                         for i, a in enumerate(answers)]
        SurveyResponse.objects.bulk_create(rows, batch_size=2000)
        self.summary.responses += len(rows)

    def _works_at(self, user: User, group: str, school: School) -> bool:
        role = "school_head" if group == "head" else "teacher"
        return RoleAssignment.objects.filter(user=user, role=role, school=school).exists()

    def _row(self, link: SurveyLink, answer: Answer, now: datetime, *, respondent: User | None) -> SurveyResponse:
        screens = len(self.definition.sections_for(link.group))
        return SurveyResponse(link=link, respondent=respondent, client_hash="" if respondent else answer.client,
                              answers=answer.answers, step=screens, seconds=answer.seconds,
                              status=ResponseStatus.SUBMITTED, source=ResponseSource.WEB, submitted_at=now)

    def verify(self, campaign: Campaign, schools: list[School], *, select: bool) -> None:
        """The curator verifies the entry profiles of the curated schools, the municipality the exit
        ones: one level raised with a reason; at entry the school then picks what to work on."""
        curated = {s.pk for s in self.cast.curated}
        profiles = (Profile.objects.filter(campaign_school__campaign=campaign,
                                           campaign_school__school_id__in=[s.pk for s in schools if s.pk in curated])
                    .select_related("campaign_school__school").order_by("campaign_school__school__code"))
        for profile in profiles:
            at_entry = campaign.wave == Wave.ENTRY
            verifier = (self.cast.curator if at_entry else None) or self.cast.coordinator
            factors = list(profile.factors.exclude(score=None).order_by("-score"))
            medium = next((f for f in factors if f.level == "medium"), None)
            if medium is not None:
                factor_level_set(actor=verifier, profile=profile, factor=medium.factor, level="high",
                                 reason=_("Discussed with the school's staff: the problem is more serious than "
                                          "the answers show, and the school's own records confirm it."))
            profile = profile_confirm(actor=verifier, profile=profile)
            self.summary.verified += 1
            if not select:
                continue
            chosen = [f.factor for f in profile.factors.order_by("-score")
                      if f.final_level == "high"][:FACTORS_TO_SELECT]
            school = profile.campaign_school.school
            head = self.cast.head if self.cast.head and self._works_at(self.cast.head, "head", school) else None
            if chosen:
                factors_select(actor=head or verifier, profile=profile, factors=chosen)


def _cast() -> _Cast | None:
    coordinator, assignment = _holder("mun.coord", "municipal_coordinator")
    if coordinator is None or assignment is None or assignment.municipality is None:
        return None
    curator, curated_role = _holder("curator", "curator")
    head, _role = _holder("head", "school_head")
    teacher, _role = _holder("teacher", "teacher")
    curated = list(curated_role.schools.order_by("code")) if curated_role else []
    return _Cast(coordinator=coordinator, municipality=assignment.municipality, curator=curator, head=head,
                 teacher=teacher, curated=curated)


def _title(wave: str, year: int) -> str:
    if wave == Wave.ENTRY:
        return _("Entry survey %(year)d") % {"year": year}
    return _("Exit survey %(year)d") % {"year": year}


def diagnostics_load(*, seed: int) -> DiagnosticsSummary:
    """Survey campaigns with answers and profiles in the demo municipality (after identification)."""
    latest = ResultPart.objects.filter(active=True).aggregate(year=Max("year"))["year"]
    version = (InstrumentVersion.objects.filter(instrument__code=SHIPPED_CODE, instrument__region=None)
               .order_by("-number").first())
    cast = _cast()
    if latest is None or version is None or cast is None:
        return DiagnosticsSummary()
    municipality = cast.municipality
    loader = _Loader(seed=seed, version=version, cast=cast)
    head_schools = [s for s in cast.curated if cast.head and loader._works_at(cast.head, "head", s)]
    current = sorted({s.pk: s for s in [*_listed(municipality.region_id, latest, municipality.pk), *cast.curated,
                                        *head_schools]}.values(), key=lambda s: s.code)
    previous = _listed(municipality.region_id, latest - 1, municipality.pk)
    curated = {s.pk for s in cast.curated}
    loader.summary.few_parents = next((s.code for s in current if s.pk not in curated), "")

    # Last year's schools: entry and exit of the latest results year, both closed.
    if previous:
        for wave in (Wave.ENTRY, Wave.EXIT):
            campaign = loader.open(year=latest, wave=wave, schools=previous, title=_title(wave, latest),
                                   still_open=False)
            loader.answer(campaign, previous, exit_wave=wave == Wave.EXIT)
            campaign_close(actor=cast.coordinator, campaign=campaign)
            loader.summary.profiles += profiles_compute(campaign=campaign, actor=cast.coordinator)
            loader.verify(campaign, previous, select=wave == Wave.ENTRY)
    # This year's schools: the entry survey done and verified, the exit survey under way.
    year = latest + 1
    entry = loader.open(year=year, wave=Wave.ENTRY, schools=current, title=_title(Wave.ENTRY, year), still_open=False)
    loader.answer(entry, current, exit_wave=False, few_parents=True)
    campaign_close(actor=cast.coordinator, campaign=entry)
    loader.summary.profiles += profiles_compute(campaign=entry, actor=cast.coordinator)
    loader.verify(entry, current, select=True)
    exit_ = loader.open(year=year, wave=Wave.EXIT, schools=current, title=_title(Wave.EXIT, year), still_open=True)
    loader.answer(exit_, current, exit_wave=True, share=0.5, skip_demo_users=True, few_parents=True)
    loader.summary.profiles += profiles_compute(campaign=exit_, actor=cast.coordinator)
    return loader.summary
