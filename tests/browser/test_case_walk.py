"""An objectivity case walked in a real browser: the regional coordinator opens it from a run, the
head answers with a file, the municipal coordinator gives the opinion, the region decides."""

from __future__ import annotations

from typing import Any

import pytest

from opora.cases.models import CaseState, ObjectivityCase
from opora.identification.models import Run
from tests.browser.test_roles_in_browser import sign_in
from tests.cases.conftest import PDF_BYTES, federal_run, signed_run  # noqa: F401  (fixtures)
from tests.conftest import Cast
from tests.identification.conftest import _results_dir, built, rule_sets  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, username)


def test_a_case_from_opening_to_decision(page: Any, live_server: Any, cast: Cast,
                                         signed_run: Run) -> None:  # noqa: F811
    base = live_server.url
    as_user(page, base, "rita")
    page.goto(f"{base}/identification/runs/{signed_run.pk}/")
    page.locator("#open-cases-link").click()
    page.wait_for_url("**/cases/open/*/")
    page.get_by_label("Процедура").select_option("vpr")
    page.get_by_label("Индекс признаков необъективности от").fill("0.5")
    page.get_by_role("button", name="Открыть и направить в школы").click()
    page.wait_for_url("**/cases/?*")
    row = page.locator("table#cases tbody tr")
    row.first.wait_for()
    assert row.count() == 1 and cast.s1.name in row.first.inner_text()
    case = ObjectivityCase.objects.get()

    as_user(page, base, "sam")
    page.goto(f"{base}/cases/{case.pk}/")
    form = page.locator("#form-answer")
    form.get_by_label("Ответ школы").fill("Проверку вела независимая комиссия; акт приложен.")
    form.locator("input[type=file]").set_input_files(
        {"name": "акт.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})
    form.get_by_role("button", name="Отправить ответ").click()
    page.locator("#answer").wait_for()
    assert "на рассмотрении" in page.locator("#case-state").inner_text()
    assert page.locator("#files a").inner_text() == "акт.pdf"

    as_user(page, base, "maria")
    page.goto(f"{base}/cases/{case.pk}/")
    form = page.locator("#form-opinion")
    form.get_by_label("подтверждено", exact=True).check()
    form.get_by_label("Причина").fill("Наблюдатели не присутствовали")
    form.get_by_role("button", name="Записать заключение").click()
    page.locator("#municipal-opinion").wait_for()

    as_user(page, base, "rita")
    page.goto(f"{base}/cases/{case.pk}/")
    form = page.locator("#form-decision")
    form.get_by_label("подтверждено", exact=True).check()
    form.get_by_label("Причина").fill("Пик у границы отметки «3», перепроверка не проводилась")
    form.get_by_role("button", name="Записать решение").click()
    page.locator("#decision").wait_for()
    assert page.locator("#case-outcome").inner_text() == "подтверждено"
    assert page.locator("#consequences li").count() == 3
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
