"""The calendar of stages: due dates (a municipality's date wins), overdue marks, the deadline line
on the document page, and who may set dates on the calendar page."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client

from opora.core.models import User
from opora.plans import calendar
from opora.plans.models import DocState, DocumentKind, Stage
from tests.conftest import Cast
from tests.plans.builders import YEAR, make_document

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
URL = "/plans/calendar/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stage(cast: Cast, kind: str, due: date, *, municipality: object = None) -> Stage:
    return Stage.objects.create(region=cast.r10, municipality=municipality, year=YEAR, kind=kind, due_on=due)


def test_the_region_date_applies_where_the_municipality_has_none(cast: Cast) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    assert calendar.due_for(cast.s3, YEAR, DocumentKind.CONCEPT) == date(YEAR, 3, 1)
    assert calendar.due_for(cast.s4, YEAR, DocumentKind.CONCEPT) is None  # another region
    assert calendar.due_for(cast.s3, YEAR, DocumentKind.ROADMAP) is None


def test_a_municipality_date_overrides_the_region_date_for_its_schools_only(cast: Cast) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 4, 15), municipality=cast.m1)
    assert calendar.due_for(cast.s1, YEAR, DocumentKind.CONCEPT) == date(YEAR, 4, 15)
    assert calendar.due_for(cast.s3, YEAR, DocumentKind.CONCEPT) == date(YEAR, 3, 1)
    dues = calendar.dues_for([cast.s1, cast.s2, cast.s3, cast.s4], YEAR)
    assert dues == {(cast.s1.pk, "concept"): date(YEAR, 4, 15), (cast.s2.pk, "concept"): date(YEAR, 4, 15),
                    (cast.s3.pk, "concept"): date(YEAR, 3, 1)}


def test_many_schools_dues_take_a_query_or_two(cast: Cast, django_assert_max_num_queries: object) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    schools = list(type(cast.s1).objects.select_related("municipality"))
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        dues = calendar.dues_for(schools, YEAR)
    assert len(dues) == 3


def test_a_document_past_its_date_is_overdue_until_approved(cast: Cast) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    concept = make_document(cast.s1, DocumentKind.CONCEPT)
    assert not calendar.is_overdue(concept, date(YEAR, 3, 1))
    assert calendar.is_overdue(concept, date(YEAR, 3, 2))
    assert calendar.days_left(concept, date(YEAR, 2, 24)) == 5
    concept.state = DocState.SUBMITTED
    assert calendar.is_overdue(concept, date(YEAR, 3, 2))  # submitted, not yet approved
    concept.state = DocState.APPROVED
    assert not calendar.is_overdue(concept, date(YEAR, 3, 2))


def test_a_report_handed_in_on_time_is_not_overdue_while_it_waits_for_review(cast: Cast) -> None:
    stage(cast, DocumentKind.REPORT_HALF, date(YEAR, 7, 1))
    report = make_document(cast.s1, DocumentKind.REPORT_HALF, state=DocState.SUBMITTED)
    assert not calendar.is_overdue(report, date(YEAR, 7, 10))
    report.state = DocState.RETURNED
    assert calendar.is_overdue(report, date(YEAR, 7, 10))


def test_a_document_without_a_stage_has_no_deadline(cast: Cast) -> None:
    concept = make_document(cast.s1, DocumentKind.CONCEPT)
    assert calendar.due_on(concept) is None
    assert calendar.days_left(concept, date(YEAR, 3, 1)) is None
    assert not calendar.is_overdue(concept, date(YEAR + 5, 1, 1))
    assert render_to_string("plans/_deadline.html", {"document": concept}).strip() == ""


@pytest.mark.parametrize(("today", "shown", "red"), [
    (datetime(YEAR, 2, 24, 10, tzinfo=MSK), "осталось 5 дней", False),
    (datetime(YEAR, 3, 4, 10, tzinfo=MSK), "просрочено на 3 дня", True),
])
def test_the_deadline_line_says_the_date_and_how_long_is_left_or_late(
        cast: Cast, today: datetime, shown: str, red: bool) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    concept = make_document(cast.s1, DocumentKind.CONCEPT)
    with time_machine.travel(today, tick=False):
        html = render_to_string("plans/_deadline.html", {"document": concept})
    assert "срок: 1 марта 2026" in html
    assert shown in html
    assert ('class="badge bad"' in html) is red


def test_an_approved_document_shows_only_its_date(cast: Cast) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    concept = make_document(cast.s1, DocumentKind.CONCEPT, state=DocState.APPROVED)
    with time_machine.travel(datetime(YEAR, 3, 10, tzinfo=MSK), tick=False):
        html = render_to_string("plans/_deadline.html", {"document": concept})
    assert "срок: 1 марта 2026" in html and "просрочено" not in html and "осталось" not in html


# --- the page ---------------------------------------------------------------------------------


def post(user: User, **data: object) -> int:
    fields = {"year": YEAR, "action": "set", "kind": "concept", "due_on": f"{YEAR}-03-01", "note": ""}
    return client_for(user).post(URL, {**fields, **data}).status_code


def test_the_calendar_shows_the_region_date_and_the_municipal_override(cast: Cast) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 4, 15), municipality=cast.m1)
    page = client_for(cast.kate).get(URL, {"year": YEAR}).content.decode()
    assert "1 марта 2026" in page and "Озёрский округ: <strong>15 апреля 2026" in page
    assert "Сохранить срок" not in page  # a curator only reads


def test_a_regional_admin_sets_the_region_date(cast: Cast) -> None:
    assert post(cast.alice, area=f"r{cast.r10.pk}") == 302
    assert Stage.objects.get(region=cast.r10, municipality=None, kind="concept").due_on == date(YEAR, 3, 1)
    assert post(cast.alice, area=f"r{cast.r10.pk}", due_on=f"{YEAR}-03-20") == 302  # moves it
    assert Stage.objects.get(region=cast.r10, municipality=None, kind="concept").due_on == date(YEAR, 3, 20)
    assert post(cast.alice, area=f"r{cast.r20.pk}") == 200  # not offered: the form refuses it
    assert not Stage.objects.filter(region=cast.r20).exists()


def test_a_municipal_coordinator_sets_an_override_for_her_municipality_only(cast: Cast) -> None:
    assert post(cast.maria, area=f"m{cast.m1.pk}", due_on=f"{YEAR}-04-15") == 302
    assert calendar.due_for(cast.s1, YEAR, "concept") == date(YEAR, 4, 15)
    assert post(cast.maria, area=f"m{cast.m2.pk}") == 200
    assert post(cast.maria, area=f"r{cast.r10.pk}") == 200
    assert Stage.objects.count() == 1
    region_stage = stage(cast, DocumentKind.ROADMAP, date(YEAR, 5, 1))
    assert post(cast.maria, action="delete", stage=region_stage.pk) == 403
    assert Stage.objects.filter(pk=region_stage.pk).exists()


def test_removing_a_date_brings_back_the_region_date(cast: Cast) -> None:
    stage(cast, DocumentKind.CONCEPT, date(YEAR, 3, 1))
    override = stage(cast, DocumentKind.CONCEPT, date(YEAR, 4, 15), municipality=cast.m1)
    assert post(cast.maria, action="delete", stage=override.pk) == 302
    assert calendar.due_for(cast.s1, YEAR, "concept") == date(YEAR, 3, 1)


def test_a_curator_reads_the_calendar_but_may_not_change_it(cast: Cast) -> None:
    assert client_for(cast.kate).get(URL).status_code == 200
    assert post(cast.kate, area=f"m{cast.m1.pk}") == 403
    assert not Stage.objects.exists()


@pytest.mark.parametrize("name", ["tom", "oleg", "mila", "nobody"])
def test_people_without_the_roadmaps_do_not_see_the_calendar(cast: Cast, name: str) -> None:
    assert client_for(getattr(cast, name)).get(URL).status_code == 403
