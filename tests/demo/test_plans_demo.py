"""The demo region arrives with a calendar of stages and the schools' roadmap documents at different
stages: the head's school approved after one return, others returned, waiting for review, not
started — with a dated history, threaded comments and a roadmap partly carried out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from opora.core.models import RoleAssignment, School, User
from opora.demo.plans import PlansSummary
from opora.demo.services import demo_load
from opora.plans.board import board_rows
from opora.plans.calendar import due_for, measure_overdue
from opora.plans.diff import revision_diff
from opora.plans.models import Comment, DocState, Document, DocumentKind, Measure, MeasureStatus, Stage, Transition
from opora.plans.services.documents import selected_factors

pytestmark = pytest.mark.django_db
K = DocumentKind


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[PlansSummary]:
    """The tiny demo, loaded once for the module and rolled back after it (loading takes ~25 s)."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = demo_load(size="tiny", seed=1)
        assert loaded.plans is not None
        yield loaded.plans
        transaction.set_rollback(True)


def _school(demo: PlansSummary, scenario: str) -> School:
    code = next(code for code, s in demo.scenarios.items() if s == scenario)
    return School.objects.get(code=code)


def _head_school() -> School:
    return RoleAssignment.objects.get(user__username="head", role="school_head").school


def test_the_region_sets_every_stage_of_the_year_and_the_municipality_moves_the_roadmap(demo: PlansSummary) -> None:
    regional = {s.kind: s.due_on for s in Stage.objects.filter(year=demo.year, municipality=None)}
    assert set(regional) == set(K.values)
    assert regional[K.CONCEPT] < regional[K.PROGRAMME] <= regional[K.ROADMAP] < regional[K.REPORT_HALF] \
        < regional[K.REPORT_YEAR]
    school = _head_school()
    assert due_for(school, demo.year, K.ROADMAP) == regional[K.ROADMAP] + timedelta(days=7)
    assert due_for(school, demo.year, K.CONCEPT) == regional[K.CONCEPT]


def test_every_document_state_and_every_scenario_occurs(demo: PlansSummary) -> None:
    states = set(Document.objects.filter(year=demo.year).values_list("state", flat=True))
    assert states == set(DocState.values)
    assert set(demo.scenarios.values()) >= {"head", "returned", "waiting", "not_started"}
    assert demo.documents == Document.objects.count()
    assert not Document.objects.filter(school=_school(demo, "not_started")).exists()


def test_the_heads_concept_was_approved_after_one_return_with_a_comment_and_two_revisions(demo: PlansSummary) -> None:
    concept = Document.objects.get(school=_head_school(), year=demo.year, kind=K.CONCEPT)
    assert concept.state == DocState.APPROVED
    steps = list(concept.transitions.order_by("at", "pk"))
    assert [(t.from_state, t.to_state) for t in steps] == [
        ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"), ("submitted", "approved")]
    returned = steps[1]
    assert returned.comment and set(returned.sections) == {"goals", "indicators"}
    assert returned.actor == User.objects.get(username="curator")
    first, second = concept.revisions.order_by("number")
    changed = {d.key for d in revision_diff(first.content, second.content, K.CONCEPT) if d.changed}
    assert changed == {"goals", "indicators"}
    # The curator's remark on a section got the head's answer in its thread, and was resolved.
    thread = Comment.objects.get(document=concept, parent=None, section="indicators")
    assert thread.resolved_at is not None
    assert thread.replies.get().author == User.objects.get(username="head")


def test_the_history_is_dated_in_the_past_around_the_deadlines(demo: PlansSummary) -> None:
    now = timezone.now()
    ats = list(Transition.objects.values_list("at", flat=True))
    assert ats and all(at < now for at in ats)
    head_concept = Document.objects.get(school=_head_school(), year=demo.year, kind=K.CONCEPT)
    due = due_for(head_concept.school, demo.year, K.CONCEPT)
    assert due is not None
    assert abs((timezone.localdate(head_concept.submitted_at) - due).days) <= 7
    assert head_concept.approved_at == head_concept.transitions.get(to_state="approved").at
    waiting = Document.objects.get(school=_school(demo, "waiting"), kind=K.ROADMAP)
    assert waiting.state == DocState.SUBMITTED
    assert 2 <= (now - waiting.submitted_at).days <= 6


def test_the_heads_roadmap_comes_from_its_anti_risk_programmes_and_is_partly_carried_out(demo: PlansSummary) -> None:
    school = _head_school()
    factors = {f.factor for f in selected_factors(school, demo.year)}
    antirisk = Document.objects.filter(school=school, year=demo.year, kind=K.ANTIRISK)
    assert factors and set(antirisk.values_list("factor", flat=True)) == factors
    assert set(antirisk.values_list("state", flat=True)) == {DocState.APPROVED}
    measures = list(Measure.objects.filter(document__school=school, document__kind=K.ROADMAP))
    assert factors <= {m.factor for m in measures}
    today = timezone.localdate()
    done = [m for m in measures if m.status == MeasureStatus.DONE]
    assert any(m.done_on <= m.due_on for m in done), "some done on time"
    assert any(m.done_on > m.due_on for m in done), "some done late"
    assert any(measure_overdue(m, today) for m in measures), "some overdue"
    assert Comment.objects.filter(measure__in=measures).exists()


def test_the_returned_concept_says_why_and_which_sections(demo: PlansSummary) -> None:
    concept = Document.objects.get(school=_school(demo, "returned"), kind=K.CONCEPT)
    assert concept.state == DocState.RETURNED and concept.returned_sections
    last = concept.transitions.order_by("-at").first()
    assert last is not None and last.to_state == DocState.RETURNED and last.comment
    assert Comment.objects.filter(document=concept, section__in=concept.returned_sections).exists()


def test_the_board_shows_approved_schools_and_overdue_ones(demo: PlansSummary) -> None:
    rows = {r.school.code: r for r in board_rows(User.objects.get(username="mun.coord"), year=demo.year)}
    assert set(demo.scenarios) <= set(rows)
    head = rows[_head_school().code]
    assert head.cell(K.CONCEPT).state == DocState.APPROVED and head.cell(K.ROADMAP).state == DocState.APPROVED
    assert head.execution is not None and head.execution.done_on_time > 0
    idle = rows[_school(demo, "not_started").code]
    assert not idle.started and idle.overdue
    assert rows[_school(demo, "returned").code].cell(K.CONCEPT).overdue
