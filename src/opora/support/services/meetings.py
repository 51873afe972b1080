"""Meetings, their decisions and each owner's part of a decision (every write goes through here).

The meeting's owner (MANAGE_MEETINGS for its municipality, or its region for a regional meeting)
records the protocol: attendees, agenda, decisions with deadlines and owners — people, or schools
(«руководителям ОО: …» is one part per school, reported by the school's head). Each owner closes
their part with evidence (text and/or a file checked like the roadmaps' files); the decision is
done when every part is. The owner may also close or cancel a decision as a whole, and reopen.
"""

from __future__ import annotations

import uuid
from datetime import date, time
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Municipality, Region, School, User
from opora.plans.services.attachments import check_upload
from opora.support import selectors_meetings as selectors
from opora.support.models import Decision, DecisionOwner, DecisionStatus, Meeting

MEETING_FIELDS = ("number", "title", "topic", "held_on", "starts_at", "place", "chair", "secretary", "approver",
                  "attendees_text")


def _require_manage(actor: User, meeting: Meeting) -> None:
    if not selectors.may_manage(actor, meeting):
        raise AccessDenied(_("Only the meeting's organisers change its protocol and decisions."))


def _clean_agenda(agenda: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    items = []
    for item in agenda or []:
        row = {key: str((item or {}).get(key) or "").strip() for key in ("title", "speaker", "heard")}
        if any(row.values()):
            if not row["title"]:
                raise ValidationFailed(_("Each agenda item needs a title."))
            items.append(row)
    return items


def _clean_meeting(fields: dict[str, Any]) -> dict[str, Any]:
    data = {key: fields.get(key) for key in MEETING_FIELDS}
    for key in MEETING_FIELDS:
        if key not in ("held_on", "starts_at"):
            data[key] = str(data[key] or "").strip()
    problems = []
    if not data["title"]:
        problems.append(_("Name the meeting."))
    if not isinstance(data["held_on"], date):
        problems.append(_("Give the date of the meeting."))
    if data["starts_at"] is not None and not isinstance(data["starts_at"], time):
        problems.append(_("The time is not readable."))
    if problems:
        raise ValidationFailed(problems)
    return data


@transaction.atomic
def meeting_create(*, actor: User, region: Region, municipality: Municipality | None, fields: dict[str, Any],
                   attendees: list[User] | None = None, agenda: list[dict[str, Any]] | None = None) -> Meeting:
    if municipality is not None:
        if municipality.region_id != region.pk:
            raise ValidationFailed(_("The municipality belongs to another region."))
        allowed = access.can_on_municipality(actor, Perm.MANAGE_MEETINGS, municipality)
    else:
        allowed = access.can_on_region(actor, Perm.MANAGE_MEETINGS, region)
    if not allowed:
        raise AccessDenied(_("You may not hold meetings here."))
    meeting = Meeting.objects.create(region=region, municipality=municipality, created_by=actor,
                                     agenda=_clean_agenda(agenda), **_clean_meeting(fields))
    if attendees:
        meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, fields: dict[str, Any], attendees: list[User] | None = None,
                   agenda: list[dict[str, Any]] | None = None) -> Meeting:
    _require_manage(actor, meeting)
    for key, value in _clean_meeting(fields).items():
        setattr(meeting, key, value)
    if agenda is not None:
        meeting.agenda = _clean_agenda(agenda)
    meeting.save()
    if attendees is not None:
        meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def meeting_delete(*, actor: User, meeting: Meeting) -> None:
    _require_manage(actor, meeting)
    files = [p.evidence_file for p in DecisionOwner.objects.filter(decision__meeting=meeting) if p.evidence_file]
    meeting.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


# --- decisions ---------------------------------------------------------------------------------


def _clean_decision(number: str, text: str, due_on: date | None, owners_text: str) -> dict[str, Any]:
    text = str(text or "").strip()
    if not text:
        raise ValidationFailed(_("Write what was decided."))
    return {"number": str(number or "").strip()[:16], "text": text, "due_on": due_on,
            "owners_text": str(owners_text or "").strip()[:1000]}


