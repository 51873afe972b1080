"""What the public pages may show, read for a visitor without login.

Only what is meant for the public: programmes marked public, their indicators as aggregates (a
value, a target, how many schools counted — never which school hit or missed), the names of the
participating schools with the risk factors they chose to work on (verified profiles only) and
the titles of their approved documents, the territory's events (no participants, no responsible
persons), published practices the school agreed to show, published news. Nothing here carries a
person's name, an e-mail, a phone, a comment, a draft or anything under review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from opora.analytics.kpi import NO_DATA, NO_TARGET
from opora.core import access
from opora.core.access import Perm
from opora.core.models import School, User
from opora.diagnostics.models import ProfileFactor, ProfileStatus
from opora.plans.models import DocState, Document, DocumentKind
from opora.programmes.catalogue import CATALOGUE
from opora.programmes.figures import stored_results_by_year
from opora.programmes.models import Programme
from opora.public.models import News
from opora.support.models.events import Event, EventStatus
from opora.support.models.practices import Practice, PracticeState

NOT_STARTED = "not_started"


# --- programmes -------------------------------------------------------------------------------


def public_programmes() -> QuerySet[Programme]:
    return (Programme.objects.filter(is_public=True).select_related("region", "municipality")
            .annotate(school_count=Count("memberships", distinct=True), kpi_count=Count("kpis", distinct=True))
            .order_by("-start_year", "title"))


def public_programme(code: str) -> Programme | None:
    return Programme.objects.filter(is_public=True, code=code).select_related("region", "municipality").first()


@dataclass(frozen=True)
class PublicCell:
    year: int
    target: float | None  # percent
    value: float | None  # percent; None: no data (never zero) or the year has not started
    status: str  # analytics.kpi statuses, or NOT_STARTED
    counted: int = 0  # schools whose data the value is computed from
    missing: int = 0  # schools without data


@dataclass
class PublicKpi:
    code: str
    title: str
    numerator: str
    denominator: str
    source: str
    higher_is_better: bool
    cells: list[PublicCell] = field(default_factory=list)

    @property
    def latest(self) -> PublicCell | None:
        """The last year that has started (the value a reader looks for first)."""
        started = [c for c in self.cells if c.status != NOT_STARTED]
        return started[-1] if started else None


def kpi_table(programme: Programme, *, today: date | None = None) -> list[PublicKpi]:
    """Every indicator of the programme over its years: target and fact, in percent, aggregates only."""
    today = today or timezone.localdate()
    kpis = [k for k in programme.kpis.prefetch_related("targets") if k.code in CATALOGUE]
    rows: dict[int, PublicKpi] = {}
    for kpi in kpis:
        d = CATALOGUE[kpi.code]
        rows[kpi.pk] = PublicKpi(code=kpi.code, title=str(d.title), numerator=str(d.numerator),
                                 denominator=str(d.denominator), source=str(d.source),
                                 higher_is_better=d.higher_is_better)
    started = stored_results_by_year(programme, [y for y in programme.years if y <= today.year], today=today)
    for year in programme.years:
        if year > today.year:
            for kpi in kpis:
                target = next((float(t.value) for t in kpi.targets.all() if t.year == year), None)
                rows[kpi.pk].cells.append(PublicCell(year=year, target=target, value=None, status=NOT_STARTED))
            continue
        for r in started[year]:
            rows[r.kpi.pk].cells.append(PublicCell(year=year, target=r.target_percent, value=r.percent,
                                                   status=r.status, counted=len(r.fact.counted),
                                                   missing=len(r.fact.missing)))
    return list(rows.values())


def kpi_status_counts(table: list[PublicKpi]) -> dict[str, int]:
    """How many indicators in their latest started year were achieved, not achieved, without data."""
    counts: dict[str, int] = {}
    for row in table:
        status = row.latest.status if row.latest else NOT_STARTED
        if status == NO_TARGET:
            continue
        counts[status] = counts.get(status, 0) + 1
    counts.setdefault(NO_DATA, 0)
    return counts


# --- schools and what they work on ------------------------------------------------------------


@dataclass
class SchoolWork:
    name: str
    municipality: str
    factors: list[str] = field(default_factory=list)  # chosen to work on (latest verified profile)
    factors_year: int | None = None
    documents: list[tuple[int, str, str]] = field(default_factory=list)  # (year, kind label, title), approved


def school_work(programme: Programme) -> list[SchoolWork]:
    """The programme's schools with their chosen risk factors and approved documents (three queries)."""
    schools = list(School.objects.filter(pk__in=programme.memberships.values("school_id"))
                   .select_related("municipality").order_by("municipality__name", "name")
                   .only("name", "municipality__name"))
    ids = [s.pk for s in schools]
    out = {s.pk: SchoolWork(name=s.name, municipality=s.municipality.name) for s in schools}
    factors = (ProfileFactor.objects
               .filter(selected=True, profile__status=ProfileStatus.VERIFIED,
                       profile__campaign_school__school_id__in=ids,
                       profile__campaign_school__campaign__year__lte=programme.end_year)
               .order_by("profile__campaign_school__school_id", "-profile__campaign_school__campaign__year",
                         "position")
               .values_list("profile__campaign_school__school_id", "profile__campaign_school__campaign__year",
                            "name"))
    for school_id, year, name in factors:
        work = out[school_id]
        if work.factors_year is None:
            work.factors_year = year
        if year == work.factors_year and name not in work.factors:
            work.factors.append(name)
    kinds = dict(DocumentKind.choices)
    documents = (Document.objects.filter(school_id__in=ids, state=DocState.APPROVED, year__in=programme.years)
                 .order_by("school_id", "year", "kind", "title").values_list("school_id", "year", "kind", "title"))
    for school_id, year, kind, title in documents:
        out[school_id].documents.append((year, str(kinds.get(kind, kind)), title))
    return list(out.values())


