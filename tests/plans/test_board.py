"""The board of schools × stages: who sees which schools, the states, dates, due dates, overdue marks,
execution, the filters, the counts, the page and its XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from opora.core.models import School, SchoolType, User
from opora.identification.models import ListEntry, RuleSet, Run, YearList
from opora.plans.board import board_rows, stage_counts
from opora.plans.models import DocState, Document, DocumentKind, MeasureStatus, Stage, Transition
from tests.conftest import Cast
from tests.plans.builders import YEAR, add_measure, make_document

TODAY = date(YEAR, 3, 10)
NOW = datetime(YEAR, 3, 10, 12, 0, tzinfo=timezone.get_current_timezone())


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(YEAR, month, day, hour, 0, tzinfo=timezone.get_current_timezone())


@dataclass
class Programme:
    s1_concept: Document
    s1_programme: Document
    s2_concept: Document
    roadmap: Document


def in_the_list(cast: Cast, *schools: School, year: int = YEAR - 1) -> None:
    run = Run.objects.create(region=cast.r10, year=year, rule_set=RuleSet.objects.order_by("pk").first())
    year_list = YearList.objects.create(region=cast.r10, year=year, run=run)
    for school in schools:
        ListEntry.objects.create(year_list=year_list, school=school)


def make_programme(cast: Cast) -> Programme:
    """2026, today 10 March. Concepts due 1 March in region 10; programmes due 1 February in m1 only.

    s1: concept submitted on 4 March (waits for review), programme approved, anti-risk «motivation»
    approved and «equipment» a draft, roadmap with three measures (one done on time, one done late,
    one overdue). s2: concept returned. s3: in the 2025 list, no document yet. s4 (region 20): a draft.
    """
    Stage.objects.create(region=cast.r10, year=YEAR, kind=DocumentKind.CONCEPT, due_on=date(YEAR, 3, 1))
    Stage.objects.create(region=cast.r10, municipality=cast.m1, year=YEAR, kind=DocumentKind.PROGRAMME,
                         due_on=date(YEAR, 2, 1))
    s1_concept = make_document(cast.s1, DocumentKind.CONCEPT, state=DocState.SUBMITTED)
    Document.objects.filter(pk=s1_concept.pk).update(submitted_at=at(3, 4))
    Transition.objects.create(document=s1_concept, from_state=DocState.DRAFT, to_state=DocState.SUBMITTED,
                              actor=cast.sam, at=at(3, 4))
    s1_programme = make_document(cast.s1, DocumentKind.PROGRAMME, state=DocState.APPROVED)
    Document.objects.filter(pk=s1_programme.pk).update(submitted_at=at(1, 20), approved_at=at(1, 25))
    make_document(cast.s1, DocumentKind.ANTIRISK, factor="motivation", state=DocState.APPROVED)
    make_document(cast.s1, DocumentKind.ANTIRISK, factor="equipment")
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    add_measure(roadmap, "Семинар", due_on=date(YEAR, 2, 1), status=MeasureStatus.DONE, done_on=date(YEAR, 1, 30))
    add_measure(roadmap, "Открытые уроки", due_on=date(YEAR, 2, 1), status=MeasureStatus.DONE,
                done_on=date(YEAR, 2, 20))
    add_measure(roadmap, "Наставничество", due_on=date(YEAR, 3, 1))
    s2_concept = make_document(cast.s2, DocumentKind.CONCEPT, state=DocState.RETURNED)
    Transition.objects.create(document=s2_concept, from_state=DocState.SUBMITTED, to_state=DocState.RETURNED,
                              actor=cast.kate, at=at(2, 27), comment="Добавьте анализ результатов ВПР.")
    in_the_list(cast, cast.s3)
    make_document(cast.s4, DocumentKind.CONCEPT)
    return Programme(s1_concept=Document.objects.get(pk=s1_concept.pk),
                     s1_programme=Document.objects.get(pk=s1_programme.pk), s2_concept=s2_concept, roadmap=roadmap)


@pytest.fixture
def programme(cast: Cast) -> Programme:
    return make_programme(cast)


def codes(user: User, **filters: Any) -> list[str]:
    return [r.school.code for r in board_rows(user, year=YEAR, today=TODAY, **filters)]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the rows -----------------------------------------------------------------------------------


def test_each_role_sees_exactly_its_schools_of_the_programme(cast: Cast, programme: Programme) -> None:
    # Ordered by municipality name (Лесной район before Озёрский округ), then school name.
    assert codes(cast.alice) == codes(cast.rita) == ["1003", "1001", "1002"]
    assert codes(cast.maria) == ["1001", "1002"]
    assert codes(cast.kate) == codes(cast.sam) == ["1001"]
    assert codes(cast.olga) == codes(cast.vera) == ["1003"]
    assert codes(cast.zoe) == ["2001"]
    assert codes(cast.tom) == codes(cast.oleg) == codes(cast.mila) == codes(cast.nobody) == []


def test_a_school_neither_listed_nor_writing_is_not_on_the_board(cast: Cast, programme: Programme) -> None:
    School.objects.create(code="1009", name="МБОУ Тихая ООШ", municipality=cast.m1, type=SchoolType.BASIC)
    assert "1009" not in codes(cast.alice)
    in_the_list(cast, School.objects.get(code="1009"), year=YEAR)
    assert "1009" in codes(cast.alice)


def test_a_listed_school_that_has_not_started_shows_every_stage_as_missing_and_overdue_when_due(
    cast: Cast, programme: Programme
) -> None:
    (row,) = board_rows(cast.olga, year=YEAR, today=TODAY)
    assert not row.started
    assert [c.state for c in row.cells] == ["none"] * 6
    concept = row.cell(DocumentKind.CONCEPT)
    assert concept.due_on == date(YEAR, 3, 1) and concept.overdue
    assert not row.cell(DocumentKind.PROGRAMME).overdue  # m1's programme date does not reach m2
    assert row.cell(DocumentKind.PROGRAMME).due_on is None


def test_a_row_carries_states_dates_due_dates_waiting_and_anti_risk_counts(cast: Cast, programme: Programme) -> None:
    with time_machine.travel(NOW, tick=False):
        (row,) = board_rows(cast.kate, year=YEAR, today=TODAY)
    concept, prog, antirisk = (row.cell(k) for k in (DocumentKind.CONCEPT, DocumentKind.PROGRAMME,
                                                      DocumentKind.ANTIRISK))
    assert concept.state == DocState.SUBMITTED and concept.document.pk == programme.s1_concept.pk
    assert concept.submitted_at == at(3, 4) and concept.waiting_days == 6
    assert concept.due_on == date(YEAR, 3, 1) and concept.overdue  # due and still not approved
    assert prog.state == DocState.APPROVED and prog.approved_at == at(1, 25)
    assert prog.due_on == date(YEAR, 2, 1) and not prog.overdue
    # Anti-risk shows the least advanced programme and how many are approved.
    assert antirisk.state == DocState.DRAFT and (antirisk.approved, antirisk.total) == (1, 2)
    assert antirisk.approved_at is None
    assert row.cell(DocumentKind.ROADMAP).state == DocState.DRAFT
    assert row.cell(DocumentKind.REPORT_YEAR).state == "none"


def test_roadmap_execution_counts_measures_done_on_time_and_overdue(cast: Cast, programme: Programme) -> None:
    rows = {r.school.code: r for r in board_rows(cast.maria, year=YEAR, today=TODAY)}
    e = rows["1001"].execution
    assert (e.total, e.done, e.done_on_time, e.overdue) == (3, 2, 1, 1)
    assert e.share_on_time == pytest.approx(1 / 3)
    assert rows["1002"].execution.total == 0


def test_the_filters_narrow_the_rows(cast: Cast, programme: Programme) -> None:
    assert codes(cast.alice, municipality="10-01") == ["1001", "1002"]
    assert codes(cast.alice, state=DocState.RETURNED) == ["1002"]
    assert codes(cast.alice, state=DocState.APPROVED) == ["1001"]
    assert codes(cast.alice, state="not_started") == ["1003"]
    assert codes(cast.alice, overdue_only=True) == ["1003", "1001", "1002"]
    early = [r.school.code for r in board_rows(cast.alice, year=YEAR, today=date(YEAR, 1, 15), overdue_only=True)]
    assert early == []
    assert codes(cast.maria, municipality="10-02") == []  # another municipality's code shows nothing


def test_stage_counts_say_how_many_schools_have_each_stage_approved(cast: Cast, programme: Programme) -> None:
    counts = {c.kind: c for c in stage_counts(board_rows(cast.alice, year=YEAR, today=TODAY))}
    concept = counts[DocumentKind.CONCEPT]
    assert (concept.approved, concept.schools, concept.submitted, concept.returned, concept.none) == (0, 3, 1, 1, 1)
    assert concept.overdue == 3
    assert (counts[DocumentKind.PROGRAMME].approved, counts[DocumentKind.PROGRAMME].overdue) == (1, 1)


def test_the_board_reads_a_handful_of_queries_whatever_the_number_of_schools(
    cast: Cast, programme: Programme, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        school = School.objects.create(code=f"19{n:02}", name=f"Школа {n}", municipality=cast.m1,
                                       type=SchoolType.BASIC)
        make_document(school, DocumentKind.CONCEPT, state=DocState.SUBMITTED)
        add_measure(make_document(school, DocumentKind.ROADMAP, content={}))
    user = User.objects.get(pk=cast.alice.pk)  # fresh: the role assignments are read inside
    with django_assert_max_num_queries(8):
        rows = board_rows(user, year=YEAR, today=TODAY)
    assert len(rows) == 13


# --- the page -------------------------------------------------------------------------------------


def test_the_board_page_shows_the_table_the_counts_and_links_each_cell_to_its_document(
    cast: Cast, programme: Programme
) -> None:
    with time_machine.travel(NOW, tick=False):
        page = client_for(cast.maria).get(reverse("plans:board"), {"year": YEAR}).content.decode()
    assert "утверждено 0 из 2" in page and "утверждено 1 из 2" in page
    assert f'href="{reverse("plans:document", args=[programme.s1_concept.pk])}"' in page
    assert 'data-kind="concept" data-state="returned"' in page and "st-overdue" in page
    assert "на проверке" in page.lower()
    assert cast.s3.name not in page  # another municipality


def test_the_board_page_filters_by_state(cast: Cast, programme: Programme) -> None:
    page = client_for(cast.alice).get(reverse("plans:board"), {"year": YEAR, "state": "returned"}).content.decode()
    assert 'data-school="1002"' in page and 'data-school="1001"' not in page


def test_the_board_is_refused_to_whoever_does_not_see_roadmaps(cast: Cast, programme: Programme) -> None:
    for user in (cast.tom, cast.oleg, cast.mila, cast.nobody):
        assert client_for(user).get(reverse("plans:board")).status_code == 403
    assert Client().get(reverse("plans:board")).status_code == 302


def test_the_xlsx_holds_the_same_table_with_russian_states_real_dates_and_shares(
    cast: Cast, programme: Programme
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = client_for(cast.maria).get(reverse("plans:board"), {"year": YEAR, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert list(data) == ["1001", "1002"]
    s1, s2 = data["1001"], data["1002"]

    def column(kind: str, name: str) -> str:
        return f"{DocumentKind(kind).label}: {gettext(name)}"

    assert header[3] == column(DocumentKind.CONCEPT, "state")
    assert s1[column(DocumentKind.CONCEPT, "state")] == str(DocState.SUBMITTED.label)
    assert s2[column(DocumentKind.CONCEPT, "state")] == "возвращён на доработку"
    submitted = s1[column(DocumentKind.CONCEPT, "submitted on")]
    assert isinstance(submitted, datetime) and submitted.date() == date(YEAR, 3, 4)
    assert s1[column(DocumentKind.PROGRAMME, "approved on")].date() == date(YEAR, 1, 25)
    assert s1[column(DocumentKind.CONCEPT, "due")].date() == date(YEAR, 3, 1)
    assert s1[column(DocumentKind.CONCEPT, "overdue")] == "да"
    assert s1[column(DocumentKind.ANTIRISK, "approved programmes")] == 1
    assert s1[column(DocumentKind.ANTIRISK, "programmes in all")] == 2
    assert s1[column(DocumentKind.REPORT_YEAR, "state")] == "нет"
    share = s1[header[-1]]
    assert isinstance(share, float) and share == pytest.approx(1 / 3)
    assert s1[header[-2]] == 1  # overdue measures
