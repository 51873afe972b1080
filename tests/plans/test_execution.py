"""Roadmap execution per school: done, done on time, overdue, cancelled, and the share on time."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from opora.plans.execution import Execution, execution_by_school, execution_of
from opora.plans.models import DocumentKind, MeasureStatus
from tests.conftest import Cast
from tests.plans.builders import YEAR, add_measure, make_document

TODAY = date(YEAR, 6, 1)


def test_execution_counts_each_schools_roadmap_in_one_query(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, "В срок", due_on=date(YEAR, 3, 1), status=MeasureStatus.DONE, done_on=date(YEAR, 3, 1))
    add_measure(roadmap, "С опозданием", due_on=date(YEAR, 3, 1), status=MeasureStatus.DONE,
                done_on=date(YEAR, 3, 20))
    add_measure(roadmap, "Без срока", due_on=None, status=MeasureStatus.DONE, done_on=date(YEAR, 4, 1))
    add_measure(roadmap, "Просрочено", due_on=date(YEAR, 5, 31), status=MeasureStatus.IN_PROGRESS)
    add_measure(roadmap, "Срок сегодня", due_on=TODAY)
    add_measure(roadmap, "Отменено", due_on=date(YEAR, 2, 1), status=MeasureStatus.CANCELLED)
    other_year = make_document(cast.s1, DocumentKind.ROADMAP, year=YEAR - 1, content={})
    add_measure(other_year, "Прошлый год", due_on=date(YEAR - 1, 3, 1))
    programme = make_document(cast.s2, DocumentKind.PROGRAMME)
    add_measure(programme, "Не из дорожной карты", due_on=date(YEAR, 1, 1))

    with CaptureQueriesContext(connection) as queries:
        result = execution_by_school([cast.s1.pk, cast.s2.pk], YEAR, TODAY)

    assert len(queries) == 1
    s1 = result[cast.s1.pk]
    assert (s1.total, s1.done, s1.done_on_time, s1.overdue, s1.cancelled) == (6, 3, 2, 1, 1)
    assert s1.share_on_time == 2 / 5
    assert result[cast.s2.pk] == Execution()
    assert result[cast.s2.pk].share_on_time is None


def test_the_share_is_none_when_every_measure_is_cancelled(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, status=MeasureStatus.CANCELLED)
    numbers = execution_by_school([cast.s1.pk], YEAR, TODAY)[cast.s1.pk]
    assert numbers.total == 1 and numbers.share_on_time is None


def test_counting_measures_in_memory_agrees_with_the_query(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, due_on=date(YEAR, 3, 1), status=MeasureStatus.DONE, done_on=date(YEAR, 2, 28))
    add_measure(roadmap, due_on=date(YEAR, 3, 1), status=MeasureStatus.DONE, done_on=date(YEAR, 3, 2))
    add_measure(roadmap, due_on=date(YEAR, 5, 1))
    add_measure(roadmap, due_on=date(YEAR, 7, 1))
    in_memory = execution_of(roadmap.measures.all(), TODAY)
    assert in_memory == execution_by_school([cast.s1.pk], YEAR, TODAY)[cast.s1.pk]
    assert (in_memory.done_on_time, in_memory.overdue, in_memory.percent_on_time) == (1, 1, 25)
