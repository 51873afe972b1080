"""The demo municipality's schools arrive with staff registries drawn to match their passports, one
school left with its passport only; heads and the demo teacher are linked to their records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from opora.core.models import RoleAssignment, School, User
from opora.demo.services import DemoLoaded, demo_load
from opora.staff.models import StaffMember, Vacancy
from opora.staff.staffing import PASSPORT, REGISTRY, staffing_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoLoaded]:
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(size="tiny", seed=1)
        yield loaded
        transaction.set_rollback(True)


def _municipality_schools() -> list[School]:
    municipality = RoleAssignment.objects.get(user__username="mun.coord").municipality
    return list(School.objects.filter(municipality=municipality, is_active=True).order_by("code"))


def test_the_demo_municipality_has_registries_and_one_school_on_its_passport(demo: DemoLoaded) -> None:
    assert demo.support["staff"] > 0
    schools = _municipality_schools()
    figures = staffing_for([s.pk for s in schools])
    sources = [figures[s.pk].source for s in schools]
    assert sources.count(PASSPORT) == 1 and sources.count(REGISTRY) == len(schools) - 1
    assert any(f.aged_60_plus for f in figures.values() if f.source == REGISTRY)
    assert any(f.has_psychologist is False for f in figures.values())
    assert Vacancy.objects.filter(filled_on__isnull=True).exists()


def test_the_head_and_the_teacher_are_linked_to_their_records(demo: DemoLoaded) -> None:
    head = User.objects.get(username="head")
    teacher = User.objects.get(username="teacher")
    assert StaffMember.objects.filter(user=head, position_kind="head").exists()
    assert StaffMember.objects.filter(user=teacher, position_kind="teacher").exists()


def test_the_municipal_coordinator_sees_names_and_the_regional_one_only_figures(demo: DemoLoaded) -> None:
    school = StaffMember.objects.filter(user__username="head").get().school
    client = Client()
    client.force_login(User.objects.get(username="mun.coord"))
    assert client.get(reverse("staff:registry", args=[school.code])).status_code == 200
    assert client.get(reverse("staff:home")).status_code == 200
    client.force_login(User.objects.get(username="region.coord"))
    assert client.get(reverse("staff:registry", args=[school.code])).status_code == 403
    assert client.get(reverse("staff:school", args=[school.code])).status_code == 200
