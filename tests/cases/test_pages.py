"""The cases pages: who sees which case, the forms each role gets, a refused step keeps what was
typed, opening cases from a run, the overview and the enhanced-control XLSX."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from opora.cases import services
from opora.cases.models import CaseState, ObjectivityCase, Outcome
from opora.identification.models import Run
from tests.cases.conftest import answered, plant_sign
from tests.conftest import Cast


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_who_sees_the_case(cast: Cast, case: ObjectivityCase) -> None:
    url = reverse("cases:case", args=[case.pk])
    for user in (cast.rita, cast.maria, cast.kate, cast.sam, cast.alice):
        page = login(user).get(url)
        assert page.status_code == 200, user
        assert cast.s1.name in page.content.decode()
    for user in (cast.vera, cast.olga, cast.zoe):
        assert login(user).get(url).status_code == 404, user
    for user in (cast.tom, cast.nobody):
        assert login(user).get(url).status_code == 403, user
        assert login(user).get(reverse("cases:list")).status_code == 403, user
    listed = login(cast.vera).get(reverse("cases:list")).content.decode()
    assert cast.s1.name not in listed


def test_each_role_gets_only_its_forms(cast: Cast, case: ObjectivityCase) -> None:
    url = reverse("cases:case", args=[case.pk])
    head = login(cast.sam).get(url).content.decode()
    assert 'id="form-answer"' in head and 'id="form-decision"' not in head and 'id="form-take"' not in head
    region = login(cast.rita).get(url).content.decode()
    assert 'id="form-take"' in region and 'id="form-answer"' not in region
    assert 'id="form-answer"' not in login(cast.kate).get(url).content.decode()


def test_a_refused_answer_keeps_what_was_typed(cast: Cast, case: ObjectivityCase) -> None:
    typed = "Наблюдатели присутствовали во всех аудиториях."
    bad = BytesIO(b"MZ\x90\x00 not a pdf")
    bad.name = "акт.pdf"
    page = login(cast.sam).post(reverse("cases:act", args=[case.pk, "answer"]),
                                {"text": typed, "lock_version": case.lock_version, "file": bad})
    assert page.status_code == 400
    body = page.content.decode()
    assert typed in body and "Содержимое файла — не PDF" in body
    case.refresh_from_db()
    assert case.state == CaseState.WAITING and not case.answer and not case.files.exists()


def test_a_stale_form_is_refused_with_the_current_state(cast: Cast, case: ObjectivityCase) -> None:
    stale = case.lock_version
    answered(cast, case)
    page = login(cast.rita).post(reverse("cases:act", args=[case.pk, "take"]),
                                 {"comment": "Срок истёк", "lock_version": stale})
    assert page.status_code == 400
    body = page.content.decode()
    assert 'id="stale-errors"' in body and "ничего не сохранено" in body
    assert "на рассмотрении" in body


def test_the_decision_through_the_pages(cast: Cast, case: ObjectivityCase) -> None:
    case = answered(cast, case)
    login(cast.maria).post(reverse("cases:act", args=[case.pk, "opinion"]),
                           {"outcome": Outcome.CONFIRMED, "reason": "Нет наблюдателей",
                            "lock_version": case.lock_version})
    case.refresh_from_db()
    response = login(cast.rita).post(reverse("cases:act", args=[case.pk, "decision"]), {
        "outcome": Outcome.CONFIRMED, "reason": "Пик у границы", "mark_results": "on",
        "low_results_effect": "exclude", "enhanced_control": "on", "lock_version": case.lock_version})
    assert response.status_code == 302
    page = login(cast.sam).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'id="consequences"' in page and "Пик у границы" in page
    why = login(cast.sam).get(reverse("identification:why", args=[case.run_id, cast.s1.code])).content.decode()
    assert "case-badge badge bad" in why or 'class="badge bad case-badge"' in why
    assert "case-badge" not in login(cast.rita).get(
        reverse("identification:why", args=[case.run_id, cast.s2.code])).content.decode()

    book = login(cast.rita).get(reverse("cases:control_export") + f"?year={case.year}")
    assert book.status_code == 200
    rows = list(load_workbook(BytesIO(book.content)).active.iter_rows(values_only=True))
    assert rows[1][2] == cast.s1.code and len(rows) == 2
    # The head of another school gets the list without the school.
    other = login(cast.vera).get(reverse("cases:control_export") + f"?year={case.year}")
    assert len(list(load_workbook(BytesIO(other.content)).active.iter_rows(values_only=True))) == 1


def test_opening_cases_from_a_run_page(cast: Cast, federal_run: Run) -> None:
    plant_sign(federal_run, "1004", "vpr", index=0.9)
    url = reverse("cases:open", args=[federal_run.pk])
    assert login(cast.maria).get(url).status_code == 403
    page = login(cast.rita).get(url)
    assert page.status_code == 200
    empty = login(cast.rita).post(url, {"procedure": "vpr", "answer_due": "2099-01-01"})
    assert empty.status_code == 200 and "уровень" in empty.content.decode()
    done = login(cast.rita).post(url, {"procedure": "vpr", "min_index": "0.5", "answer_due": "2099-01-01"})
    assert done.status_code == 302
    case = ObjectivityCase.objects.get()
    assert case.school.code == "1004" and case.state == CaseState.WAITING
    listing = login(cast.rita).get(reverse("cases:list")).content.decode()
    assert 'id="case-overview"' in listing and case.school.name in listing


@pytest.mark.parametrize("state", ["waiting", "overdue", "decided"])
def test_the_list_filters_by_status(cast: Cast, case: ObjectivityCase, state: str) -> None:
    page = login(cast.rita).get(reverse("cases:list"), {"state": state}).content.decode()
    shown = f'data-case="{case.pk}"' in page
    assert shown == (state == "waiting")


def test_reopening_brings_the_case_back_under_review(cast: Cast, case: ObjectivityCase) -> None:
    case = services.case_take(actor=cast.rita, case=case, lock_version=case.lock_version, comment="Без ответа")
    case = services.case_municipal_opinion(actor=cast.maria, case=case, lock_version=case.lock_version,
                                           outcome=Outcome.INCONCLUSIVE, reason="Недостаточно данных")
    case = services.case_decide(actor=cast.rita, case=case, lock_version=case.lock_version,
                                outcome=Outcome.INCONCLUSIVE, reason="Недостаточно данных")
    response = login(cast.rita).post(reverse("cases:act", args=[case.pk, "reopen"]),
                                     {"reason": "Пришли акты перепроверки", "lock_version": case.lock_version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REVIEW and case.outcome == ""
