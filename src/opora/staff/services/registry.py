"""Writes to the staff registry and the vacancies of a school.

Only a school-level or municipality-level role with MANAGE_STAFF may change them
(`access.staff_schools_for(actor, Perm.MANAGE_STAFF)`): the registry holds personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import School, User
from opora.staff.models import AgeGroup, PositionKind, QualificationCategory, StaffMember, Vacancy

MAX_EXPERIENCE = 70


def may_manage_staff(user: User, school: School) -> bool:
    return access.staff_schools_for(user, Perm.MANAGE_STAFF).filter(pk=school.pk).exists()


def may_view_staff(user: User, school: School) -> bool:
    return access.staff_schools_for(user, Perm.VIEW_STAFF).filter(pk=school.pk).exists()


def _require_manage(actor: User, school: School) -> None:
    if not may_manage_staff(actor, school):
        raise AccessDenied(_("You may not change the staff registry of this school."))


def account_candidates(school: School) -> list[User]:
    """Accounts that may be linked to a person of the school: users holding a role at the school."""
    return list(User.objects.filter(role_assignments__school=school, is_active=True).distinct()
                .order_by("full_name", "username"))


@dataclass
class MemberData:
    """What a person's record holds (the form, the import and the demo fill it)."""

    full_name: str
    external_id: str = ""
    position_kind: str = PositionKind.TEACHER
    position: str = ""
    subjects: list[str] = field(default_factory=list)
    qualification_category: str = QualificationCategory.NONE
    experience_years: int | None = None
    age_group: str = ""
    user: User | None = None


def _check(school: School, data: MemberData, member: StaffMember | None) -> MemberData:
    errors: list[str] = []
    data.full_name = " ".join(data.full_name.split())
    data.external_id = data.external_id.strip()
    data.position = data.position.strip()
    data.subjects = [s.strip() for s in data.subjects if s.strip()]
    if not data.full_name:
        errors.append(_("Enter the full name."))
    elif len(data.full_name) > 255:
        errors.append(_("The full name is too long."))
    if len(data.external_id) > 64:
        errors.append(_("The staff number is too long (at most 64 characters)."))
    if data.position_kind not in PositionKind.values:
        errors.append(_("Choose a position from the list."))
    if data.qualification_category not in QualificationCategory.values:
        errors.append(_("Choose a qualification category from the list."))
    if data.age_group and data.age_group not in AgeGroup.values:
        errors.append(_("Choose an age group from the list."))
    if data.experience_years is not None and not 0 <= data.experience_years <= MAX_EXPERIENCE:
        errors.append(_("Teaching experience is from 0 to %(max)d years.") % {"max": MAX_EXPERIENCE})
    if data.external_id:
        taken = StaffMember.objects.filter(school=school, external_id=data.external_id)
        if member is not None:
            taken = taken.exclude(pk=member.pk)
        if taken.exists():
            errors.append(_("The staff number %(number)s is already used at this school.")
                          % {"number": data.external_id})
    if data.user is not None and data.user.pk not in {u.pk for u in account_candidates(school)}:
        errors.append(_("Only an account with a role at this school may be linked."))
    if errors:
        raise ValidationFailed(errors)
    return data


def _fill(member: StaffMember, data: MemberData) -> None:
    member.full_name = data.full_name
    member.external_id = data.external_id
    member.position_kind = data.position_kind
    member.position = data.position
    member.subjects = data.subjects
    member.qualification_category = data.qualification_category
    member.experience_years = data.experience_years
    member.age_group = data.age_group
    member.user = data.user


@transaction.atomic
def staff_member_create(*, actor: User, school: School, data: MemberData) -> StaffMember:
    _require_manage(actor, school)
    data = _check(school, data, None)
    member = StaffMember(school=school)
    _fill(member, data)
    member.save()
    return member


@transaction.atomic
def staff_member_update(*, actor: User, member: StaffMember, data: MemberData) -> StaffMember:
    _require_manage(actor, member.school)
    data = _check(member.school, data, member)
    _fill(member, data)
    member.save()
    return member


@transaction.atomic
def staff_member_leave(*, actor: User, member: StaffMember, left_on: date | None = None) -> StaffMember:
    """The person no longer works at the school: kept in the registry (plans, history), not counted."""
    _require_manage(actor, member.school)
    left_on = left_on or timezone.localdate()
    if not member.is_active:
        raise ValidationFailed(_("This person has already left the school."))
    if left_on > timezone.localdate():
        raise ValidationFailed(_("The date of leaving cannot be in the future."))
    member.is_active = False
    member.left_on = left_on
    member.save(update_fields=["is_active", "left_on", "updated_at"])
    return member


@transaction.atomic
def staff_member_return(*, actor: User, member: StaffMember) -> StaffMember:
    """Undo a leaving recorded by mistake (or the person came back)."""
    _require_manage(actor, member.school)
    member.is_active = True
    member.left_on = None
    member.save(update_fields=["is_active", "left_on", "updated_at"])
    return member


@transaction.atomic
def vacancy_create(*, actor: User, school: School, position_kind: str, subject: str = "",
                   rate: Decimal = Decimal(1), opened_on: date | None = None) -> Vacancy:
    _require_manage(actor, school)
    errors = []
    if position_kind not in PositionKind.values:
        errors.append(_("Choose a position from the list."))
    if not Decimal("0.1") <= rate <= Decimal(5):
        errors.append(_("The rate is from 0.1 to 5."))
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        errors.append(_("The vacancy cannot open in the future."))
    if len(subject.strip()) > 32:
        errors.append(_("The subject is too long."))
    if errors:
        raise ValidationFailed(errors)
    return Vacancy.objects.create(school=school, position_kind=position_kind, subject=subject.strip(), rate=rate,
                                  opened_on=opened_on)


@transaction.atomic
def vacancy_fill(*, actor: User, vacancy: Vacancy, filled_on: date | None = None) -> Vacancy:
    _require_manage(actor, vacancy.school)
    filled_on = filled_on or timezone.localdate()
    if vacancy.filled_on is not None:
        raise ValidationFailed(_("The vacancy is already filled."))
    if filled_on < vacancy.opened_on or filled_on > timezone.localdate():
        raise ValidationFailed(_("The vacancy is filled between its opening and today."))
    vacancy.filled_on = filled_on
    vacancy.save(update_fields=["filled_on"])
    return vacancy


@transaction.atomic
def vacancy_delete(*, actor: User, vacancy: Vacancy) -> None:
    """Remove a vacancy entered by mistake (a filled one stays: it is the school's history)."""
    _require_manage(actor, vacancy.school)
    if vacancy.filled_on is not None:
        raise ValidationFailed(_("A filled vacancy is kept."))
    vacancy.delete()
