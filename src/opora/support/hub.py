"""Read-only figures of the «Поддержка» start page, by role.

Three views, each shown when the user holds a role for it (a user with several roles sees several):

- the curator's: the schools the user curates — since when, partners, the last visit, the roadmap's
  state, open and overdue decisions, the next events they are invited to;
- the school's (head, teacher, observer of the school): its curators, partners, mentoring pairs,
  visits received with recommendations, events it is invited to, decisions it owes;
- the territory's (municipal and regional roles): the schools of the year's list in scope with their
  curators, partners, visits this year, event participation and decisions; counts on top.

Every figure is read per set of schools with a fixed handful of aggregate queries (no per-row query).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Role, RoleAssignment, School, User
from opora.identification.models import ListEntry
from opora.plans.models import Document, DocumentKind
from opora.support.models import (
    Curatorship,
    DecisionOwner,
    DecisionStatus,
    Event,
    EventStatus,
    Invitation,
    Mentoring,
    Participant,
    Partnership,
    Visit,
)

UserLike = User | AnonymousUser
SCHOOL_ROLES = (Role.SCHOOL_HEAD, Role.TEACHER, Role.OBSERVER)
UPCOMING = 5  # events shown per block
RECENT_VISITS = 5


@dataclass
class SchoolFigures:
    school: School
    curators: list[str] = field(default_factory=list)
    curator_since: date | None = None
    partners: list[str] = field(default_factory=list)
    last_visit: date | None = None
    visits_year: int = 0
    roadmap_state: str = ""
    roadmap_pk: int | None = None
    open_decisions: int = 0
    overdue_decisions: int = 0
    invited: int = 0  # held events of the year the school was invited to
    attended: int = 0  # … of them, where someone of the school came
    listed: bool = False

    @property
    def participation(self) -> int | None:
        """Per cent of the held events the school was invited to where it came (None: none held)."""
        return round(100 * self.attended / self.invited) if self.invited else None


def _current(qs: QuerySet, today: date) -> QuerySet:
    return qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)


def school_figures(schools: list[School], *, year: int, today: date) -> list[SchoolFigures]:
    """Figures of these schools (already scoped by the caller), in their order."""
    rows = {s.pk: SchoolFigures(school=s) for s in schools}
    ids = list(rows)
    if not ids:
        return []
    for c in _current(Curatorship.objects.filter(school_id__in=ids), today).select_related("curator").order_by(
            "starts_on", "pk"):
        rows[c.school_id].curators.append(str(c.curator))
        since = rows[c.school_id].curator_since
        rows[c.school_id].curator_since = c.starts_on if since is None else min(since, c.starts_on)
    for p in _current(Partnership.objects.filter(school_id__in=ids), today).select_related("partner").order_by(
            "partner__name"):
        rows[p.school_id].partners.append(p.partner.name)
    for v in (Visit.objects.filter(school_id__in=ids).values("school_id")
              .annotate(last=Max("held_on"), year=Count("pk", filter=Q(held_on__year=year)))):
        rows[v["school_id"]].last_visit, rows[v["school_id"]].visits_year = v["last"], v["year"]
    for d in Document.objects.filter(school_id__in=ids, year=year, kind=DocumentKind.ROADMAP).only(
            "pk", "school_id", "state"):
        rows[d.school_id].roadmap_state, rows[d.school_id].roadmap_pk = d.get_state_display(), d.pk
    for o in (open_parts(ids).values("school_id")
              .annotate(n=Count("pk"), late=Count("pk", filter=Q(decision__due_on__lt=today)))):
        rows[o["school_id"]].open_decisions, rows[o["school_id"]].overdue_decisions = o["n"], o["late"]
    came = Participant.objects.filter(event=OuterRef("event"), school=OuterRef("school"), attended=True)
    for i in (Invitation.objects.filter(school_id__in=ids, event__status=EventStatus.HELD, event__starts_on__year=year)
              .annotate(came=Exists(came)).values("school_id")
              .annotate(n=Count("pk"), came_n=Count("pk", filter=Q(came=True)))):
        rows[i["school_id"]].invited, rows[i["school_id"]].attended = i["n"], i["came_n"]
    return [rows[pk] for pk in ids]


def open_parts(school_ids: list[int]) -> QuerySet[DecisionOwner]:
    return DecisionOwner.objects.filter(school_id__in=school_ids, status=DecisionStatus.OPEN,
                                        decision__status=DecisionStatus.OPEN)


def upcoming_events(school_ids: list[int], *, today: date, limit: int = UPCOMING) -> list[Event]:
    """The next planned events these schools are invited to (each once), soonest first."""
    invited = Invitation.objects.filter(event=OuterRef("pk"), school_id__in=school_ids)
    return list(Event.objects.filter(Exists(invited), status=EventStatus.PLANNED)
                .filter(Q(starts_on__gte=today) | Q(ends_on__gte=today))
                .select_related("municipality", "venue_school").order_by("starts_on", "pk")[:limit])


def owed_decisions(school_ids: list[int], *, today: date, limit: int = 20) -> list[DecisionOwner]:
    """Open decision parts of these schools, overdue first, then by deadline."""
    parts = list(open_parts(school_ids).select_related("decision__meeting", "school")
                 .order_by("decision__due_on", "pk")[:limit])
    for p in parts:
        p.overdue = bool(p.decision.due_on and p.decision.due_on < today)  # type: ignore[attr-defined]
    return sorted(parts, key=lambda p: not p.overdue)  # type: ignore[attr-defined]


# --- the curator's view ------------------------------------------------------------------------


def curated_schools(user: UserLike, *, today: date) -> list[School]:
    """Schools on the user's curator lists or with a current curatorship of the user."""
    if not user.is_authenticated:
        return []
    listed = RoleAssignment.objects.filter(user=user, role=Role.CURATOR).values("schools")
    current = _current(Curatorship.objects.filter(curator=user), today).values("school_id")
    return list(School.objects.filter(Q(pk__in=listed) | Q(pk__in=current))
                .select_related("municipality").order_by("name"))


