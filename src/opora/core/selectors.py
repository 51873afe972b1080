"""Reads of territory, schools and people, always scoped through `access`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from opora.core import access
from opora.core.access import Perm
from opora.core.models import (
    SIZE_BAND_BOUNDS,
    Municipality,
    Region,
    Role,
    RoleAssignment,
    School,
    SocialPassport,
    User,
)

UserLike = User | AnonymousUser


@dataclass(frozen=True)
class SchoolFilters:
    query: str = ""
    municipality: int | None = None
    type: str = ""
    settlement: str = ""
    size: str = ""


def school_list(user: UserLike, filters: SchoolFilters) -> QuerySet[School]:
    """Visible schools matching the filters, with the municipality joined for display."""
    qs = access.schools_for(user, Perm.VIEW_SCHOOL).select_related("municipality")
    if filters.query:
        # Lower() rather than icontains: SQLite's LIKE folds only ASCII, not Cyrillic.
        qs = qs.annotate(name_lower=Lower("name"))
        for word in filters.query.split():
            qs = qs.filter(Q(name_lower__contains=word.lower()) | Q(code__iexact=word))
    if filters.municipality:
        qs = qs.filter(municipality_id=filters.municipality)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.settlement:
        qs = qs.filter(settlement=filters.settlement)
    if filters.size in SIZE_BAND_BOUNDS:
        low, high = SIZE_BAND_BOUNDS[filters.size]
        qs = qs.filter(enrolment__gte=low)
        if high is not None:
            qs = qs.filter(enrolment__lt=high)
    return qs.order_by("municipality__name", "name")


def school_get(user: UserLike, *, code: str) -> School | None:
    """The school with this code, if the user may see it."""
    return (
        access.schools_for(user, Perm.VIEW_SCHOOL)
        .select_related("municipality__region")
        .filter(code=code)
        .first()
    )


def school_passports(school: School) -> list[SocialPassport]:
    return list(school.passports.order_by("-year"))


def region_list(user: UserLike) -> QuerySet[Region]:
    visible = access.visible_municipalities(user)
    return access.visible_regions(user).annotate(
        municipality_count=Count("municipalities", filter=Q(municipalities__in=visible), distinct=True)
    )


def municipality_list(user: UserLike, *, region: Region | None = None) -> QuerySet[Municipality]:
    """Visible municipalities with the number of schools the user sees in each."""
    visible_schools = access.schools_for(user, Perm.VIEW_SCHOOL)
    qs = access.visible_municipalities(user).select_related("region")
    if region is not None:
        qs = qs.filter(region=region)
    return qs.annotate(
        school_count=Count("schools", filter=Q(schools__in=visible_schools.values("pk")))
    ).order_by("name")


def region_get(user: UserLike, *, code: str) -> Region | None:
    return access.visible_regions(user).filter(code=code).first()


def municipality_get(user: UserLike, *, code: str) -> Municipality | None:
    return access.visible_municipalities(user).select_related("region").filter(code=code).first()


# --- People -----------------------------------------------------------------------------------


def people_list(user: UserLike, *, query: str = "", role: str = "") -> QuerySet[User]:
    qs = access.users_for(user, Perm.VIEW_PEOPLE)
    if query:
        qs = qs.annotate(full_name_lower=Lower("full_name"))
        for word in query.split():
            qs = qs.filter(
                Q(full_name_lower__contains=word.lower())
                | Q(username__icontains=word)
                | Q(email__icontains=word)
            )
    if role:
        qs = qs.filter(role_assignments__role=role)
    assignments = RoleAssignment.objects.select_related("region", "municipality", "school").annotate(
        school_count=Count("schools")
    )
    return qs.prefetch_related(Prefetch("role_assignments", queryset=assignments)).order_by(
        "full_name", "username"
    )


def person_get(user: UserLike, *, pk: int) -> User | None:
    return access.users_for(user, Perm.VIEW_PEOPLE).filter(pk=pk).first()


def person_assignments(person: User) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(user=person)
        .select_related("region", "municipality", "school")
        .prefetch_related("schools")
        .order_by("role")
    )


# --- Start page -------------------------------------------------------------------------------


def start_page_summary(user: UserLike) -> dict[str, Any]:
    """What is in the user's scope and what needs their attention."""
    schools = access.schools_for(user, Perm.VIEW_SCHOOL)
    latest_year = SocialPassport.objects.filter(school__in=schools).aggregate(y=Max("year"))["y"]
    summary: dict[str, Any] = {
        "school_count": schools.count(),
        "municipality_count": access.visible_municipalities(user).count(),
        "region_count": access.visible_regions(user).count(),
        "latest_passport_year": latest_year,
        "attention": [],
    }
    # A head, a teacher or a curator works with a handful of schools: link them directly.
    if summary["school_count"] <= 10:
        summary["my_schools"] = list(schools.select_related("municipality").order_by("name"))
    if latest_year is not None:
        missing = schools.exclude(passports__year=latest_year)
        summary["missing_passport_count"] = missing.count()
        summary["missing_passport_sample"] = list(missing.order_by("name")[:5])
    if access.has_perm_anywhere(user, Perm.MANAGE_PEOPLE):
        has_head = RoleAssignment.objects.filter(role=Role.SCHOOL_HEAD, school=OuterRef("pk"))
        headless = schools.annotate(head=Subquery(has_head.values("pk")[:1])).filter(head__isnull=True)
        summary["headless_count"] = headless.count()
        summary["headless_sample"] = list(headless.order_by("name")[:5])
        # An invited user has no usable password until they follow the invitation link.
        pending = access.users_for(user, Perm.MANAGE_PEOPLE).filter(
            is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
        )
        summary["pending_invitation_count"] = pending.count()
    return summary


def school_people(school: School) -> list[RoleAssignment]:
    """Who works with this school: its head and teachers, its curators."""
    return list(
        RoleAssignment.objects.filter(Q(school=school) | Q(schools=school))
        .select_related("user")
        .distinct()
        .order_by("role", "user__full_name")
    )
