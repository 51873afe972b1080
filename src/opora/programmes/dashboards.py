"""Read-only figures of the municipal and regional dashboards.

A dashboard is for a territory the user sees as a whole (a region or a municipality, `Perm.VIEW_SCHOOL`
through `core.access`); each section reads its own area with that area's permission, so a user who may
not see roadmaps gets no roadmap section. Every number of a section comes with the ids of the schools
behind it (`Section.ids[metric]`): the dashboard shows the counts, the drill-down page lists the same
ids, so the two never disagree. A fixed handful of queries per section whatever the number of schools.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Region, School, User
from opora.diagnostics.models import Level, Profile, ProfileFactor
from opora.identification.models import ListEntry, RunSchool, YearList
from opora.plans import board
from opora.plans.content import CYCLE
from opora.plans.models import DocState, DocumentKind
from opora.programmes.catalogue import CATALOGUE
from opora.programmes.compute import KpiResult
from opora.programmes.figures import figures_computed_at, stored_results, stored_results_by_year
from opora.programmes.models import KpiTarget, Programme
from opora.programmes.selectors import programmes_for
from opora.support.models import Curatorship, DecisionOwner, Event, Mentoring, Participant, Partnership, Visit
from opora.support.models.events import EventStatus
from opora.support.models.meetings import DecisionStatus
from opora.support.models.visits import VisitKind

UserLike = User | AnonymousUser
REGION, MUNICIPALITY = "region", "municipality"


@dataclass(frozen=True)
class Territory:
    kind: str  # REGION or MUNICIPALITY
    region: Region
    municipality: Municipality | None = None

    @property
    def code(self) -> str:
        return self.municipality.code if self.municipality else self.region.code

    @property
    def name(self) -> str:
        return self.municipality.name if self.municipality else self.region.name

    def filter(self) -> Q:
        """A filter on School for the schools of the territory."""
        if self.municipality is not None:
            return Q(municipality=self.municipality)
        return Q(municipality__region=self.region)


def territories_for(user: UserLike) -> list[Territory]:
    """Regions, then municipalities, the user sees as a whole (by name)."""
    regions = [Territory(REGION, r) for r in access.regions_for(user, Perm.VIEW_SCHOOL).order_by("name")]
    municipalities = [Territory(MUNICIPALITY, m.region, m) for m in
                      access.municipalities_for(user, Perm.VIEW_SCHOOL).select_related("region")
                      .order_by("region__name", "name")]
    return regions + municipalities


def territory_get(user: UserLike, kind: str, code: str) -> Territory | None:
    """The territory if the user sees it as a whole, else None."""
    if kind == REGION:
        region = access.regions_for(user, Perm.VIEW_SCHOOL).filter(code=code).first()
        return Territory(REGION, region) if region else None
    if kind == MUNICIPALITY:
        m = access.municipalities_for(user, Perm.VIEW_SCHOOL).select_related("region").filter(code=code).first()
        return Territory(MUNICIPALITY, m.region, m) if m else None
    return None


def territory_schools(user: UserLike, territory: Territory, perm: Perm = Perm.VIEW_SCHOOL) -> QuerySet[School]:
    return access.schools_for(user, perm).filter(territory.filter())


def may_see(user: UserLike, perm: Perm) -> bool:
    return access.has_perm_anywhere(user, perm)


@dataclass
class Section:
    """Counts of a section: metric → the ids of the schools behind it (the count is their number)."""

    ids: dict[str, list[int]] = field(default_factory=dict)

    def count(self, metric: str) -> int:
        return len(self.ids.get(metric, []))


# --- KPIs of the territory's programmes ---------------------------------------------------------


@dataclass(frozen=True)
class KpiCell:
    year: int
    target_percent: float | None
    result: KpiResult | None  # None: a year still to come (the target only)

    @property
    def percent(self) -> float | None:
        return self.result.percent if self.result else None

    @property
    def status(self) -> str:
        return self.result.status if self.result else ""

    @property
    def missing(self) -> int:
        return len(self.result.fact.missing) if self.result else 0


@dataclass
class KpiRow:
    code: str
    title: str
    cells: list[KpiCell]


@dataclass
class ProgrammePanel:
    programme: Programme
    years: list[int]
    rows: list[KpiRow]
    computed_at: datetime | None = None  # when its stored figures were computed
    # A regional programme on a municipality's dashboard counts the municipality's schools only.
    part_schools: int | None = None
    all_schools: int | None = None


def territory_programmes(user: UserLike, territory: Territory) -> list[Programme]:
    """Programmes of the territory the user sees: for a region, all of it (the regional ones first);
    for a municipality, its own and the regional programmes covering any of its schools."""
    qs = programmes_for(user).filter(region=territory.region)
    if territory.municipality is not None:
        covering = Programme.schools.through.objects.filter(school__municipality=territory.municipality)
        qs = qs.filter(Q(municipality=territory.municipality)
                       | Q(municipality__isnull=True, pk__in=covering.values("programme_id")))
    return sorted(qs, key=lambda p: (p.municipality_id is not None, -p.start_year, p.title))


def kpi_panels(user: UserLike, territory: Territory, year: int, today: date) -> list[ProgrammePanel]:
    """Per programme running in `year`: every indicator over the years of the period (facts up to `year`)."""
    panels = []
    for programme in territory_programmes(user, territory):
        if not programme.start_year <= year <= programme.end_year:
            continue
        part = _municipal_part(programme, territory)
        stored = stored_results_by_year(programme, [y for y in programme.years if y <= year], today=today,
                                        school_ids=part)
        by_year = {y: {r.kpi.code: r for r in results} for y, results in stored.items()}
        rows: list[KpiRow] = []
        targets = {(code, y): float(v) for code, y, v in
                   KpiTarget.objects.filter(kpi__programme=programme).values_list("kpi__code", "year", "value")}
        for kpi in programme.kpis.all():
            definition = CATALOGUE.get(kpi.code)
            if definition is None:
                continue  # withdrawn from the catalogue: nothing to compute
            cells = [KpiCell(y, targets.get((kpi.code, y)), by_year.get(y, {}).get(kpi.code))
                     for y in programme.years]
            rows.append(KpiRow(code=kpi.code, title=str(definition.title), cells=cells))
        panels.append(ProgrammePanel(programme=programme, years=programme.years, rows=rows,
                                     computed_at=figures_computed_at(programme),
                                     part_schools=None if part is None else len(part),
                                     all_schools=None if part is None else programme.schools.count()))
    return panels


def kpi_of(user: UserLike, territory: Territory, programme_code: str, kpi_code: str, year: int,
           today: date) -> KpiResult | None:
    """One indicator's result for the drill-down (None when the programme is not the territory's)."""
    programme = next((p for p in territory_programmes(user, territory) if p.code == programme_code), None)
    if programme is None or not programme.start_year <= year <= programme.end_year:
        return None
    return next(iter(stored_results(programme, year, today=today, codes=[kpi_code],
                                    school_ids=_municipal_part(programme, territory))), None)


def _municipal_part(programme: Programme, territory: Territory) -> set[int] | None:
    """The schools of a regional programme inside the territory's municipality (None: all of them)."""
    if territory.municipality is None or programme.municipality_id is not None:
        return None
    return set(programme.schools.filter(municipality=territory.municipality).values_list("pk", flat=True))


