"""A school head opens the school's results in the browser; a municipal officer exports the table."""

from __future__ import annotations

import pytest

from opora.results.models import TaskIndicator
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.results.test_result_pages import results  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("results")]


def test_head_reads_the_results_over_years_and_the_failed_tasks(
    page, live_server, cast: Cast  # type: ignore[no-untyped-def]
) -> None:
    sign_in(page, live_server.url, "sam")
    page.get_by_role("link", name="МБОУ СОШ № 1 г. Озёрска").click()
    page.get_by_role("link", name="Результаты оценочных процедур").click()
    years = page.locator("table.years tbody tr")
    years.first.wait_for()  # count() does not wait for the page to load
    assert years.count() == 2 and years.first.inner_text().startswith("2025")
    assert "+15,0" in years.first.inner_text()
    tasks = page.locator("table.tasks tbody tr")
    assert "не достигнут" in tasks.first.inner_text()
    assert page.get_by_text("Умения с системными дефицитами").is_visible()
    assert page.locator("table.classes").get_by_text("5А").is_visible()


def test_officer_sorts_the_table_and_downloads_xlsx(
    page, live_server, cast: Cast  # type: ignore[no-untyped-def]
) -> None:
    sign_in(page, live_server.url, "oleg")
    page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Результаты").click()
    rows = page.locator("table.indicators tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2 and "Озёрска" in rows.first.inner_text()
    page.get_by_role("link", name="Доля «4» и «5», %").click()  # 37,5% at Заречная > 31,7%
    page.wait_for_url("**sort=high*")
    assert "Заречная" in page.locator("table.indicators tbody tr").first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Выгрузить в XLSX").click()
    assert download.value.suggested_filename == "vpr-2025-math-5.xlsx"
    assert TaskIndicator.objects.count() == 6  # the page only read
