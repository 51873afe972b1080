"""Scoped reads of visits and consultations, for the list, the school's visits, the hub and the export.

Who sees: holders of `Perm.VIEW_SUPPORT` for the school (every role of the programme, each in its
territory). Who records: `Perm.RECORD_VISITS` (regional and municipal coordinators, curators of the
school, methodists). A visit of a school outside the user's scope does not exist for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Role, RoleAssignment, School, User
from opora.support.models import FollowUp, Visit, VisitKind

UserLike = User | AnonymousUser

# Roles of the people who visit and consult (offered as a visit's participants).
SUPPORT_ROLES = (Role.REGIONAL_ADMIN, Role.REGIONAL_COORDINATOR, Role.MUNICIPAL_COORDINATOR,
                 Role.MUNICIPAL_OFFICER, Role.METHODIST, Role.CURATOR)


@dataclass(frozen=True)
class VisitFilters:
    municipality: str = ""  # municipality code
    school: str = ""  # school code
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None


def visits_for(user: UserLike, filters: VisitFilters | None = None) -> QuerySet[Visit]:
    """Visits of the schools the user sees, newest first, with school, municipality and counts."""
    qs = (Visit.objects.filter(school__in=access.schools_for(user, Perm.VIEW_SUPPORT))
          .select_related("school__municipality", "created_by")
          .annotate(follow_up_count=Count("follow_ups", distinct=True),
                    in_roadmap_count=Count("follow_ups", filter=Q(follow_ups__measure__isnull=False),
                                           distinct=True)))
    f = filters or VisitFilters()
    if f.municipality:
        qs = qs.filter(school__municipality__code=f.municipality)
    if f.school:
        qs = qs.filter(school__code=f.school)
    if f.kind in VisitKind.values:
        qs = qs.filter(kind=f.kind)
    if f.date_from:
        qs = qs.filter(held_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(held_on__lte=f.date_to)
    return qs.order_by("-held_on", "-pk")


def visit_get(user: UserLike, pk: int) -> Visit | None:
    """One visit with its participants and follow-ups, if the user may see it."""
    return (Visit.objects.filter(pk=pk, school__in=access.schools_for(user, Perm.VIEW_SUPPORT))
            .select_related("school__municipality__region", "created_by")
            .prefetch_related("participants",
                              Prefetch("follow_ups", queryset=FollowUp.objects.select_related("measure__document")))
            .first())


def school_visits(user: UserLike, school: School) -> QuerySet[Visit]:
    """The school's visits (for its support card), empty when the user may not see the school."""
    if not access.can_on_school(user, Perm.VIEW_SUPPORT, school):
        return Visit.objects.none()
    return (Visit.objects.filter(school=school).prefetch_related("participants", "follow_ups")
            .order_by("-held_on", "-pk"))


def recordable_schools(user: UserLike) -> QuerySet[School]:
    return access.schools_for(user, Perm.RECORD_VISITS).select_related("municipality").order_by(
        "municipality__name", "name")


def may_record(user: UserLike, school: School) -> bool:
    return access.can_on_school(user, Perm.RECORD_VISITS, school)


def participant_candidates(user: UserLike) -> QuerySet[User]:
    """People who may be named as a visit's participants: the support staff of the regions where the
    user records visits (coordinators, officers, methodists, curators), and the user."""
    schools = access.schools_for(user, Perm.RECORD_VISITS)
    region_ids = list(schools.values_list("municipality__region_id", flat=True).distinct())
    inside = RoleAssignment.objects.filter(role__in=SUPPORT_ROLES).filter(
        Q(region_id__in=region_ids) | Q(municipality__region_id__in=region_ids)
        | Q(school__municipality__region_id__in=region_ids) | Q(schools__municipality__region_id__in=region_ids))
    pk = user.pk if user.is_authenticated else None
    return User.objects.filter(Q(pk__in=inside.values("user_id")) | Q(pk=pk), is_active=True).distinct().order_by(
        "full_name", "username")
