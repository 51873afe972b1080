"""Scoped reads of curators, partnerships and mentoring pairs.

Schools come from `access.schools_for(user, Perm.VIEW_SUPPORT)`; names of teachers in mentoring
pairs only through `access.staff_schools_for` (personal data stays in the school and municipality).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Role, RoleAssignment, School, User
from opora.staff.models import PositionKind, StaffMember
from opora.support.models import Curatorship, Mentoring, Partnership

UserLike = User | AnonymousUser
DEPUTY_WORD = "заместител"
MUNICIPAL_ROLES = (Role.MUNICIPAL_COORDINATOR, Role.MUNICIPAL_OFFICER, Role.METHODIST)


def current(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Records without an end or ending after today (an end date today means it has ended)."""
    today = timezone.localdate()
    return qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))


def support_schools(user: UserLike) -> QuerySet[School]:
    return access.schools_for(user, Perm.VIEW_SUPPORT)


def school_for(user: UserLike, code: str) -> School | None:
    """The school by code if the user sees its support; None otherwise."""
    return support_schools(user).select_related("municipality__region").filter(code=code).first()


# --- people who could curate -------------------------------------------------------------------


def curator_people_by_school(school_ids: list[int]) -> dict[int, list[User]]:
    """Heads and deputies of these schools: head roles, teacher roles with a deputy's position,
    and staff-registry heads/deputies linked to an account. Three queries."""
    out: dict[int, dict[int, User]] = defaultdict(dict)
    heads = (RoleAssignment.objects.filter(school_id__in=school_ids)
             .filter(Q(role=Role.SCHOOL_HEAD) | Q(role__in=(Role.TEACHER, Role.CURATOR),
                                                    user__position__icontains=DEPUTY_WORD))
             .filter(user__is_active=True).select_related("user"))
    for a in heads:
        if a.school_id is not None:  # filtered by school above
            out[a.school_id][a.user_id] = a.user
    staff = (StaffMember.objects.filter(school_id__in=school_ids, is_active=True, user__isnull=False,
                                        user__is_active=True,
                                        position_kind__in=(PositionKind.HEAD, PositionKind.DEPUTY))
             .select_related("user"))
    for m in staff:
        if m.user is not None:  # filtered by user above
            out[m.school_id][m.user.pk] = m.user
    return {sid: sorted(users.values(), key=str) for sid, users in out.items()}


@dataclass
class CuratorChoice:
    user: User
    school: School | None  # where the person works; None for a municipal specialist
    label: str = ""


def curator_choices(school: School) -> list[CuratorChoice]:
    """Everyone who may curate `school`: heads/deputies of the region's other schools and
    municipal specialists of the region (coordinators, officers, methodists)."""
    region_id = school.municipality.region_id
    others = {s.pk: s for s in School.objects.filter(municipality__region_id=region_id, is_active=True)
              .exclude(pk=school.pk)}
    people = curator_people_by_school(list(others))
    own = set(curator_people_by_school([school.pk]).get(school.pk, []))
    choices: dict[int, CuratorChoice] = {}
    for sid, users in people.items():
        for u in users:
            if u not in own and u.pk not in choices:
                choices[u.pk] = CuratorChoice(user=u, school=others[sid], label=f"{u} — {others[sid].name}")
    specialists = (RoleAssignment.objects.filter(role__in=MUNICIPAL_ROLES, municipality__region_id=region_id,
                                                 user__is_active=True)
                   .select_related("user", "municipality"))
    for a in specialists:
        if a.user_id not in choices and a.user not in own:
            choices[a.user_id] = CuratorChoice(user=a.user, school=None, label=f"{a.user} — {a.municipality}")
    return sorted(choices.values(), key=lambda c: c.label)


# --- the network page --------------------------------------------------------------------------