# --- The year's list and its movement -----------------------------------------------------------

LIST_METRICS = ("listed", "entered", "left", "stayed", "resilient", "low_results", "decline_risk",
                "objectivity_signs")


@dataclass
class ListSection(Section):
    approved: bool = False  # the region's list of the year is approved
    previous: bool = False  # … and that of the year before


def list_movement(user: UserLike, territory: Territory, year: int) -> ListSection:
    """The approved list of `year` in the territory against the list of the year before, and the flags
    of the run it was approved from (resilient, low results, decline risk, objectivity signs)."""
    schools = territory_schools(user, territory, Perm.VIEW_IDENTIFICATION)
    lists = dict(YearList.objects.filter(region=territory.region, year__in=(year - 1, year))
                 .values_list("year", "pk"))
    runs = dict(YearList.objects.filter(region=territory.region, year=year).values_list("year", "run_id"))
    section = ListSection(approved=year in lists, previous=year - 1 in lists)
    entries: dict[int, set[int]] = defaultdict(set)
    for list_id, school_id in ListEntry.objects.filter(year_list_id__in=lists.values(), school__in=schools) \
            .values_list("year_list_id", "school_id"):
        entries[list_id].add(school_id)
    now = entries[lists[year]] if year in lists else set()
    before = entries[lists[year - 1]] if year - 1 in lists else set()
    section.ids["listed"] = sorted(now)
    if section.approved and section.previous:
        section.ids["entered"] = sorted(now - before)
        section.ids["left"] = sorted(before - now)
        section.ids["stayed"] = sorted(now & before)
    flags: dict[str, list[int]] = {"resilient": [], "low_results": [], "decline_risk": [], "objectivity_signs": []}
    if year in runs:
        for row in RunSchool.objects.filter(run_id=runs[year], school__in=schools).values(
                "school_id", "resilient", "low_results", "decline_risk", "objectivity_signs"):
            for name, value in row.items():
                if name in flags and value:
                    flags[name].append(row["school_id"])
    section.ids.update({k: sorted(v) for k, v in flags.items()})
    return section


