"""Writes of the teachers' development: plans (ИОМ), their items, completed courses.

Every function checks that the actor holds MANAGE_DEVELOPMENT_PLANS for the teacher's school
through a school or municipality role (`access.staff_schools_for`), validates, and writes in one
transaction. Problems a user can fix raise `ValidationFailed` with Russian messages.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.core.years import is_valid_year, year_range_error
from opora.staff.models import CourseCompletion, DevelopmentPlan, PlanItem, PlanItemKind, StaffMember
from opora.staff.selectors_development import may_manage
from opora.support.models import Event, Mentoring


def _require(actor: User, staff: StaffMember) -> None:
    if not may_manage(actor, staff.school):
        raise AccessDenied(_("You may not change the development plans of this school."))


def _check_dates(starts_on: datetime.date | None, due_on: datetime.date | None) -> None:
    if starts_on and due_on and due_on < starts_on:
        raise ValidationFailed(_("The deadline cannot be earlier than the start."))


@transaction.atomic
def development_plan_create(*, actor: User, staff: StaffMember, year: int, goals: str = "") -> DevelopmentPlan:
    """A new plan of the teacher for the year (one per year)."""
    _require(actor, staff)
    if not staff.is_active:
        raise ValidationFailed(_("The teacher no longer works at the school."))
    if not is_valid_year(year):
        raise ValidationFailed(year_range_error())
    if DevelopmentPlan.objects.filter(staff=staff, year=year).exists():
        raise ValidationFailed(_("The teacher already has a development plan for %(year)d.") % {"year": year})
    try:
        with transaction.atomic():
            return DevelopmentPlan.objects.create(staff=staff, year=year, goals=goals.strip(), created_by=actor)
    except IntegrityError as error:
        raise ValidationFailed(
            _("The teacher already has a development plan for %(year)d.") % {"year": year}) from error


@transaction.atomic
def development_plan_update(*, actor: User, plan: DevelopmentPlan, goals: str) -> DevelopmentPlan:
    _require(actor, plan.staff)
    plan.goals = goals.strip()
    plan.save(update_fields=["goals", "updated_at"])
    return plan


@transaction.atomic
def development_plan_delete(*, actor: User, plan: DevelopmentPlan) -> None:
    _require(actor, plan.staff)
    if CourseCompletion.objects.filter(plan_item__plan=plan).exists():
        raise ValidationFailed(_("Courses completed under this plan are recorded: delete them first."))
    plan.delete()


def _check_links(plan: DevelopmentPlan, kind: str, event: Event | None, mentoring: Mentoring | None) -> None:
    if kind not in PlanItemKind.values:
        raise ValidationFailed(_("Choose the kind of the item."))
    school = plan.staff.school
    if event is not None:
        if kind != PlanItemKind.EVENT:
            raise ValidationFailed(_("An event can be linked only to an item of the kind «event»."))
        outside = event.region_id != school.municipality.region_id or (
            event.municipality_id is not None and event.municipality_id != school.municipality_id)
        if outside:
            raise ValidationFailed(_("The event is not held for this school's territory."))
    if mentoring is not None:
        if kind != PlanItemKind.MENTORING:
            raise ValidationFailed(_("A mentoring pair can be linked only to an item of the kind «mentoring»."))
        if mentoring.mentee_id != plan.staff_id:
            raise ValidationFailed(_("The teacher is not the mentee of this mentoring pair."))


@transaction.atomic
def plan_item_add(*, actor: User, plan: DevelopmentPlan, kind: str, title: str, area: str = "",
                  hours: int | None = None, starts_on: datetime.date | None = None,
                  due_on: datetime.date | None = None, event: Event | None = None,
                  mentoring: Mentoring | None = None, note: str = "") -> PlanItem:
    _require(actor, plan.staff)
    title = title.strip() or (event.title if event else "")
    if not title:
        raise ValidationFailed(_("Say what the teacher will do."))
    _check_dates(starts_on, due_on)
    _check_links(plan, kind, event, mentoring)
    item = PlanItem.objects.create(plan=plan, kind=kind, title=title[:500], area=area.strip()[:255], hours=hours,
                                   starts_on=starts_on, due_on=due_on, event=event, mentoring=mentoring,
                                   note=note.strip())
    plan.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def plan_item_update(*, actor: User, item: PlanItem, kind: str, title: str, area: str = "",
                     hours: int | None = None, starts_on: datetime.date | None = None,
                     due_on: datetime.date | None = None, event: Event | None = None,
                     mentoring: Mentoring | None = None, note: str = "") -> PlanItem:
    plan = item.plan
    _require(actor, plan.staff)
    title = title.strip() or (event.title if event else "")
    if not title:
        raise ValidationFailed(_("Say what the teacher will do."))
    _check_dates(starts_on, due_on)
    _check_links(plan, kind, event, mentoring)
    item.kind, item.title, item.area, item.hours = kind, title[:500], area.strip()[:255], hours
    item.starts_on, item.due_on, item.event, item.mentoring, item.note = starts_on, due_on, event, mentoring, note
    item.save()
    plan.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def plan_item_delete(*, actor: User, item: PlanItem) -> None:
    _require(actor, item.plan.staff)
    if item.completions.exists():
        raise ValidationFailed(_("A completed course is linked to this item: delete the course first."))
    item.delete()


@transaction.atomic
def plan_item_complete(*, actor: User, item: PlanItem, completed_on: datetime.date | None) -> PlanItem:
    """Mark the item done on `completed_on`, or open it again with None."""
    _require(actor, item.plan.staff)
    if completed_on is None and item.completions.exists():
        raise ValidationFailed(_("A completed course is linked to this item: delete the course to reopen it."))
    item.completed_on = completed_on
    item.save(update_fields=["completed_on"])
    return item


@transaction.atomic
def course_completion_record(*, actor: User, staff: StaffMember, title: str, completed_on: datetime.date,
                             provider: str = "", hours: int | None = None, certificate: str = "",
                             plan_item: PlanItem | None = None) -> CourseCompletion:
    """A course the teacher completed; when it is for a plan item, the item is closed with its date."""
    _require(actor, staff)
    title = title.strip() or (plan_item.title if plan_item else "")
    if not title:
        raise ValidationFailed(_("Give the course's title."))
    if plan_item is not None and plan_item.plan.staff_id != staff.pk:
        raise ValidationFailed(_("The plan item belongs to another teacher."))
    course = CourseCompletion.objects.create(
        staff=staff, title=title[:500], provider=provider.strip()[:300], hours=hours, completed_on=completed_on,
        certificate=certificate.strip()[:100], plan_item=plan_item)
    if plan_item is not None and plan_item.completed_on is None:
        plan_item.completed_on = completed_on
        plan_item.save(update_fields=["completed_on"])
    return course


@transaction.atomic
def course_completion_delete(*, actor: User, course: CourseCompletion) -> None:
    """Remove the record; an item it closed stays closed only if another course still covers it."""
    _require(actor, course.staff)
    item = course.plan_item
    course.delete()
    if item is not None and not item.completions.exists() and item.kind == PlanItemKind.COURSE:
        item.completed_on = None
        item.save(update_fields=["completed_on"])
