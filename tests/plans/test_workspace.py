"""The roadmap start page by role: the curator's schools, review queue and overdue items; the head's
documents (returned first, with the reviewer's reason) and overdue measures; the municipal and
regional summaries with the board link."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from opora.core.models import User
from opora.plans.models import DocState, Document, DocumentKind, Transition
from tests.conftest import Cast
from tests.plans.builders import YEAR, make_document
from tests.plans.test_board import NOW, Programme, at, client_for, make_programme


@pytest.fixture
def programme(cast: Cast) -> Programme:
    return make_programme(cast)


def page(user: User, **params: object) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client_for(user).get(reverse("plans:home"), {"year": YEAR, **params})
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, element_id: str, end: str = "</(table|ul)>") -> str:
    match = re.search(rf'id="{element_id}".*?{end}', html, re.S)
    assert match, element_id
    return match.group(0)


def test_the_curator_sees_the_concept_waiting_for_review_with_the_days_it_waits(
    cast: Cast, programme: Programme
) -> None:
    html = page(cast.kate)
    waiting = section(html, "waiting")
    assert programme.s1_concept.title in waiting and cast.s1.name in waiting
    assert '<td class="num">6</td>' in waiting
    assert "Ждут моей проверки" in html and "Мои школы" in html


def test_the_curator_sees_her_schools_with_their_stages_and_what_is_overdue(cast: Cast, programme: Programme) -> None:
    html = page(cast.kate)
    mine = section(html, "my-schools")
    assert 'data-school="1001"' in mine and 'data-school="1002"' not in mine
    assert "(1/2)" in mine  # one of two anti-risk programmes approved
    assert "33 %" in mine  # one of three measures done on time
    overdue = section(html, "overdue-stages")
    assert "Концепция развития" in overdue and cast.s2.name not in overdue
    assert "Наставничество" in section(html, "overdue-measures")


def test_the_review_queue_lists_the_oldest_submission_first(cast: Cast, programme: Programme) -> None:
    older = make_document(cast.s1, DocumentKind.PROGRAMME, year=YEAR - 1, state=DocState.SUBMITTED)
    Document.objects.filter(pk=older.pk).update(submitted_at=at(1, 5), title="Программа 2025")
    waiting = section(page(cast.kate), "waiting")
    assert waiting.index("Программа 2025") < waiting.index(programme.s1_concept.title)


def test_the_head_sees_the_returned_document_first_with_the_reviewer_s_reason(cast: Cast, programme: Programme) -> None:
    Document.objects.filter(pk=programme.s1_programme.pk).update(state=DocState.RETURNED)
    Transition.objects.create(document=programme.s1_programme, from_state=DocState.APPROVED,
                              to_state=DocState.RETURNED, actor=cast.kate, at=at(3, 5),
                              comment="Уточните целевые показатели.")
    html = page(cast.sam)
    table = section(html, "head-school-1001", "</section>")
    rows = re.findall(r"<tr class=\"(.*?)\">", table)
    assert rows[0] == "returned" and rows.count("returned") == 1
    assert "Уточните целевые показатели." in table and "Баранова" in table
    assert table.index("Уточните") < table.index(programme.s1_concept.title)
    assert reverse("plans:school_year", args=[cast.s1.code, YEAR]) in table
    assert "Наставничество" in table  # the overdue measure
    assert "Ждут моей проверки" not in html


def test_the_municipal_coordinator_sees_what_waits_in_the_municipality_and_the_board_link(
    cast: Cast, programme: Programme
) -> None:
    html = page(cast.maria)
    assert programme.s1_concept.title in section(html, "waiting")
    overdue = section(html, "overdue-stages")
    assert cast.s2.name in overdue and cast.s1.name in overdue and cast.s3.name not in overdue
    assert 'id="board-link"' in html and "утверждено 1 из 2" in html


def test_regional_users_and_observers_see_a_summary_and_the_board_link(cast: Cast, programme: Programme) -> None:
    html = page(cast.alice)
    assert "3 школы в программе" in html and "утверждено 0 из 3" in html and 'id="board-link"' in html
    assert 'id="waiting"' not in html and 'id="my-schools"' not in html
    assert "1 школа в программе" in page(cast.olga)


def test_the_year_defaults_to_the_current_one(cast: Cast, programme: Programme) -> None:
    with time_machine.travel(NOW, tick=False):
        html = client_for(cast.alice).get(reverse("plans:home")).content.decode()
    assert f'<option value="{YEAR}" selected>' in html
    with time_machine.travel(NOW.replace(year=YEAR + 1), tick=False):
        html = client_for(cast.alice).get(reverse("plans:home")).content.decode()
    assert f'<option value="{YEAR + 1}" selected>' in html and "0 школ в программе" in html


def test_the_workspace_is_refused_to_whoever_does_not_see_roadmaps(cast: Cast) -> None:
    for user in (cast.tom, cast.oleg, cast.mila, cast.nobody):
        assert client_for(user).get(reverse("plans:home")).status_code == 403
    assert Client().get(reverse("plans:home")).status_code == 302