# --- Roadmap execution ---------------------------------------------------------------------------


@dataclass
class RoadmapSection(Section):
    counts: list[board.StageCount] = field(default_factory=list)
    schools: int = 0
    measures: int = 0
    measures_counted: int = 0
    measures_done: int = 0
    measures_on_time: int = 0
    measures_overdue: int = 0

    @property
    def percent_on_time(self) -> int | None:
        return round(100 * self.measures_on_time / self.measures_counted) if self.measures_counted else None


def roadmap_execution(user: UserLike, territory: Territory, year: int, today: date) -> RoadmapSection:
    """The board's rows of the territory: per stage how many schools are where, and the measures."""
    schools = list(board.programme_schools(user, year=year).filter(territory.filter())
                   .order_by("municipality__name", "name", "pk"))
    rows = board.build_rows(schools, year=year, today=today)
    section = RoadmapSection(counts=board.stage_counts(rows), schools=len(rows))
    section.ids["schools"] = [r.school.pk for r in rows]
    section.ids["not_started"] = [r.school.pk for r in rows if not r.started]
    section.ids["overdue"] = [r.school.pk for r in rows if r.overdue]
    section.ids["measures_overdue"] = [r.school.pk for r in rows if r.execution and r.execution.overdue]
    for kind in CYCLE:
        for state in (*DocState.values, board.NONE):
            section.ids[f"stage:{kind}:{state}"] = [r.school.pk for r in rows if r.cell(kind).state == state]
        section.ids[f"stage:{kind}:overdue"] = [r.school.pk for r in rows if r.cell(kind).overdue]
    for r in rows:
        e = r.execution
        if e is None:
            continue
        section.measures += e.total
        section.measures_counted += e.counted
        section.measures_done += e.done
        section.measures_on_time += e.done_on_time
        section.measures_overdue += e.overdue
    return section


def stage_label(kind: str) -> str:
    return str(DocumentKind(kind).label)


# --- Risk factors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorShare:
    factor: str
    name: str
    high: int
    medium: int
    total: int  # schools with a level for the factor

    @property
    def high_percent(self) -> int | None:
        return round(100 * self.high / self.total) if self.total else None

    @property
    def medium_percent(self) -> int | None:
        return round(100 * self.medium / self.total) if self.total else None


@dataclass
class RiskSection(Section):
    factors: list[FactorShare] = field(default_factory=list)
    profiles: int = 0


