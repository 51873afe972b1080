"""Curators, partner schools and mentoring pairs: every write checks access and runs in one
transaction. A curatorship also keeps the curator's `curator` role in step: the school is on the
role's list while a current curatorship covers it, so access follows the record."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Role, RoleAssignment, School, User
from opora.staff.models import StaffMember
from opora.support.models import Curatorship, Mentoring, Partnership
from opora.support.selectors_network import curator_choices

# --- checks ------------------------------------------------------------------------------------


def _require_manage(actor: User, school: School) -> None:
    if not access.can_on_school(actor, Perm.MANAGE_SUPPORT, school):
        raise AccessDenied(_("You may not assign curators or partners to this school."))


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed(_("The end date cannot be earlier than the start date."))


def _curator_role(user: User) -> RoleAssignment | None:
    return (RoleAssignment.objects.filter(user=user, role=Role.CURATOR, region__isnull=True,
                                          municipality__isnull=True, school__isnull=True)
            .order_by("pk").first())


# --- curatorship -------------------------------------------------------------------------------


@transaction.atomic
def curatorship_assign(*, actor: User, school: School, curator: User, starts_on: date,
                       goals: str = "") -> Curatorship:
    """Make `curator` the school's curator from `starts_on` and add the school to their role."""
    _require_manage(actor, school)
    choice = next((c for c in curator_choices(school) if c.user.pk == curator.pk), None)
    if choice is None:
        raise ValidationFailed(_("A curator is a head or deputy of another school of the region, or a "
                                 "municipal specialist."))
    if Curatorship.objects.filter(school=school, curator=curator, ends_on__isnull=True).exists():
        raise ValidationFailed(_("%(name)s is already a curator of this school.") % {"name": curator})
    record = Curatorship.objects.create(school=school, curator=curator, curator_school=choice.school,
                                        starts_on=starts_on, goals=goals.strip(), created_by=actor)
    role = _curator_role(curator)
    if role is None:
        role = RoleAssignment(user=curator, role=Role.CURATOR, created_by=actor)
        role._history_user = actor  # type: ignore[attr-defined]
        role.save()
    role._history_user = actor  # type: ignore[attr-defined]
    role.schools.add(school)
    access.forget(curator)
    return record


PeriodRecord = TypeVar("PeriodRecord", Curatorship, Partnership, Mentoring)


def _end_on(record: PeriodRecord, ends_on: date | None, *, already_ended: str) -> PeriodRecord:
    """Close the record's period (today by default): shared by partnerships and mentoring pairs."""
    if record.ends_on is not None and record.ends_on <= timezone.localdate():
        raise ValidationFailed(already_ended)
    ends_on = ends_on or timezone.localdate()
    _check_dates(record.starts_on, ends_on)
    record.ends_on = ends_on
    record.save(update_fields=["ends_on"])
    return record


def _set_start_and_goals(record: PeriodRecord, starts_on: date, goals: str) -> PeriodRecord:
    _check_dates(starts_on, record.ends_on)
    record.starts_on = starts_on
    record.goals = goals.strip()
    record.save(update_fields=["starts_on", "goals"])
    return record


@transaction.atomic
def curatorship_end(*, actor: User, curatorship: Curatorship, ends_on: date | None = None) -> Curatorship:
    """End the curatorship and take the school off the curator's list (unless another current
    curatorship of the same person covers it)."""
    _require_manage(actor, curatorship.school)
    if curatorship.ends_on is not None:
        raise ValidationFailed(_("This curatorship has already ended."))
    ends_on = ends_on or timezone.localdate()
    _check_dates(curatorship.starts_on, ends_on)
    if ends_on > timezone.localdate():
        raise ValidationFailed(_("A curatorship ends today or on a past date."))
    curatorship.ends_on = ends_on
    curatorship.save(update_fields=["ends_on"])
    still = Curatorship.objects.filter(school=curatorship.school, curator=curatorship.curator,
                                       ends_on__isnull=True).exists()
    role = _curator_role(curatorship.curator)
    if role is not None and not still:
        role._history_user = actor  # type: ignore[attr-defined]
        role.schools.remove(curatorship.school)
    access.forget(curatorship.curator)
    return curatorship


