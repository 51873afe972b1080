"""Scoped reads of reports: a report is visible to whoever sees its territory whole (its author
included, while the territory stays visible to them)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Region, School, User
from opora.reports.models import Report

UserLike = User | AnonymousUser


def reports_for(user: UserLike) -> QuerySet[Report]:
    if not user.is_authenticated:
        return Report.objects.none()
    qs = Report.objects.select_related("school__municipality", "municipality", "region", "job", "created_by")
    if access.is_superuser(user):
        return qs
    q = (Q(school__in=access.schools_for(user, Perm.VIEW_SCHOOL))
         | Q(municipality__in=access.municipalities_for(user, Perm.VIEW_SCHOOL))
         | Q(region__in=access.regions_for(user, Perm.VIEW_SCHOOL)))
    return qs.filter(q)


def report_for(user: UserLike, pk: int) -> Report | None:
    return reports_for(user).filter(pk=pk).first()


def orderable(user: UserLike) -> tuple[QuerySet[Region], QuerySet[Municipality], QuerySet[School]]:
    """The territories the user may order a report on: whole regions, whole municipalities, schools."""
    regions = access.regions_for(user, Perm.VIEW_SCHOOL).order_by("name")
    municipalities = access.municipalities_for(user, Perm.VIEW_SCHOOL).select_related("region").order_by("name")
    schools = (access.schools_for(user, Perm.VIEW_SCHOOL).filter(is_active=True)
               .select_related("municipality").order_by("municipality__name", "name"))
    return regions, municipalities, schools
