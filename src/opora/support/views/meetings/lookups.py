"""What every meetings view shares: the objects by id within the user's scope (404 outside it,
403 without the right), the people and schools of a meeting's territory, the owners' form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.http import UserRequest
from opora.core.models import Municipality, Region, School, User
from opora.support import selectors_meetings as selectors
from opora.support.forms_meetings import DecisionOwnersForm, OwnersForm
from opora.support.models import Decision, DecisionOwner, Meeting
from opora.support.services import meetings as services

PAGE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- lookups -------------------------------------------------------------------------------------


def require_view(request: UserRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
        raise PermissionDenied


def meeting_or_404(request: UserRequest, pk: int) -> Meeting:
    require_view(request)
    meeting = selectors.meeting_get(request.user, pk)
    if meeting is None:
        raise Http404
    return meeting


def decision_or_404(request: UserRequest, pk: int) -> Decision:
    require_view(request)
    decision = selectors.decision_get(request.user, pk)
    if decision is None:
        raise Http404
    return decision


def part_or_404(request: UserRequest, pk: int) -> DecisionOwner:
    if not request.user.is_authenticated:
        raise PermissionDenied
    part = selectors.part_get(request.user, pk)
    if part is None:
        if not access.has_perm_anywhere(request.user, Perm.VIEW_SUPPORT):
            raise PermissionDenied
        raise Http404
    return part


def require_manage(request: UserRequest, meeting: Meeting) -> None:
    if not selectors.may_manage(request.user, meeting):
        raise PermissionDenied


def add_errors(request: UserRequest, error: ValidationFailed) -> None:
    for text in error.messages:
        messages.error(request, text)


def territory_people(meeting_or_region: Meeting | Region, municipality: Municipality | None,
                     user: User) -> QuerySet[User]:
    """People of the meeting's territory the organiser may name (attendees, owners)."""
    region_id = meeting_or_region.region_id if isinstance(meeting_or_region, Meeting) else meeting_or_region.pk
    inside = (Q(role_assignments__region_id=region_id) | Q(role_assignments__municipality__region_id=region_id)
              | Q(role_assignments__school__municipality__region_id=region_id))
    if municipality is not None:
        inside = (Q(role_assignments__municipality=municipality)
                  | Q(role_assignments__school__municipality=municipality)
                  | Q(role_assignments__schools__municipality=municipality)
                  | Q(role_assignments__region_id=region_id))
    visible = access.users_for(user, Perm.VIEW_PEOPLE).values("pk")
    return User.objects.filter(inside, pk__in=visible, is_active=True).distinct().order_by("full_name", "username")


def territory_schools(meeting: Meeting) -> QuerySet[School]:
    if meeting.municipality_id:
        return School.objects.filter(municipality_id=meeting.municipality_id).order_by("name")
    return School.objects.filter(municipality__region_id=meeting.region_id).order_by("name")



def owners_form(request: UserRequest, meeting: Meeting, data: Any = None, *, with_decision: bool = False
                 ) -> OwnersForm:
    list_year, _schools = services.year_list_schools(meeting)
    cls = DecisionOwnersForm if with_decision else OwnersForm
    return cls(data, people=territory_people(meeting, meeting.municipality, request.user),
               schools=territory_schools(meeting), list_year=list_year)