@dataclass
class NetworkRow:
    school: School
    listed: bool = False
    curators: list[Curatorship] = field(default_factory=list)
    partners: list[Partnership] = field(default_factory=list)
    supports: list[Partnership] = field(default_factory=list)  # where this school is the partner
    mentoring: int = 0

    @property
    def needs_curator(self) -> bool:
        return self.listed and not self.curators


def network_rows(user: UserLike, *, schools: Iterable[School], listed: set[int]) -> list[NetworkRow]:
    """One row per school of `schools` (already scoped and paginated) with current curators,
    partners and mentoring pairs. Four queries whatever the number of schools."""
    schools_list = list(schools)
    ids = [s.pk for s in schools_list]
    rows = {s.pk: NetworkRow(school=s, listed=s.pk in listed) for s in schools_list}
    for c in current(Curatorship.objects.filter(school_id__in=ids)).select_related("curator", "curator_school"):
        rows[c.school_id].curators.append(c)
    partnerships = current(Partnership.objects.filter(Q(school_id__in=ids) | Q(partner_id__in=ids)))
    for p in partnerships.select_related("school", "partner"):
        if p.school_id in rows:
            rows[p.school_id].partners.append(p)
        if p.partner_id in rows:
            rows[p.partner_id].supports.append(p)
    counts = (current(Mentoring.objects.filter(mentee__school_id__in=ids)).values("mentee__school_id")
              .annotate(n=Count("pk")))
    for c in counts:
        rows[c["mentee__school_id"]].mentoring = c["n"]
    return [rows[s.pk] for s in schools_list]


def network_schools(user: UserLike, *, municipality: Municipality | None, listed: set[int],
                    show: str) -> QuerySet[School]:
    """Schools of the page: `show` = "supported" (listed, curated or partnered now) or "all"."""
    qs = support_schools(user).select_related("municipality").order_by("municipality__name", "name")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if show != "all":
        today = timezone.localdate()
        live = Q(ends_on__isnull=True) | Q(ends_on__gt=today)
        qs = qs.filter(
            Q(pk__in=listed)
            | Q(pk__in=Curatorship.objects.filter(live).values("school_id"))
            | Q(pk__in=Partnership.objects.filter(live).values("school_id"))
        )
    return qs


def municipalities_of(user: UserLike) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=support_schools(user).values("municipality_id")).order_by("name")


# --- lists ---------------------------------------------------------------------------------------


def curatorships_for(user: UserLike, *, school: School | None = None) -> QuerySet[Curatorship]:
    qs = Curatorship.objects.filter(school__in=support_schools(user))
    if school is not None:
        qs = qs.filter(school=school)
    return qs.select_related("school__municipality", "curator", "curator_school").order_by(
        "school__municipality__name", "school__name", "-starts_on", "pk")


def partnerships_for(user: UserLike, *, school: School | None = None) -> QuerySet[Partnership]:
    visible = support_schools(user)
    qs = Partnership.objects.filter(Q(school__in=visible) | Q(partner__in=visible))
    if school is not None:
        qs = qs.filter(Q(school=school) | Q(partner=school))
    return qs.select_related("school__municipality", "partner__municipality").order_by(
        "school__municipality__name", "school__name", "-starts_on", "pk")


def may_see_names(user: UserLike, school: School) -> bool:
    return access.staff_schools_for(user, Perm.VIEW_STAFF).filter(pk=school.pk).exists()


def mentoring_for_school(school: School) -> QuerySet[Mentoring]:
    """Mentoring pairs whose mentee works at the school (check `may_see_names` before showing)."""
    return (Mentoring.objects.filter(mentee__school=school)
            .select_related("mentor__school", "mentee__school", "partnership__partner")
            .order_by("-starts_on", "pk"))


def mentoring_staff_choices(user: UserLike) -> QuerySet[StaffMember]:
    """Staff the user may pair (MANAGE_MENTORING through a school or municipality role)."""
    return (StaffMember.objects.filter(school__in=access.staff_schools_for(user, Perm.MANAGE_MENTORING),
                                       is_active=True)
            .select_related("school").order_by("school__name", "full_name"))
