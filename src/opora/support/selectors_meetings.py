"""Reads of meetings, decisions and decision parts, always scoped through `core/access.py`.

A municipal meeting is seen by whoever holds VIEW_SUPPORT for its municipality as a whole (the
municipality's and the region's roles), a regional one (no municipality) by region-wide roles;
both also by the schools that own a part of one of its decisions, by the people owning a part
and by the attendees. Overdue is computed (deadline passed and still open), never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Role, School, User
from opora.support.models import Decision, DecisionOwner, DecisionStatus, Meeting


def _visible_q(user: User, prefix: str = "") -> Q:
    """Visibility of meetings as a filter; `prefix` is the path to the meeting ("meeting__")."""
    if access.is_superuser(user):
        return Q()
    p = prefix
    municipalities = access.municipalities_for(user, Perm.VIEW_SUPPORT).values("pk")
    regions = access.regions_for(user, Perm.VIEW_SUPPORT).values("pk")
    schools = access.schools_for(user, Perm.VIEW_SUPPORT).values("pk")
    by_part = DecisionOwner.objects.filter(Q(school__in=schools) | Q(user=user)).values("decision__meeting_id")
    attended = Meeting.attendees.through.objects.filter(user_id=user.pk).values("meeting_id")
    return (Q(**{f"{p}municipality__in": municipalities})
            | Q(**{f"{p}municipality__isnull": True, f"{p}region__in": regions})
            | Q(**{f"{p}pk__in": by_part})
            | Q(**{f"{p}pk__in": attended}))


def meetings_for(user: User) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(_visible_q(user))


def meeting_get(user: User, pk: int) -> Meeting | None:
    return meetings_for(user).select_related("region", "municipality", "created_by").filter(pk=pk).first()


def may_manage(user: User, meeting: Meeting) -> bool:
    """The meeting's owner: MANAGE_MEETINGS for its municipality (or its region, for a regional one)."""
    if meeting.municipality_id and (municipality := meeting.municipality) is not None:
        return access.can_on_municipality(user, Perm.MANAGE_MEETINGS, municipality)
    return access.can_on_region(user, Perm.MANAGE_MEETINGS, meeting.region)


def head_school_ids(user: User) -> set[int]:
    """Schools the user heads: their parts of decisions are the user's to close."""
    return {a.school_id for a in access.assignments(user) if a.role == Role.SCHOOL_HEAD and a.school_id}


def may_close_part(user: User, part: DecisionOwner, *, manager: bool | None = None) -> bool:
    if part.user_id is not None and part.user_id == user.pk:
        return True
    if part.school_id is not None and part.school_id in head_school_ids(user):
        return True
    if manager is None:
        manager = may_manage(user, part.decision.meeting)
    return manager


def creatable_units(user: User) -> tuple[QuerySet[Municipality], bool]:
    """Municipalities where the user may hold meetings, and whether regional meetings too."""
    return (access.municipalities_for(user, Perm.MANAGE_MEETINGS).select_related("region").order_by("name"),
            bool(access.regions_for(user, Perm.MANAGE_MEETINGS).exists()))


# --- decisions ---------------------------------------------------------------------------------


def overdue_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": DecisionStatus.OPEN, f"{prefix}due_on__lt": today})


@dataclass(frozen=True)
class DecisionFilter:
    status: str = ""  # open | done | cancelled | "" (all)
    overdue: bool = False
    mine: bool = False  # parts owned by the user or the schools the user heads
    school: School | None = None
    municipality: Municipality | None = None
    owner_user: User | None = None
    meeting: Meeting | None = None


def decisions_for(user: User, f: DecisionFilter | None = None, *, today: date | None = None) -> QuerySet[Decision]:
    """Decisions of the meetings the user sees, filtered, annotated with part counts and `is_overdue`."""
    f = f or DecisionFilter()
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return Decision.objects.none()
    qs = Decision.objects.filter(_visible_q(user, "meeting__"))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(overdue_q(today))
    if f.meeting is not None:
        qs = qs.filter(meeting=f.meeting)
    if f.municipality is not None:
        qs = qs.filter(Q(meeting__municipality=f.municipality) | Q(owners__school__municipality=f.municipality))
    if f.school is not None:
        qs = qs.filter(Exists(DecisionOwner.objects.filter(decision=OuterRef("pk"), school=f.school)))
    if f.owner_user is not None:
        qs = qs.filter(Exists(DecisionOwner.objects.filter(decision=OuterRef("pk"), user=f.owner_user)))
    if f.mine:
        mine = Q(user=user) | Q(school_id__in=head_school_ids(user))
        qs = qs.filter(Exists(DecisionOwner.objects.filter(mine, decision=OuterRef("pk"))))
    return (qs.select_related("meeting__municipality", "meeting__region")
            .annotate(parts_total=Count("owners", distinct=True),
                      parts_done=Count("owners", filter=Q(owners__status=DecisionStatus.DONE), distinct=True),
                      is_overdue=Case(When(overdue_q(today), then=Value(1)), default=Value(0),
                                      output_field=IntegerField()))
            .order_by("-is_overdue", "status", "due_on", "meeting__held_on", "position", "pk")
            .distinct())


def decision_get(user: User, pk: int) -> Decision | None:
    return (Decision.objects.filter(_visible_q(user, "meeting__"), pk=pk)
            .select_related("meeting__region", "meeting__municipality").first())


def part_get(user: User, pk: int) -> DecisionOwner | None:
    return (DecisionOwner.objects.filter(_visible_q(user, "decision__meeting__"), pk=pk)
            .select_related("decision__meeting__region", "decision__meeting__municipality", "school", "user",
                            "closed_by").first())


def parts_of(decision_ids: list[int]) -> dict[int, list[DecisionOwner]]:
    """The parts of these decisions, in one query, by decision id."""
    out: dict[int, list[DecisionOwner]] = {pk: [] for pk in decision_ids}
    rows = (DecisionOwner.objects.filter(decision_id__in=decision_ids)
            .select_related("school", "user").order_by("decision_id", "school__name", "user__full_name", "pk"))
    for part in rows:
        out[part.decision_id].append(part)
    return out


def parts_due(user: User, *, limit: int = 10, today: date | None = None) -> tuple[list[DecisionOwner], int]:
    """The user's open parts (own, or their school's as head), overdue first; and how many in all."""
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return [], 0
    qs = (DecisionOwner.objects.filter(Q(user=user) | Q(school_id__in=head_school_ids(user)),
                                       status=DecisionStatus.OPEN, decision__status=DecisionStatus.OPEN)
          .select_related("decision__meeting", "school")
          .annotate(is_overdue=Case(When(decision__due_on__lt=today, then=Value(1)), default=Value(0),
                                    output_field=IntegerField()))
          .order_by("-is_overdue", "decision__due_on", "pk"))
    return list(qs[:limit]), qs.count()
