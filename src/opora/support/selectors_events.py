"""Reads of the plan of events, always scoped through `core.access`.

Who sees an event: a municipal event — users holding VIEW_SUPPORT for its municipality as a whole
(region-wide roles included) or for a school invited to it or hosting it; a regional event
(no municipality) — region-wide roles and the schools invited/hosting. The people running it
(responsible users, its author) always see it.

Who manages it: MANAGE_EVENTS for its municipality as a whole, or for its region when regional.
Who registers: REGISTER_FOR_EVENTS on an invited school (the head), or whoever manages the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Region, School, User
from opora.identification.models import ListEntry
from opora.support.models import Event, EventStatus, Invitation, Participant, ParticipantSource

UserLike = User | AnonymousUser


def _visible_schools(user: UserLike) -> QuerySet[School]:
    return access.schools_for(user, Perm.VIEW_SUPPORT)


def events_for(user: UserLike) -> QuerySet[Event]:
    """Every event the user may see."""
    if access.is_superuser(user):
        return Event.objects.all()
    if not user.is_authenticated:
        return Event.objects.none()
    schools = _visible_schools(user)
    invited = Invitation.objects.filter(event=OuterRef("pk"), school__in=schools)
    runs = Event.responsible_users.through.objects.filter(event_id=OuterRef("pk"), user_id=user.pk)
    return Event.objects.filter(
        Q(municipality__in=access.municipalities_for(user, Perm.VIEW_SUPPORT))
        | Q(municipality__isnull=True, region__in=access.regions_for(user, Perm.VIEW_SUPPORT))
        | Q(venue_school__in=schools)
        | Q(Exists(invited))
        | Q(Exists(runs))
        | Q(created_by=user)
    )


def event_for(user: UserLike, pk: int) -> Event | None:
    """The event, if the user may see it."""
    return (events_for(user).filter(pk=pk)
            .select_related("region", "municipality", "venue_school", "created_by").first())


def can_manage(user: UserLike, event: Event) -> bool:
    if (municipality := event.municipality) is not None:
        return access.can_on_municipality(user, Perm.MANAGE_EVENTS, municipality)
    return access.can_on_region(user, Perm.MANAGE_EVENTS, event.region)


def can_create_events(user: UserLike) -> bool:
    return access.has_perm_anywhere(user, Perm.MANAGE_EVENTS) and (
        access.municipalities_for(user, Perm.MANAGE_EVENTS).exists()
        or access.regions_for(user, Perm.MANAGE_EVENTS).exists())


def managed_municipalities(user: UserLike) -> QuerySet[Municipality]:
    return access.municipalities_for(user, Perm.MANAGE_EVENTS).select_related("region").order_by("name")


def managed_regions(user: UserLike) -> QuerySet[Region]:
    return access.regions_for(user, Perm.MANAGE_EVENTS).order_by("name")


def territory_schools(event: Event) -> QuerySet[School]:
    """Schools that may be invited: the municipality's, or the region's for a regional event."""
    if event.municipality_id is not None:
        return School.objects.filter(municipality_id=event.municipality_id)
    return School.objects.filter(municipality__region_id=event.region_id)


def year_list_schools(event: Event) -> QuerySet[School]:
    """Schools of the approved list of the event's year, within the event's territory."""
    entries = ListEntry.objects.filter(year_list__region_id=event.region_id,
                                       year_list__year=event.starts_on.year).values("school_id")
    return territory_schools(event).filter(pk__in=entries)


def registrable_schools(user: UserLike, event: Event) -> list[School]:
    """Invited schools for which the user may register participants."""
    invited = list(School.objects.filter(event_invitations__event=event).select_related("municipality")
                   .order_by("name"))
    if can_manage(user, event):
        return invited
    return [s for s in invited if access.can_on_school(user, Perm.REGISTER_FOR_EVENTS, s)]


def names_visible_for(user: UserLike, event: Event) -> set[int] | None:
    """Schools whose participants the user may see by name; None: all of them (the organisers)."""
    if can_manage(user, event):
        return None
    return {s.pk for s in registrable_schools(user, event)}


# --- Figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    invited: int
    schools_came: int
    registered: int
    registered_came: int
    came: int
    taken: bool  # attendance was recorded for at least one participant

    @property
    def schools_percent(self) -> int | None:
        return round(100 * self.schools_came / self.invited) if self.invited else None

    @property
    def registered_percent(self) -> int | None:
        return round(100 * self.registered_came / self.registered) if self.registered else None


def _count(qs: QuerySet[Any]) -> Coalesce:
    return Coalesce(Subquery(qs.order_by().values("event").annotate(n=Count("pk")).values("n")[:1],
                             output_field=IntegerField()), Value(0))


def with_figures(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate the participation figures with subqueries (one query for a whole list)."""
    people = Participant.objects.filter(event=OuterRef("pk"))
    came_schools = Participant.objects.filter(event=OuterRef("event"), school=OuterRef("school"), attended=True)
    return events.annotate(
        n_invited=_count(Invitation.objects.filter(event=OuterRef("pk"))),
        n_schools_came=_count(Invitation.objects.filter(event=OuterRef("pk")).filter(Exists(came_schools))),
        n_registered=_count(people.filter(source=ParticipantSource.REGISTRATION)),
        n_registered_came=_count(people.filter(source=ParticipantSource.REGISTRATION, attended=True)),
        n_came=_count(people.filter(attended=True)),
        n_people=_count(people),
        n_taken=_count(people.filter(attended__isnull=False)),
    )