def year_list_schools(meeting: Meeting) -> tuple[int | None, list[School]]:
    """The region's approved list for the meeting's year (or the latest before it): its year and its
    schools, those of the meeting's municipality only when the meeting is a municipal one."""
    from opora.identification.models import ListEntry, YearList

    lists = YearList.objects.filter(region_id=meeting.region_id).order_by("-year")
    year_list = lists.filter(year__lte=meeting.held_on.year).first() or lists.first()
    if year_list is None:
        return None, []
    entries = ListEntry.objects.filter(year_list=year_list)
    if meeting.municipality_id:
        entries = entries.filter(school__municipality_id=meeting.municipality_id)
    return year_list.year, list(School.objects.filter(pk__in=entries.values("school_id")).order_by("name"))


def _check_owner_schools(meeting: Meeting, schools: list[School]) -> None:
    for school in schools:
        wrong = (school.municipality_id != meeting.municipality_id if meeting.municipality_id
                 else school.municipality.region_id != meeting.region_id)
        if wrong:
            raise ValidationFailed(_("School «%(school)s» is outside the meeting's territory.")
                                   % {"school": school.name})


@transaction.atomic
def decision_add(*, actor: User, meeting: Meeting, text: str, number: str = "", due_on: date | None = None,
                 owners_text: str = "", users: list[User] | None = None, schools: list[School] | None = None,
                 year_list: bool = False) -> Decision:
    """A decision of the meeting with its owners; `year_list` adds every school of the year's list."""
    _require_manage(actor, meeting)
    position = (meeting.decisions.aggregate(top=Max("position"))["top"] or 0) + 1
    data = _clean_decision(number, text, due_on, owners_text)
    if not data["number"]:
        data["number"] = str(position)
    decision = Decision.objects.create(meeting=meeting, position=position, **data)
    owners_add(actor=actor, decision=decision, users=users or [], schools=schools or [], year_list=year_list)
    return decision


@transaction.atomic
def decision_update(*, actor: User, decision: Decision, text: str, number: str = "", due_on: date | None = None,
                    owners_text: str = "") -> Decision:
    _require_manage(actor, decision.meeting)
    for key, value in _clean_decision(number or decision.number, text, due_on, owners_text).items():
        setattr(decision, key, value)
    decision.save()
    return decision


@transaction.atomic
def decision_delete(*, actor: User, decision: Decision) -> None:
    _require_manage(actor, decision.meeting)
    files = [p.evidence_file for p in decision.owners.all() if p.evidence_file]
    decision.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


@transaction.atomic
def owners_add(*, actor: User, decision: Decision, users: list[User] | None = None,
               schools: list[School] | None = None, year_list: bool = False) -> int:
    """Add owners (people and/or schools, one part each); existing owners are kept. Returns how many were added."""
    _require_manage(actor, decision.meeting)
    schools = list(schools or [])
    if year_list:
        _year, on_list = year_list_schools(decision.meeting)
        if not on_list:
            raise ValidationFailed(_("There is no approved list of schools for the meeting's territory."))
        schools += on_list
    _check_owner_schools(decision.meeting, schools)
    have_users = set(decision.owners.filter(user__isnull=False).values_list("user_id", flat=True))
    have_schools = set(decision.owners.filter(school__isnull=False).values_list("school_id", flat=True))
    new = []
    for user in users or []:
        if user.pk not in have_users:
            have_users.add(user.pk)
            new.append(DecisionOwner(decision=decision, user=user))
    for school in schools:
        if school.pk not in have_schools:
            have_schools.add(school.pk)
            new.append(DecisionOwner(decision=decision, school=school))
    DecisionOwner.objects.bulk_create(new)
    users_new = [p.user_id for p in new if p.user_id]
    schools_new = [p.school_id for p in new if p.school_id]

    def tell() -> None:
        from opora.support.decision_notify import assigned_notify

        assigned_notify(decision, decision.owners.filter(Q(user_id__in=users_new) | Q(school_id__in=schools_new))
                        .select_related("user", "school"))

    if new:
        transaction.on_commit(tell)  # the owners hear of it only once it is saved
    if new and decision.status == DecisionStatus.DONE:
        # A new owner has not reported yet: the decision is open again.
        decision.status, decision.closed_at, decision.closed_by = DecisionStatus.OPEN, None, None
        decision.save(update_fields=["status", "closed_at", "closed_by"])
    return len(new)


