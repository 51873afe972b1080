"""Electronic roadmaps in the demo: the calendar of stages and the schools' documents at different
stages, so every page of «Дорожные карты» shows something real.

The cycle year is the year of the latest entry survey (its schools are the demo municipality's
programme schools). The region sets the calendar, the municipality moves one date. Each school
plays one scenario (`SCENARIOS`): the head's school has everything approved, its concept after one
return (two revisions, a diff, a threaded comment), anti-risk programmes for its selected factors
and a roadmap pulled from them and partly carried out; the others are all approved, returned for
revision, waiting for review, or not started. Everything is written through the plans services;
only the timestamps are moved into the past afterwards (`plans_clock`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from opora.core.models import Role, RoleAssignment, School, User
from opora.demo.plans_clock import Clock, quiet_mail_until_commit
from opora.demo.plans_people import directors_ensure
from opora.demo.plans_steps import Steps
from opora.diagnostics.models import Campaign, Wave
from opora.plans.calendar import due_for
from opora.plans.models import DocumentKind
from opora.plans.services.stages import stage_set

K = DocumentKind
# The region's calendar (month, day) and the municipality's one change.
STAGES = {K.CONCEPT: (2, 2), K.PROGRAMME: (2, 27), K.ANTIRISK: (2, 27), K.ROADMAP: (3, 16),
          K.REPORT_HALF: (7, 3), K.REPORT_YEAR: (12, 15)}
MUNICIPAL_MOVE = (K.ROADMAP, (3, 23), "Перенесено на неделю: установочный семинар кураторов 16 марта.")

HEAD, APPROVED, RETURNED, WAITING, NOT_STARTED = "head", "approved", "returned", "waiting", "not_started"
SCENARIOS = (HEAD, APPROVED, RETURNED, WAITING, NOT_STARTED)
ROTATION = (NOT_STARTED, APPROVED, RETURNED, WAITING, APPROVED)  # the schools beyond the curated ones


@dataclass
class PlansSummary:
    year: int = 0
    stages: int = 0
    documents: int = 0
    measures: int = 0
    scenarios: dict[str, str] = field(default_factory=dict)  # school code → scenario


@dataclass(frozen=True)
class _Cast:
    region_actor: User
    coordinator: User
    curator: User | None
    head: User | None
    curated: list[School]


def _cast(municipality_id: int | None) -> _Cast | None:
    def holder(username: str, role: str) -> RoleAssignment | None:
        return RoleAssignment.objects.filter(user__username=username, role=role).select_related("user").first()

    region = holder("region.admin", Role.REGIONAL_ADMIN)
    coord = holder("mun.coord", Role.MUNICIPAL_COORDINATOR)
    if region is None or coord is None or coord.municipality_id != municipality_id:
        return None
    curator, head = holder("curator", Role.CURATOR), holder("head", Role.SCHOOL_HEAD)
    curated = list(curator.schools.order_by("code")) if curator else []
    return _Cast(region_actor=region.user, coordinator=coord.user, curator=curator.user if curator else None,
                 head=head.user if head else None, curated=curated)


def _stages(cast: _Cast, campaign: Campaign, summary: PlansSummary) -> None:
    municipality, year = campaign.municipality, campaign.year
    if municipality is None:  # never: plans_load takes a municipal campaign
        return
    for kind, (month, day) in STAGES.items():
        stage_set(actor=cast.region_actor, region=municipality.region, year=year, kind=kind,
                  due_on=date(year, month, day))
        summary.stages += 1
    kind, (month, day), note = MUNICIPAL_MOVE
    stage_set(actor=cast.coordinator, region=municipality.region, municipality=municipality, year=year, kind=kind,
              due_on=date(year, month, day), note=note)
    summary.stages += 1


def scenarios_assign(schools: list[School], cast: _Cast) -> dict[int, str]:
    """The head's school, then the other curated ones returned and waiting (so the curator has
    something to review), then the rest in turn."""
    head_school = next((s.pk for s in schools if cast.head and s.pk in _head_schools(cast.head)), None)
    curated = [s.pk for s in cast.curated if s.pk != head_school]
    out: dict[int, str] = {}
    if head_school is not None:
        out[head_school] = HEAD
    for pk, scenario in zip(curated, (RETURNED, WAITING, APPROVED), strict=False):
        out[pk] = scenario
    rest = [s.pk for s in schools if s.pk not in out]
    for i, pk in enumerate(rest):
        out[pk] = ROTATION[i % len(ROTATION)]
    return out


def _head_schools(user: User) -> set[int]:
    return set(RoleAssignment.objects.filter(user=user, role=Role.SCHOOL_HEAD).values_list("school_id", flat=True))


def plans_load(*, seed: int) -> PlansSummary:
    """The calendar and the documents of the latest entry survey's schools (after diagnostics)."""
    summary = PlansSummary()
    campaign = Campaign.objects.filter(wave=Wave.ENTRY).select_related("municipality__region").order_by(
        "-year", "-pk").first()
    if campaign is None:
        return summary
    cast = _cast(campaign.municipality_id)
    if cast is None:
        return summary
    year = summary.year = campaign.year
    after_commit = quiet_mail_until_commit()
    _stages(cast, campaign, summary)
    schools = sorted((cs.school for cs in campaign.schools.select_related("school__municipality")),
                     key=lambda s: s.code)
    heads = directors_ensure(actor=cast.region_actor, schools=schools, seed=seed)
    scenarios = scenarios_assign(schools, cast)
    curated = {s.pk for s in cast.curated}
    today = timezone.localdate()
    for school in schools:
        scenario = scenarios[school.pk]
        summary.scenarios[school.code] = scenario
        reviewer = cast.curator if school.pk in curated and cast.curator else cast.coordinator
        due: dict[str, date] = {kind: due_for(school, year, kind) or date(year, *STAGES[kind]) for kind in STAGES}
        clock = Clock()
        steps = Steps(seed=seed, school=school, year=year, head=heads[school.pk], reviewer=reviewer,
                      coordinator=cast.coordinator, due=due, clock=clock, today=today)
        steps.play(scenario)
        clock.apply()
        summary.documents += steps.documents
        summary.measures += steps.measures
    transaction.on_commit(after_commit)
    return summary

