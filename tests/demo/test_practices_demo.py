"""The demo municipality's practices bank: published (some public), one waiting, one returned, a draft."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from opora.core.models import RoleAssignment, User
from opora.demo.services import DemoLoaded, demo_load
from opora.support.models.practices import Practice, PracticeState
from opora.support.practice_search import PracticeFilters, practices_for, search, to_review

pytestmark = pytest.mark.django_db
S = PracticeState


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoLoaded]:
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(size="tiny", seed=1)
        yield loaded
        transaction.set_rollback(True)


def test_every_state_occurs_in_the_demo_municipality(demo: DemoLoaded) -> None:
    municipality = RoleAssignment.objects.get(user__username="mun.coord", role="municipal_coordinator").municipality
    practices = Practice.objects.filter(school__municipality=municipality)
    assert set(practices.values_list("state", flat=True)) == set(S.values)
    assert practices.filter(state=S.PUBLISHED, is_public=True).count() >= 2
    assert demo.support["practices_published"] == practices.filter(state=S.PUBLISHED).count()


def test_the_methodist_has_the_heads_practice_to_review_and_the_head_sees_the_return(demo: DemoLoaded) -> None:
    methodist = User.objects.get(username="methodist")
    head = User.objects.get(username="head")
    waiting = to_review(methodist)
    assert waiting.count() == 1 and waiting.get().school == RoleAssignment.objects.get(
        user=head, role="school_head").school
    returned = practices_for(head).get(state=S.RETURNED)
    assert returned.review_comment and returned.transitions.count() == 2


def test_visitors_find_public_practices_by_another_word_form(demo: DemoLoaded) -> None:
    found = search(practices_for(AnonymousUser()), PracticeFilters(q="наставничества"))
    assert found.exists() and all(p.is_public for p in found)
    published = Practice.objects.filter(state=S.PUBLISHED)
    assert all(p.published_at and p.submitted_at and p.published_at > p.submitted_at for p in published)