@transaction.atomic
def owner_remove(*, actor: User, part: DecisionOwner) -> None:
    decision = part.decision
    _require_manage(actor, decision.meeting)
    stored = part.evidence_file if part.evidence_file else None
    part.delete()
    if stored:
        transaction.on_commit(lambda: stored.storage.delete(stored.name))
    _settle(decision)


def _settle(decision: Decision) -> None:
    """Done when every part is done (a decision without owners is closed only as a whole)."""
    if decision.status == DecisionStatus.CANCELLED:
        return
    states = list(decision.owners.values_list("status", flat=True))
    all_done = bool(states) and all(s == DecisionStatus.DONE for s in states)
    if all_done and decision.status != DecisionStatus.DONE:
        decision.status, decision.closed_at = DecisionStatus.DONE, timezone.now()
        decision.save(update_fields=["status", "closed_at"])
    elif not all_done and decision.status == DecisionStatus.DONE and decision.closed_by_id is None:
        decision.status, decision.closed_at = DecisionStatus.OPEN, None
        decision.save(update_fields=["status", "closed_at"])


@transaction.atomic
def part_close(*, actor: User, part: DecisionOwner, evidence: str = "", upload: UploadedFile | None = None
               ) -> DecisionOwner:
    """The owner reports their part done: what was done (text) and/or a file."""
    decision = part.decision
    if not selectors.may_close_part(actor, part):
        raise AccessDenied(_("Only the owner of this part (for a school, its head) reports on it."))
    if decision.status != DecisionStatus.OPEN:
        raise ValidationFailed(_("The decision is already closed."))
    if part.status != DecisionStatus.OPEN:
        raise ValidationFailed(_("This part is already reported."))
    evidence = str(evidence or "").strip()
    if not evidence and upload is None:
        raise ValidationFailed(_("Describe what was done or attach a file."))
    if upload is not None:
        name, _kind = check_upload(upload)
        part.evidence_name = name
        part.evidence_file.save(f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", upload, save=False)
    part.evidence = evidence
    part.status, part.closed_at, part.closed_by = DecisionStatus.DONE, timezone.now(), actor
    try:
        part.save()
    except Exception:
        if upload is not None:
            part.evidence_file.delete(save=False)
        raise
    _settle(decision)
    return part


@transaction.atomic
def part_reopen(*, actor: User, part: DecisionOwner) -> DecisionOwner:
    """Back to open (the evidence is kept): by the meeting's owner, or the part's owner while the decision is open."""
    decision = part.decision
    manager = selectors.may_manage(actor, decision.meeting)
    if not manager and not (selectors.may_close_part(actor, part, manager=False)
                            and decision.status == DecisionStatus.OPEN):
        raise AccessDenied(_("Only the meeting's organisers reopen a closed decision."))
    if decision.status == DecisionStatus.CANCELLED:
        raise ValidationFailed(_("The decision is cancelled."))
    part.status, part.closed_at = DecisionStatus.OPEN, None
    part.save(update_fields=["status", "closed_at"])
    if decision.status == DecisionStatus.DONE:
        decision.status, decision.closed_at, decision.closed_by = DecisionStatus.OPEN, None, None
        decision.save(update_fields=["status", "closed_at", "closed_by"])
    return part


@transaction.atomic
def decision_close(*, actor: User, decision: Decision, status: str, note: str = "") -> Decision:
    """The meeting's owner closes (done) or cancels a decision as a whole, whatever its parts say."""
    _require_manage(actor, decision.meeting)
    if status not in (DecisionStatus.DONE, DecisionStatus.CANCELLED):
        raise ValidationFailed(_("Unknown status."))
    note = str(note or "").strip()
    if status == DecisionStatus.CANCELLED and not note:
        raise ValidationFailed(_("Say why the decision is cancelled."))
    decision.status, decision.closed_at, decision.closed_by = status, timezone.now(), actor
    decision.note = note or decision.note
    decision.save(update_fields=["status", "closed_at", "closed_by", "note"])
    return decision


@transaction.atomic
def decision_reopen(*, actor: User, decision: Decision) -> Decision:
    _require_manage(actor, decision.meeting)
    decision.status, decision.closed_at, decision.closed_by = DecisionStatus.OPEN, None, None
    decision.save(update_fields=["status", "closed_at", "closed_by"])
    return decision
