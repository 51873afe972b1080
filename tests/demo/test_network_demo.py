"""The demo region arrives with curators (their role lists the schools), partner schools and
mentoring pairs in the municipal coordinator's municipality."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from opora.core.models import Role, RoleAssignment, User
from opora.demo.services import demo_load
from opora.support.models import Curatorship, Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(size="tiny", seed=1)
        yield loaded.support
        transaction.set_rollback(True)


def test_demo_curator_schools_have_curatorship_records(demo: dict[str, int]) -> None:
    curator = User.objects.get(username="curator")
    role = RoleAssignment.objects.get(user=curator, role=Role.CURATOR)
    recorded = set(Curatorship.objects.filter(curator=curator, ends_on__isnull=True).values_list("school_id",
                                                                                                  flat=True))
    assert recorded and recorded == set(role.schools.values_list("pk", flat=True))
    assert demo["curators"] >= len(recorded)


def test_every_curatorship_is_backed_by_the_curators_role(demo: dict[str, int]) -> None:
    for c in Curatorship.objects.filter(ends_on__isnull=True):
        assert RoleAssignment.objects.filter(user=c.curator, role=Role.CURATOR, schools=c.school).exists()


def test_demo_has_partner_schools_in_the_coordinators_municipality(demo: dict[str, int]) -> None:
    coordinator = RoleAssignment.objects.get(user__username="mun.coord", role=Role.MUNICIPAL_COORDINATOR)
    partnerships = Partnership.objects.filter(school__municipality=coordinator.municipality)
    assert partnerships.exists() and demo["partnerships"] == partnerships.count()
