"""Scoped reads of programmes: a programme is visible to whoever sees its territory as a whole
(the region, or its municipality) and to the schools it covers and their curators. Its indicator
values are aggregates and are shown whole; the schools behind a number only where the user sees them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from opora.core import access
from opora.core.access import Perm
from opora.core.models import School, User
from opora.programmes.models import Programme

UserLike = User | AnonymousUser


def programmes_for(user: UserLike) -> QuerySet[Programme]:
    if access.is_superuser(user):
        return Programme.objects.all()
    regions = access.regions_for(user, Perm.VIEW_SCHOOL)
    municipalities = access.municipalities_for(user, Perm.VIEW_SCHOOL)
    schools = access.schools_for(user, Perm.VIEW_SCHOOL)
    q = (Q(region__in=regions) | Q(municipality__in=municipalities)
         | Q(pk__in=Programme.schools.through.objects.filter(school__in=schools).values("programme_id")))
    return Programme.objects.filter(q).distinct().select_related("region", "municipality")


def programme_for(user: UserLike, code: str) -> Programme | None:
    return programmes_for(user).filter(code=code).first()


def visible_school_ids(user: UserLike, schools: list[School]) -> set[int]:
    ids = [s.pk for s in schools]
    return set(access.schools_for(user, Perm.VIEW_SCHOOL).filter(pk__in=ids).values_list("pk", flat=True))