# --- events, practices, news of the programme's territory -------------------------------------


def _territory(programme: Programme, *, municipality_field: str, region_field: str) -> Q:
    q = Q(**{region_field: programme.region_id})
    if programme.municipality_id:
        q &= Q(**{municipality_field: programme.municipality_id}) | Q(**{f"{municipality_field}__isnull": True})
    return q


def public_events(programme: Programme) -> QuerySet[Event]:
    """The territory's events during the programme (regional ones included), cancelled ones left out."""
    return (Event.objects.filter(_territory(programme, municipality_field="municipality", region_field="region"),
                                 starts_on__year__gte=programme.start_year, starts_on__year__lte=programme.end_year)
            .exclude(status=EventStatus.CANCELLED)
            .select_related("venue_school", "municipality")
            .only("title", "kind", "starts_on", "ends_on", "period_text", "place", "status",
                  "venue_school__name", "municipality__name")
            .order_by("starts_on", "pk"))


def upcoming_events(programme: Programme, *, today: date | None = None, limit: int = 5) -> list[Event]:
    today = today or timezone.localdate()
    return list(public_events(programme).filter(Q(starts_on__gte=today) | Q(ends_on__gte=today))[:limit])


def public_practices() -> QuerySet[Practice]:
    """Published practices the school agreed to show."""
    return Practice.objects.filter(state=PracticeState.PUBLISHED, is_public=True)


def programme_practices(programme: Programme) -> QuerySet[Practice]:
    q = Q(school__municipality__region_id=programme.region_id)
    if programme.municipality_id:
        q &= Q(school__municipality_id=programme.municipality_id)
    return (public_practices().filter(q).select_related("school__municipality")
            .only("title", "problem", "published_at", "school__name", "school__municipality__name")
            .order_by("-published_at", "-pk"))


def published_news() -> QuerySet[News]:
    return (News.objects.filter(is_published=True).select_related("region", "municipality")
            .only("title", "body", "published_at", "region__name", "municipality__name")
            .order_by("-published_at", "-pk"))


def programme_news(programme: Programme) -> QuerySet[News]:
    return published_news().filter(_territory(programme, municipality_field="municipality", region_field="region"))


def news_item(pk: int) -> News | None:
    return published_news().filter(pk=pk).first()


# --- news management (signed in) --------------------------------------------------------------


def manageable_news(user: User | AnonymousUser) -> QuerySet[News]:
    """News of the territories whose programmes the user manages, drafts included."""
    if access.is_superuser(user):
        qs = News.objects.all()
    else:
        regions = access.regions_for(user, Perm.MANAGE_PROGRAMMES)
        municipalities = access.municipalities_for(user, Perm.MANAGE_PROGRAMMES)
        qs = News.objects.filter(Q(region__in=regions) | Q(municipality__in=municipalities))
    return qs.select_related("region", "municipality", "created_by").order_by("-created_at", "-pk")


def territories_to_write(user: User | AnonymousUser) -> list[tuple[str, str]]:
    """Choices «region:PK» / «municipality:PK» for a news item's territory."""
    out = [(f"region:{r.pk}", r.name) for r in access.regions_for(user, Perm.MANAGE_PROGRAMMES).order_by("name")]
    out += [(f"municipality:{m.pk}", m.name)
            for m in access.municipalities_for(user, Perm.MANAGE_PROGRAMMES).order_by("name")]
    return out
