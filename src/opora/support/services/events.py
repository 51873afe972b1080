"""Writes of the plan of events: events, invitations, registration and attendance.

Every function is keyword-only, checks access (AccessDenied) and input (ValidationFailed, Russian
messages through gettext) and writes in one transaction. Who may do what: see
`support.selectors_events`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Municipality, Region, School, User
from opora.staff.models import StaffMember
from opora.support.models import Event, EventKind, EventStatus, Invitation, Participant, ParticipantSource
from opora.support.selectors_events import can_manage, territory_schools, year_list_schools

EDITABLE = ("title", "kind", "starts_on", "ends_on", "period_text", "venue_school", "place", "responsible",
            "expected_result", "description", "capacity", "registration_open")


@dataclass(frozen=True)
class EventData:
    """What the form (or the demo, or the API) gives for an event."""

    title: str
    kind: str
    starts_on: date
    ends_on: date | None = None
    period_text: str = ""
    venue_school: School | None = None
    place: str = ""
    responsible: str = ""
    expected_result: str = ""
    description: str = ""
    capacity: int | None = None
    registration_open: bool = True


def _require_manage(actor: User, event: Event) -> None:
    if not can_manage(actor, event):
        raise AccessDenied(_("You may not manage this event."))


def _check(data: EventData, region_id: int, municipality_id: int | None) -> None:
    errors = []
    if not data.title.strip():
        errors.append(_("Enter the title of the event."))
    if data.kind not in EventKind.values:
        errors.append(_("Choose the kind of the event."))
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors.append(_("The end cannot be earlier than the start."))
    if data.capacity is not None and data.capacity < 1:
        errors.append(_("The number of places must be at least 1."))
    school = data.venue_school
    if school is not None and (school.municipality.region_id != region_id
                               or (municipality_id is not None and school.municipality_id != municipality_id)):
        errors.append(_("The host school must be in the event's territory."))
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def event_create(*, actor: User, data: EventData, municipality: Municipality | None = None,
                 region: Region | None = None, responsible_users: Iterable[User] = ()) -> Event:
    """A new planned event of a municipality's plan (or the region's, when `municipality` is None)."""
    if municipality is not None:
        region = municipality.region
        if not access.can_on_municipality(actor, Perm.MANAGE_EVENTS, municipality):
            raise AccessDenied(_("You may not plan events of this municipality."))
    elif region is None or not access.can_on_region(actor, Perm.MANAGE_EVENTS, region):
        raise AccessDenied(_("You may not plan events of the region."))
    _check(data, region.pk, municipality.pk if municipality else None)
    event = Event.objects.create(region=region, municipality=municipality, created_by=actor,
                                 **{name: getattr(data, name) for name in EDITABLE})
    event.title = event.title.strip()
    event.save(update_fields=["title"])
    event.responsible_users.set(list(responsible_users))
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, data: EventData,
                 responsible_users: Iterable[User] | None = None) -> Event:
    _require_manage(actor, event)
    _check(data, event.region_id, event.municipality_id)
    if data.capacity is not None and event.participants.count() > data.capacity:
        raise ValidationFailed(_("More people are registered than the new number of places."))
    for name in EDITABLE:
        setattr(event, name, getattr(data, name))
    event.title = event.title.strip()
    event.save()
    if responsible_users is not None:
        event.responsible_users.set(list(responsible_users))
    return event


@transaction.atomic
def event_set_status(*, actor: User, event: Event, status: str, today: date | None = None) -> Event:
    """Planned → held (not before its start) or cancelled; either back to planned."""
    _require_manage(actor, event)
    today = today or timezone.localdate()
    if status not in EventStatus.values:
        raise ValidationFailed(_("Unknown status."))
    if status == EventStatus.HELD and event.starts_on > today:
        raise ValidationFailed(_("An event cannot be marked as held before its start date."))
    if status == EventStatus.CANCELLED and event.participants.filter(attended=True).exists():
        raise ValidationFailed(_("Attendance is recorded: the event cannot be cancelled."))
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    return event


# --- Invitations ---------------------------------------------------------------------------------


@transaction.atomic
def invitations_add(*, actor: User, event: Event, schools: Iterable[School]) -> int:
    """Invite these schools (of the event's territory); returns how many were newly invited."""
    _require_manage(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationFailed(_("The event is cancelled."))
    chosen = {s.pk for s in schools}
    allowed = set(territory_schools(event).filter(pk__in=chosen).values_list("pk", flat=True))
    if chosen - allowed:
        raise ValidationFailed(_("Only schools of the event's territory can be invited."))
    existing = set(event.invitations.values_list("school_id", flat=True))
    new = [Invitation(event=event, school_id=pk) for pk in sorted(allowed - existing)]
    Invitation.objects.bulk_create(new)
    return len(new)


def invitations_add_year_list(*, actor: User, event: Event) -> int:
    """Invite every school of the approved list of the event's year within its territory."""
    schools = list(year_list_schools(event))
    if not schools:
        raise ValidationFailed(_("There is no approved list of schools for %(year)s in this territory.")
                               % {"year": event.starts_on.year})
    return invitations_add(actor=actor, event=event, schools=schools)


@transaction.atomic
def invitation_remove(*, actor: User, event: Event, school: School) -> None:
    """Withdraw an invitation and the school's registrations; not once someone of it attended."""
    _require_manage(actor, event)
    if event.participants.filter(school=school, attended=True).exists():
        raise ValidationFailed(_("People of this school attended: the invitation cannot be withdrawn."))
    event.participants.filter(school=school).delete()
    event.invitations.filter(school=school).delete()


# --- Registration --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    full_name: str
    position: str = ""


def parse_people(text: str) -> list[Typed]:
    """One person a line: «Фамилия Имя Отчество, должность» (the position may be left out)."""
    out = []
    for line in text.splitlines():
        name, _sep, position = line.partition(",")
        name = " ".join(name.split())
        if name:
            out.append(Typed(full_name=name[:255], position=" ".join(position.split())[:255]))
    return out


def _may_register(actor: User, event: Event, school: School) -> bool:
    return can_manage(actor, event) or access.can_on_school(actor, Perm.REGISTER_FOR_EVENTS, school)


def _key(name: str) -> str:
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").lower().split())


@transaction.atomic
def participants_register(*, actor: User, event: Event, school: School, staff: Iterable[StaffMember] = (),
                          typed: Iterable[Typed] = ()) -> list[Participant]:
    """Register people of an invited school: staff registry rows and/or typed names."""
    if not _may_register(actor, event, school):
        raise AccessDenied(_("You may not register participants of this school."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.PLANNED:
        raise ValidationFailed(_("Registration is possible only for a planned event."))
    if not event.registration_open and not can_manage(actor, event):
        raise ValidationFailed(_("Registration for this event is closed."))
    if not event.invitations.filter(school=school).exists():
        raise ValidationFailed(_("The school is not invited to this event."))
    staff = list(staff)
    typed = list(typed)
    if not staff and not typed:
        raise ValidationFailed(_("Choose people from the staff list or type their names."))
    if any(m.school_id != school.pk or not m.is_active for m in staff):
        raise ValidationFailed(_("Only people working at the school can be chosen."))
    present = event.participants.filter(school=school)
    taken_staff = set(present.exclude(staff=None).values_list("staff_id", flat=True))
    taken_names = {_key(n) for n in present.values_list("full_name", flat=True)}
    new: list[Participant] = []
    for member in staff:
        if member.pk in taken_staff or _key(member.full_name) in taken_names:
            continue
        taken_names.add(_key(member.full_name))
        position = member.position or str(member.get_position_kind_display())
        new.append(Participant(event=event, school=school, staff=member, user_id=member.user_id,
                               full_name=member.full_name, position=position,
                               source=ParticipantSource.REGISTRATION))
    for person in typed:
        if _key(person.full_name) in taken_names:
            continue
        taken_names.add(_key(person.full_name))
        new.append(Participant(event=event, school=school, full_name=person.full_name, position=person.position,
                               source=ParticipantSource.REGISTRATION))
    if event.capacity is not None:
        free = event.capacity - event.participants.count()
        if len(new) > free:
            raise ValidationFailed(_("Not enough places: %(free)s left, %(asked)s asked for.")
                                   % {"free": max(free, 0), "asked": len(new)})
    Participant.objects.bulk_create(new)
    return new


@transaction.atomic
def participant_remove(*, actor: User, participant: Participant) -> None:
    event = participant.event
    if participant.school is None:
        _require_manage(actor, event)
    elif not _may_register(actor, event, participant.school):
        raise AccessDenied(_("You may not change the participants of this school."))
    if participant.attended:
        raise ValidationFailed(_("The person attended: the record stays."))
    if event.status != EventStatus.PLANNED and not can_manage(actor, event):
        raise ValidationFailed(_("The event is no longer planned: ask its organisers."))
    participant.delete()


# --- Attendance ----------------------------------------------------------------------------------


def _require_attendance(actor: User, event: Event, today: date | None) -> None:
    _require_manage(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise ValidationFailed(_("The event is cancelled."))
    if event.starts_on > (today or timezone.localdate()):
        raise ValidationFailed(_("Attendance is taken on the day of the event or later."))


@transaction.atomic
def attendance_mark(*, actor: User, participant: Participant, attended: bool, today: date | None = None) -> Participant:
    _require_attendance(actor, participant.event, today)
    participant.attended = attended
    participant.marked_at = timezone.now()
    participant.save(update_fields=["attended", "marked_at"])
    return participant


@transaction.atomic
def walk_in_add(*, actor: User, event: Event, full_name: str, position: str = "", school: School | None = None,
                today: date | None = None) -> Participant:
    """Someone who came without registration: recorded as present."""
    _require_attendance(actor, event, today)
    name = " ".join(full_name.split())
    if not name:
        raise ValidationFailed(_("Enter the person's full name."))
    if school is not None and not territory_schools(event).filter(pk=school.pk).exists():
        raise ValidationFailed(_("The school is not in the event's territory."))
    existing = [p for p in event.participants.filter(school=school) if _key(p.full_name) == _key(name)]
    if existing:
        return attendance_mark(actor=actor, participant=existing[0], attended=True, today=today)
    return Participant.objects.create(event=event, school=school, full_name=name[:255], position=position.strip()[:255],
                                      source=ParticipantSource.ON_THE_DAY, attended=True, marked_at=timezone.now())


def participants_of(event: Event) -> list[Participant]:
    return list(event.participants.select_related("school").order_by("school__name", "full_name", "pk"))
