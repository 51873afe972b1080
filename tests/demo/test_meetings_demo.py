"""The demo's meetings: two protocols with decisions to people and to schools, one overdue for the head;
and (on the same loaded demo, to load it once) the objectivity cases opened from its identification
and the appeals against its approved lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opora.cases import appeals as appeal_services
from opora.cases import selectors as case_selectors
from opora.cases.control import control_rows
from opora.cases.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealState,
    CaseState,
    LowResultsEffect,
    ObjectivityCase,
    Outcome,
)
from opora.core.models import User
from opora.demo.services import demo_load
from opora.identification.models import ListEntry, RunSchool, YearList
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


def test_demo_has_objectivity_cases_in_every_state(demo):
    cases = list(ObjectivityCase.objects.select_related("school"))
    today = timezone.localdate()
    latest = YearList.objects.order_by("-year").first()
    signed = set(RunSchool.objects.filter(run=latest.run).exclude(objectivity_signs=[])
                 .values_list("school_id", flat=True))
    assert len(cases) == 5 and {c.school_id for c in cases} <= signed
    assert {c.run_id for c in cases} == {latest.run_id} and all(c.signs for c in cases)
    by_state = {(c.state, bool(case_selectors.overdue(c, today)), c.outcome): c for c in cases}
    assert set(by_state) == {(CaseState.WAITING, False, ""), (CaseState.WAITING, True, ""),
                             (CaseState.REVIEW, False, ""), (CaseState.DECIDED, False, Outcome.CONFIRMED),
                             (CaseState.DECIDED, False, Outcome.NOT_CONFIRMED)}
    assert by_state[(CaseState.REVIEW, False, "")].municipal_outcome == Outcome.CONFIRMED
    assert by_state[(CaseState.DECIDED, False, Outcome.NOT_CONFIRMED)].answer  # the head answered
    confirmed = by_state[(CaseState.DECIDED, False, Outcome.CONFIRMED)]
    assert confirmed.mark_results and confirmed.enhanced_control
    assert confirmed.low_results_effect == LowResultsEffect.EXCLUDE
    rows = control_rows(ObjectivityCase.objects.all(), latest.year)
    assert [r.school_code for r in rows] == [confirmed.school.code]


def test_demo_has_appeals_in_every_state_and_an_upheld_one_made_a_new_version(demo):
    appeals = list(Appeal.objects.select_related("school", "filed_by"))
    by_state = {(a.state, a.outcome): a for a in appeals}
    assert len(appeals) == 4 and set(by_state) == {
        (AppealState.FILED, ""), (AppealState.INFO, ""), (AppealState.DECIDED, AppealOutcome.REJECTED),
        (AppealState.DECIDED, AppealOutcome.UPHELD)}
    assert len({a.school_id for a in appeals}) == 4
    for appeal in appeals:  # filed by the school's head or its municipal coordinator
        assert appeal.filed_by is not None and appeal_services.may_reply(appeal.filed_by, appeal)
    filed = by_state[(AppealState.FILED, "")]
    assert filed.kind == AppealKind.FLAG and filed.flag
    assert filed.filed_by.username == "head"  # the demo head sees an appeal of the school
    asked = by_state[(AppealState.INFO, "")]
    assert asked.question and not asked.reply and asked.kind in (AppealKind.INCLUSION, AppealKind.EXCLUSION)
    rejected = by_state[(AppealState.DECIDED, AppealOutcome.REJECTED)]
    assert rejected.decision and rejected.list_version is None

    upheld = by_state[(AppealState.DECIDED, AppealOutcome.UPHELD)]
    assert upheld.kind == AppealKind.INCLUSION and upheld.reply and upheld.list_version == 2
    year_list = YearList.objects.get(region=upheld.region, year=upheld.year)
    versions = list(year_list.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and str(upheld.pk) in versions[1].reason
    code = upheld.school.code
    assert any(e["school"] == code for e in versions[0].entries)  # the earlier version stays as it was
    assert not any(e["school"] == code for e in versions[1].entries)
    assert not ListEntry.objects.filter(year_list=year_list, school=upheld.school).exists()
    latest = YearList.objects.filter(region=upheld.region).order_by("-year").first()
    assert latest.year == upheld.year + 1 and latest.versions.count() == 1  # the latest list as approved
    assert {a.year for a in appeals if a != upheld} == {latest.year}