def newest_profiles(schools: QuerySet[School] | Iterable[School], year: int) -> dict[int, int]:
    """school id → its newest risk profile of the year (any wave): one query."""
    out: dict[int, int] = {}
    for pk, school_id in (Profile.objects.filter(campaign_school__school__in=schools,
                                                 campaign_school__campaign__year=year)
                          .order_by("campaign_school__school_id", "-campaign_school__campaign__created_at", "-pk")
                          .values_list("pk", "campaign_school__school_id")):
        out.setdefault(school_id, pk)
    return out


def risk_factors(user: UserLike, territory: Territory, year: int) -> RiskSection:
    """Per factor, how many schools have it high or medium (the verified level when set)."""
    profiles = newest_profiles(territory_schools(user, territory, Perm.VIEW_RISK_PROFILES), year)
    school_of = {p: s for s, p in profiles.items()}
    section = RiskSection(profiles=len(profiles))
    names: dict[str, tuple[int, str]] = {}
    by_level: dict[tuple[str, str], list[int]] = defaultdict(list)
    for profile_id, factor, name, position, level, verified in (
            ProfileFactor.objects.filter(profile_id__in=school_of)
            .values_list("profile_id", "factor", "name", "position", "level", "verified_level")):
        names.setdefault(factor, (position, name))
        final = verified or level
        if final:
            by_level[(factor, final)].append(school_of[profile_id])
    for factor, (_position, name) in sorted(names.items(), key=lambda item: item[1]):
        high, medium = by_level[(factor, Level.HIGH)], by_level[(factor, Level.MEDIUM)]
        total = len(high) + len(medium) + len(by_level[(factor, Level.LOW)])
        section.factors.append(FactorShare(factor, name, len(high), len(medium), total))
        section.ids[f"risk:{factor}:high"] = sorted(high)
        section.ids[f"risk:{factor}:medium"] = sorted(medium)
    section.ids["profiles"] = sorted(profiles)
    return section


# --- Support activity -----------------------------------------------------------------------------


@dataclass
class SupportSection(Section):
    visits: int = 0
    visits_by_kind: list[tuple[str, int]] = field(default_factory=list)
    events_held: int = 0
    events_planned: int = 0
    attended: int = 0  # participants from the territory's schools marked present
    mentoring: int = 0
    decisions_open: int = 0
    decisions_done: int = 0
    decisions_overdue: int = 0
    listed: bool = False  # the year's list is approved (for «listed schools without support»)


def _overlapping(year: int) -> Q:
    return Q(starts_on__year__lte=year) & (Q(ends_on__isnull=True) | Q(ends_on__year__gte=year))