def rates_of(event: Event) -> Rates:
    """The figures of one event (annotated by `with_figures`, or read now)."""
    # The annotations are attributes the model's type does not have.
    figures: Any = event if hasattr(event, "n_invited") else with_figures(Event.objects.filter(pk=event.pk)).get()
    return Rates(invited=figures.n_invited, schools_came=figures.n_schools_came, registered=figures.n_registered,
                 registered_came=figures.n_registered_came, came=figures.n_came, taken=bool(figures.n_taken))


def plan_events(user: UserLike, *, year: int | None = None, municipality: str = "", kind: str = "",
                status: str = "", school: str = "") -> QuerySet[Event]:
    """The plan of events the user sees, filtered; with figures; in the plan's order."""
    events = events_for(user)
    if year:
        events = events.filter(starts_on__year=year)
    if municipality == "region":
        events = events.filter(municipality__isnull=True)
    elif municipality:
        events = events.filter(municipality__code=municipality)
    if kind:
        events = events.filter(kind=kind)
    if status:
        events = events.filter(status=status)
    if school:
        # Filtering by a school outside the user's reach would tell whether it is invited: answer nothing.
        if not access.schools_for(user, Perm.VIEW_SUPPORT).filter(code=school).exists():
            return events.none()
        events = events.filter(Q(invitations__school__code=school) | Q(venue_school__code=school)).distinct()
    return with_figures(events.select_related("municipality", "venue_school")).order_by("starts_on", "pk")


@dataclass(frozen=True)
class SchoolParticipation:
    school: School
    invited: int  # events held (or past) the school was invited to
    attended: int  # of those, with at least one participant present
    people: int  # participants present, over all events
    upcoming: int  # planned events ahead the school is invited to

    @property
    def percent(self) -> int | None:
        return round(100 * self.attended / self.invited) if self.invited else None


def _participation(schools: QuerySet[School], events: QuerySet[Any], today: date) -> QuerySet[Any]:
    """Annotate `p_invited` (past or held events invited to, cancelled ones left out), `p_attended`
    (of those, with someone present), `p_people` (people present), `p_upcoming` (planned, ahead)."""
    past = Q(event__status=EventStatus.HELD) | Q(event__starts_on__lte=today, event__status=EventStatus.PLANNED)
    invitations = Invitation.objects.filter(school=OuterRef("pk"), event__in=events)
    came = Participant.objects.filter(event=OuterRef("event"), school=OuterRef("school"), attended=True)

    def count(sub: QuerySet[Any]) -> Coalesce:
        return Coalesce(Subquery(sub.order_by().values("school").annotate(n=Count("pk")).values("n")[:1],
                                 output_field=IntegerField()), Value(0))

    return schools.filter(Exists(invitations)).annotate(
        p_invited=count(invitations.filter(past)),
        p_attended=count(invitations.filter(past).filter(Exists(came))),
        p_people=count(Participant.objects.filter(school=OuterRef("pk"), event__in=events, attended=True)),
        p_upcoming=count(invitations.filter(event__status=EventStatus.PLANNED, event__starts_on__gt=today)),
    )


def school_participation(user: UserLike, *, year: int, municipality: str = "", today: date) -> QuerySet[Any]:
    """Schools in the user's scope invited to at least one event of the year (that the user sees),
    annotated as `_participation` says (one query); ordered by municipality and name."""
    events = events_for(user).filter(starts_on__year=year).values("pk")
    schools = _visible_schools(user)
    if municipality:
        schools = schools.filter(municipality__code=municipality)
    return _participation(schools, events, today).select_related("municipality").order_by(
        "municipality__name", "name", "pk")


def participation_by_school(school_ids: list[int], *, year: int, today: date) -> dict[int, SchoolParticipation]:
    """Figures for schools the caller has already scoped (the support hub): one query.
    Schools invited to nothing that year are absent."""
    events = Event.objects.filter(starts_on__year=year).values("pk")
    return {s.pk: SchoolParticipation(school=s, invited=s.p_invited, attended=s.p_attended, people=s.p_people,
                                      upcoming=s.p_upcoming)
            for s in _participation(School.objects.filter(pk__in=school_ids), events, today)}


def upcoming_for(user: UserLike, *, today: date, limit: int = 5) -> list[Event]:
    """The next planned events the user's own schools are invited to, or the user runs."""
    if not user.is_authenticated:
        return []
    own = set()
    for a in access.assignments(user):
        if Perm.VIEW_SUPPORT not in access.ROLE_PERMS[a.role]:
            continue
        if a.school_id:
            own.add(a.school_id)
        elif not (a.region_id or a.municipality_id):
            own.update(s.pk for s in a.schools.all())
    runs = Event.responsible_users.through.objects.filter(event_id=OuterRef("pk"), user_id=user.pk)
    q = Q(Exists(runs)) | Q(created_by=user)
    if own:
        q |= Q(Exists(Invitation.objects.filter(event=OuterRef("pk"), school_id__in=own)))
    manages = access.municipalities_for(user, Perm.MANAGE_EVENTS)
    if not access.is_superuser(user):
        q |= Q(municipality__in=manages)
    return list(Event.objects.filter(q, status=EventStatus.PLANNED, starts_on__gte=today)
                .select_related("municipality", "venue_school").order_by("starts_on", "pk")[:limit])
