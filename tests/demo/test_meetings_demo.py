"""The demo's meetings: two protocols with decisions to people and to schools, one overdue for the head."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from opora.core.models import User
from opora.demo.services import demo_load
from opora.support import selectors_meetings as selectors
from opora.support.models import DecisionOwner, DecisionStatus, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(size="tiny", seed=1)
        yield
        transaction.set_rollback(True)


def test_demo_has_meetings_with_parts_per_school_and_person(demo):
    assert Meeting.objects.count() == 2
    assert DecisionOwner.objects.filter(school__isnull=False).count() >= 6
    assert DecisionOwner.objects.filter(user__isnull=False, status=DecisionStatus.DONE).exclude(evidence="").exists()


def test_demo_head_has_an_overdue_part_on_the_start_page(demo):
    head = User.objects.get(username="head")
    parts, total = selectors.parts_due(head)
    assert total >= 1 and parts[0].is_overdue
    client = Client()
    client.force_login(head)
    assert 'id="decisions-due"' in client.get(reverse("home")).content.decode()


def test_demo_protocol_exports(demo):
    client = Client()
    client.force_login(User.objects.get(username="mun.coord"))
    meeting = Meeting.objects.get(number="1")
    response = client.get(reverse("meetings:protocol", args=[meeting.pk]))
    assert response.status_code == 200 and len(response.content) > 5000