@dataclass
class CuratorView:
    rows: list[SchoolFigures]
    events: list[Event]
    decisions: list[DecisionOwner]


def curator_view(user: UserLike, *, year: int, today: date) -> CuratorView | None:
    schools = curated_schools(user, today=today)
    if not schools:
        return None
    ids = [s.pk for s in schools]
    return CuratorView(rows=school_figures(schools, year=year, today=today),
                       events=upcoming_events(ids, today=today), decisions=owed_decisions(ids, today=today))


# --- the school's view -------------------------------------------------------------------------


@dataclass
class SchoolView:
    figures: SchoolFigures
    mentoring: int
    visits: list[Visit]
    events: list[Event]
    decisions: list[DecisionOwner]
    partner_of: list[str]  # schools this school supports as a partner


def member_schools(user: UserLike) -> list[School]:
    """Schools where the user holds a school-level role that sees support (head, teacher, observer)."""
    ids = {a.school_id for a in access.assignments(user)
           if a.school_id and a.role in SCHOOL_ROLES and Perm.VIEW_SUPPORT in access.ROLE_PERMS[a.role]}
    return list(School.objects.filter(pk__in=ids).select_related("municipality").order_by("name"))


def school_views(user: UserLike, *, year: int, today: date) -> list[SchoolView]:
    schools = member_schools(user)
    if not schools:
        return []
    ids = [s.pk for s in schools]
    figures = school_figures(schools, year=year, today=today)
    pairs: dict[int, int] = defaultdict(int)
    for row in (_current(Mentoring.objects.filter(Q(mentor__school_id__in=ids) | Q(mentee__school_id__in=ids)),
                         today).values("mentor__school_id", "mentee__school_id")):
        for pk in {row["mentor__school_id"], row["mentee__school_id"]}:
            if pk in ids:
                pairs[pk] += 1
    partner_of: dict[int, list[str]] = defaultdict(list)
    for p in _current(Partnership.objects.filter(partner_id__in=ids), today).select_related("school"):
        partner_of[p.partner_id].append(p.school.name)
    views = []
    for f in figures:
        pk = f.school.pk
        visits = list(Visit.objects.filter(school_id=pk).prefetch_related("participants")
                      .order_by("-held_on", "-pk")[:RECENT_VISITS])
        views.append(SchoolView(figures=f, mentoring=pairs[pk], visits=visits,
                                events=upcoming_events([pk], today=today),
                                decisions=owed_decisions([pk], today=today), partner_of=partner_of[pk]))
    return views


# --- the territory's view ------------------------------------------------------------------------


@dataclass
class TerritoryView:
    rows: list[SchoolFigures]
    municipalities: list[Municipality]
    schools: int = 0
    without_curator: int = 0
    without_partner: int = 0
    without_visit: int = 0
    with_overdue: int = 0
    participation: int | None = None


def territory_municipalities(user: UserLike) -> QuerySet[Municipality]:
    return access.municipalities_for(user, Perm.VIEW_SUPPORT).order_by("name")


def listed_schools(user: UserLike, *, year: int, municipality: str = "") -> QuerySet[School]:
    """Schools of the region's approved list of the year (or of the year before) in the user's
    municipalities (whole ones)."""
    whole = territory_municipalities(user)
    listed = ListEntry.objects.filter(school=OuterRef("pk"), year_list__year__in=(year - 1, year),
                                      year_list__region=OuterRef("municipality__region"))
    qs = School.objects.filter(Exists(listed), municipality__in=whole).select_related("municipality")
    if municipality:
        qs = qs.filter(municipality__code=municipality)
    return qs.order_by("municipality__name", "name", "pk")


def territory_view(user: UserLike, *, year: int, today: date, municipality: str = "") -> TerritoryView | None:
    municipalities = list(territory_municipalities(user))
    if not municipalities:
        return None
    rows = school_figures(list(listed_schools(user, year=year, municipality=municipality)), year=year, today=today)
    invited = sum(r.invited for r in rows)
    return TerritoryView(
        rows=rows, municipalities=municipalities, schools=len(rows),
        without_curator=sum(1 for r in rows if not r.curators),
        without_partner=sum(1 for r in rows if not r.partners),
        without_visit=sum(1 for r in rows if not r.visits_year),
        with_overdue=sum(1 for r in rows if r.overdue_decisions),
        participation=round(100 * sum(r.attended for r in rows) / invited) if invited else None)