def support_activity(user: UserLike, territory: Territory, year: int, today: date) -> SupportSection:
    """Curators, partnerships, visits, events, mentoring and decisions of the territory's schools in `year`."""
    schools = territory_schools(user, territory, Perm.VIEW_SUPPORT)
    section = SupportSection()
    curated = set(Curatorship.objects.filter(_overlapping(year), school__in=schools)
                  .values_list("school_id", flat=True))
    partnered = set(Partnership.objects.filter(_overlapping(year), school__in=schools)
                    .values_list("school_id", flat=True))
    visits = list(Visit.objects.filter(school__in=schools, held_on__year=year).values_list("school_id", "kind"))
    visited = {s for s, _kind in visits}
    attended_rows = list(Participant.objects.filter(school__in=schools, attended=True, event__starts_on__year=year)
                         .values_list("school_id", flat=True))
    attending = set(attended_rows)
    section.visits = len(visits)
    kinds: defaultdict[str, int] = defaultdict(int)
    for _school, kind in visits:
        kinds[kind] += 1
    section.visits_by_kind = [(str(label), kinds[value]) for value, label in VisitKind.choices if kinds[value]]
    section.attended = len(attended_rows)
    events = Event.objects.filter(region=territory.region, starts_on__year=year)
    if territory.municipality is not None:
        events = events.filter(Q(municipality=territory.municipality) | Q(municipality__isnull=True))
    counts = events.aggregate(held=Count("pk", filter=Q(status=EventStatus.HELD)),
                              planned=Count("pk", filter=Q(status=EventStatus.PLANNED)))
    section.events_held, section.events_planned = counts["held"], counts["planned"]
    section.mentoring = Mentoring.objects.filter(_overlapping(year), mentee__school__in=schools).count()
    parts = DecisionOwner.objects.filter(school__in=schools, decision__meeting__held_on__year=year)
    d = parts.aggregate(open=Count("pk", filter=Q(status=DecisionStatus.OPEN)),
                        done=Count("pk", filter=Q(status=DecisionStatus.DONE)),
                        overdue=Count("pk", filter=Q(status=DecisionStatus.OPEN, decision__due_on__lt=today)))
    section.decisions_open, section.decisions_done, section.decisions_overdue = d["open"], d["done"], d["overdue"]
    section.ids["decisions_overdue"] = sorted(set(
        parts.filter(status=DecisionStatus.OPEN, decision__due_on__lt=today).values_list("school_id", flat=True)))
    approved = YearList.objects.filter(region=territory.region, year=year).values_list("pk", flat=True).first()
    section.listed = approved is not None
    listed = set(ListEntry.objects.filter(year_list_id=approved, school__in=schools)
                 .values_list("school_id", flat=True)) if approved else set()
    section.ids.update({
        "curated": sorted(curated), "partnered": sorted(partnered), "visited": sorted(visited),
        "attending": sorted(attending), "covered": sorted(curated | visited | attending),
        "unsupported": sorted(listed - (curated | partnered | visited | attending)),
    })
    return section


# --- The metrics a drill-down may ask for -----------------------------------------------------------

METRIC_TITLES = {
    "listed": _("in the approved list of the year"),
    "entered": _("entered the list this year"),
    "left": _("left the list this year"),
    "stayed": _("stayed in the list"),
    "resilient": pgettext_lazy("schools", "resilient"),
    "low_results": pgettext_lazy("schools", "low results"),
    "decline_risk": pgettext_lazy("schools", "risk of declining results"),
    "objectivity_signs": pgettext_lazy("schools", "signs of non-objective results"),
    "schools": _("schools of the «500+» cycle this year"),
    "not_started": _("no document this year"),
    "overdue": _("an overdue stage or measure"),
    "measures_overdue": _("overdue roadmap measures"),
    "profiles": _("schools with a risk profile of the year"),
    "curated": _("with a curator"),
    "partnered": _("with a partner school"),
    "visited": _("visited or consulted"),
    "attending": _("took part in events"),
    "covered": _("covered by methodological work"),
    "unsupported": _("listed schools without any support this year"),
    "decisions_overdue": _("with overdue decisions"),
}


def section_of_metric(metric: str) -> str:
    """Which section computes the metric: list, roadmap, risk or support ('' for an unknown one)."""
    if metric in LIST_METRICS:
        return "list"
    if metric in ("schools", "not_started", "overdue", "measures_overdue") or metric.startswith("stage:"):
        return "roadmap"
    if metric == "profiles" or metric.startswith("risk:"):
        return "risk"
    if metric in ("curated", "partnered", "visited", "attending", "covered", "unsupported", "decisions_overdue"):
        return "support"
    return ""


SECTION_PERMS = {"list": Perm.VIEW_IDENTIFICATION, "roadmap": Perm.VIEW_PLANS, "risk": Perm.VIEW_RISK_PROFILES,
                 "support": Perm.VIEW_SUPPORT}


def section_compute(user: UserLike, territory: Territory, section: str, year: int, today: date) -> Section:
    if section == "list":
        return list_movement(user, territory, year)
    if section == "roadmap":
        return roadmap_execution(user, territory, year, today)
    if section == "risk":
        return risk_factors(user, territory, year)
    return support_activity(user, territory, year, today)


def schools_by_ids(ids: Iterable[int]) -> list[School]:
    return list(School.objects.filter(pk__in=list(ids)).select_related("municipality")
                .order_by("municipality__name", "name", "pk"))
