"""An administrator uploads school files through the page and reads the outcome in the browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from opora.core.models import School
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.core.imports_files import SCHOOL_HEADER, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload_schools(page, base_url: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "/imports/")
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.get_by_role("button", name="Загрузить").first.click()
    page.wait_for_selector(".job-progress[data-status=succeeded], .job-progress[data-status=failed]")


def test_good_file_imports_and_bad_file_shows_rows_and_reasons(page, live_server, cast: Cast, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, "oleg")
    good = write_xlsx(tmp_path / "schools.xlsx", [
        SCHOOL_HEADER,
        ["1010", "МКОУ Берёзовская СОШ", "Озёрский округ", "СОШ", "село", "35", "210"],
    ])
    upload_schools(page, live_server.url, good)
    assert page.locator(".job-progress").get_attribute("data-status") == "succeeded"
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    assert "создано 1" in page.locator(".job-progress").inner_text()
    assert School.objects.filter(code="1010", municipality=cast.m1).exists()

    bad = write_xlsx(tmp_path / "bad.xlsx", [
        SCHOOL_HEADER,
        ["1011", "МКОУ Новая ООШ", "Озёрский округ", "ООШ", "село", "12", "90"],
        ["1012", "МКОУ Другая школа", "Озёрский округ", "академия", "село", "-5", "90"],
    ])
    upload_schools(page, live_server.url, bad)
    assert page.locator(".job-progress").get_attribute("data-status") == "failed"
    rows = page.locator("table.errors-table tbody tr")
    text = rows.all_inner_texts()
    assert any(t.startswith("3") and "академия" in t for t in text), text
    # Nothing from the bad file was written, not even its good row.
    assert not School.objects.filter(code__in=["1011", "1012"]).exists()
