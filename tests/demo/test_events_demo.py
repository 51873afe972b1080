"""The demo region arrives with a municipal plan of events: held ones with attendance, upcoming ones
with invitations to the schools of the year's list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from opora.core.models import User
from opora.demo.services import demo_load
from opora.support.models import Event, EventStatus
from opora.support.selectors_events import rates_of, upcoming_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(size="tiny", seed=1)
        yield
        transaction.set_rollback(True)


def test_demo_has_held_events_with_attendance_and_upcoming_ones(demo: None) -> None:
    held = Event.objects.filter(status=EventStatus.HELD)
    assert held.count() >= 4
    assert any(rates_of(e).came > 0 and rates_of(e).invited > 0 for e in held)
    coordinator = User.objects.get(username="mun.coord")
    assert upcoming_for(coordinator, today=timezone.localdate())
    head = User.objects.get(username="head")
    assert upcoming_for(head, today=timezone.localdate())


def test_demo_plan_and_participation_pages_open_for_the_coordinator(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="mun.coord"))
    html = client.get("/events/").content.decode()
    assert "Мировое кафе" in html
    assert client.get("/events/participation/").status_code == 200
