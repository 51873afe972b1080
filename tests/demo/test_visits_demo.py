"""The demo's supported schools have visits of every kind with recommendations and follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from opora.demo.services import demo_load
from opora.support.models import FollowUp, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(size="tiny", seed=1)
        yield loaded.support
        transaction.set_rollback(True)


def test_demo_visits_cover_every_kind_in_the_coordinators_municipality(demo: dict[str, int]) -> None:
    if not demo.get("visits"):
        pytest.skip("no supported schools in the demo yet (the network step is not there)")
    visits = Visit.objects.select_related("school__municipality")
    assert demo["visits"] == visits.count()
    assert {v.kind for v in visits} == {"monitoring", "landing", "curator", "consultation"}
    assert all(v.school.municipality.code == visits[0].school.municipality.code for v in visits)
    assert all(v.recommendations for v in visits)
    assert FollowUp.objects.count() == demo["follow_ups"] > 0
