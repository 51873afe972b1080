"""The demo region's teachers are diagnosed for deficits; most with deficits have a development plan,
some plans are carried out with a recorded course, and a few teachers still need a plan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opora.core.models import RoleAssignment, School, User
from opora.demo.services import demo_load
from opora.demo.staff_development import development_demo_load
from opora.staff.development_figures import development_figures
from opora.staff.models import CourseCompletion, DeficitDiagnostic, DevelopmentPlan, StaffMember
from tests.staff.builders import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The tiny demo, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(size="tiny", seed=1)
        counts = loaded.support
        municipality = RoleAssignment.objects.get(user__username="mun.coord").municipality
        if not StaffMember.objects.filter(school__municipality=municipality).exists():
            # The registry demo has not made teachers: give each school a few, then run this step.
            for school in School.objects.filter(municipality=municipality):
                for n in range(12):
                    make_staff(school, f"Педагог {school.code}-{n:02d}")
            counts = development_demo_load(seed=1)
        yield counts
        transaction.set_rollback(True)


def test_teachers_are_diagnosed_and_some_need_a_plan(demo: dict[str, int]) -> None:
    year = timezone.localdate().year
    assert demo["diagnostics"] > 0 and demo["development_plans"] > 0
    municipality = RoleAssignment.objects.get(user__username="mun.coord").municipality
    ids = list(School.objects.filter(municipality=municipality).values_list("pk", flat=True))
    figures = development_figures(school_ids=ids, year=year).values()
    assert sum(f.diagnosed for f in figures) < sum(f.teachers for f in figures)
    assert sum(f.needs_plan for f in figures) > 0 and sum(f.trained for f in figures) > 0
    assert DeficitDiagnostic.objects.filter(year=year, has_deficit=True).exists()
    assert CourseCompletion.objects.filter(plan_item__isnull=False).exists()


def test_the_municipal_coordinator_opens_a_demo_plan(demo: dict[str, int]) -> None:
    client = Client()
    client.force_login(User.objects.get(username="mun.coord"))
    plan = DevelopmentPlan.objects.first()
    assert plan is not None
    response = client.get(reverse("development:plan", args=[plan.pk]))
    assert response.status_code == 200 and plan.staff.full_name in response.text
    assert client.get(reverse("development:teachers") + "?status=needs_plan").status_code == 200
