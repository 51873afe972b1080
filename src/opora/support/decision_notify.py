"""Telling the owners of a meeting's decisions: when a decision is assigned to them, and once
when its deadline has passed and their part is still open.

An owner is a person (notified directly) or a school (its heads are notified). The overdue
reminder also goes to whoever recorded the meeting, so the organiser sees what is late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from opora.core.models import Role, User
from opora.notifications.services import notify
from opora.support.models import Decision, DecisionOwner, DecisionStatus


def _people(part: DecisionOwner) -> list[User]:
    if part.user_id is not None and part.user is not None:
        return [part.user]
    if part.school_id is not None:
        return list(User.objects.filter(role_assignments__role=Role.SCHOOL_HEAD,
                                        role_assignments__school_id=part.school_id, is_active=True).distinct())
    return []


def _url(decision: Decision) -> str:
    return reverse("meetings:detail", args=[decision.meeting_id]) + f"#decision-{decision.pk}"


def _due(decision: Decision) -> str:
    return formats.date_format(decision.due_on, "DATE_FORMAT") if decision.due_on else _("no deadline")


def assigned_notify(decision: Decision, parts: Iterable[DecisionOwner]) -> int:
    """Notify the new owners of `decision` (each part once)."""
    sent = 0
    meeting = decision.meeting
    for part in parts:
        subject = _("A decision of «%(meeting)s» is assigned to you: %(text)s (deadline: %(due)s)") % {
            "meeting": meeting.title, "text": decision.text[:150], "due": _due(decision)}
        body = _("School: %(school)s.") % {"school": part.school.name} if part.school_id and part.school else ""
        sent += notify(users=_people(part), verb="decision_assigned", subject=subject, body=body,
                       url=_url(decision), key=f"decision-assigned-{part.pk}", target=("decision", decision.pk))
    return sent


def overdue_parts(today: date) -> list[DecisionOwner]:
    return list(DecisionOwner.objects.filter(
        status=DecisionStatus.OPEN, decision__status=DecisionStatus.OPEN, decision__due_on__lt=today,
    ).select_related("decision__meeting__created_by", "user", "school"))


def overdue_notify(today: date) -> int:
    """Once per part past its deadline: its owners and the meeting's organiser."""
    sent = 0
    for part in overdue_parts(today):
        decision = part.decision
        who = str(part.user) if part.user_id and part.user else (part.school.name if part.school else "")
        subject = _("Overdue decision of «%(meeting)s»: %(text)s (deadline was %(due)s; %(owner)s)") % {
            "meeting": decision.meeting.title, "text": decision.text[:150], "due": _due(decision), "owner": who}
        organiser = [decision.meeting.created_by] if decision.meeting.created_by else []
        sent += notify(users=[*_people(part), *organiser], verb="decision_overdue", subject=subject,
                       url=_url(decision), key=f"decision-overdue-{part.pk}", target=("decision", decision.pk))
    return sent