@transaction.atomic
def curatorship_update(*, actor: User, curatorship: Curatorship, starts_on: date, goals: str) -> Curatorship:
    _require_manage(actor, curatorship.school)
    return _set_start_and_goals(curatorship, starts_on, goals)


# --- partnership -------------------------------------------------------------------------------


@transaction.atomic
def partnership_create(*, actor: User, school: School, partner: School, starts_on: date, goals: str = "",
                       ends_on: date | None = None) -> Partnership:
    """Pair the supported `school` with `partner` (another school of the same region)."""
    _require_manage(actor, school)
    if partner.pk == school.pk:
        raise ValidationFailed(_("A school cannot be its own partner."))
    if partner.municipality.region_id != school.municipality.region_id:
        raise ValidationFailed(_("The partner school must be in the same region."))
    _check_dates(starts_on, ends_on)
    if Partnership.objects.filter(school=school, partner=partner, ends_on__isnull=True).exists():
        raise ValidationFailed(_("These schools are already partners."))
    try:
        with transaction.atomic():
            return Partnership.objects.create(school=school, partner=partner, starts_on=starts_on,
                                              ends_on=ends_on, goals=goals.strip(), created_by=actor)
    except IntegrityError as exc:
        raise ValidationFailed(_("These schools are already partners.")) from exc


@transaction.atomic
def partnership_end(*, actor: User, partnership: Partnership, ends_on: date | None = None) -> Partnership:
    _require_manage(actor, partnership.school)
    return _end_on(partnership, ends_on, already_ended=_("This partnership has already ended."))


@transaction.atomic
def partnership_update(*, actor: User, partnership: Partnership, starts_on: date, goals: str) -> Partnership:
    _require_manage(actor, partnership.school)
    return _set_start_and_goals(partnership, starts_on, goals)


# --- mentoring ---------------------------------------------------------------------------------


def _require_mentoring(actor: User, *members: StaffMember) -> None:
    allowed = access.staff_schools_for(actor, Perm.MANAGE_MENTORING)
    ids = {m.school_id for m in members}
    if allowed.filter(pk__in=ids).count() != len(ids):
        raise AccessDenied(_("You may not pair teachers of this school."))


@transaction.atomic
def mentoring_create(*, actor: User, mentor: StaffMember, mentee: StaffMember, starts_on: date,
                     goals: str = "", partnership: Partnership | None = None,
                     ends_on: date | None = None) -> Mentoring:
    """Pair a mentee with a mentor (both from the staff registry), optionally within a partnership."""
    _require_mentoring(actor, mentor, mentee)
    if mentor.pk == mentee.pk:
        raise ValidationFailed(_("A teacher cannot mentor themselves."))
    if not mentor.is_active or not mentee.is_active:
        raise ValidationFailed(_("Both teachers must work at their schools."))
    _check_dates(starts_on, ends_on)
    if partnership is not None and {partnership.school_id, partnership.partner_id} != {mentor.school_id,
                                                                                    mentee.school_id}:
        raise ValidationFailed(_("The partnership must join the mentor's and the mentee's schools."))
    if Mentoring.objects.filter(mentor=mentor, mentee=mentee, ends_on__isnull=True).exists():
        raise ValidationFailed(_("This mentoring pair already exists."))
    return Mentoring.objects.create(mentor=mentor, mentee=mentee, partnership=partnership, starts_on=starts_on,
                                    ends_on=ends_on, goals=goals.strip(), created_by=actor)


@transaction.atomic
def mentoring_end(*, actor: User, mentoring: Mentoring, ends_on: date | None = None) -> Mentoring:
    _require_mentoring(actor, mentoring.mentee)
    return _end_on(mentoring, ends_on, already_ended=_("This mentoring pair has already ended."))


@transaction.atomic
def mentoring_update(*, actor: User, mentoring: Mentoring, starts_on: date, goals: str) -> Mentoring:
    _require_mentoring(actor, mentoring.mentee)
    return _set_start_and_goals(mentoring, starts_on, goals)
