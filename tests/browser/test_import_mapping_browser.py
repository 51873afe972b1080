"""A municipal officer loads a district's own school list: a title above the header and Russian
column names of its own. They map the columns on the page, save the mapping, and the next file
of that shape loads without asking.

With OPORA_GUIDE_SCREENSHOTS=<dir> the test saves the screenshots the user guide shows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opora.core.models import ColumnMapping, School
from tests.browser.test_imports_in_browser import upload_schools
from tests.browser.test_roles_in_browser import sign_in
from tests.conftest import Cast
from tests.core.imports_files import write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = [["Сведения об общеобразовательных организациях"], ["Озёрский округ, на 01.09.2025"]]
HEADER = ["Код ОО", "Наименование ОО", "Муниципальное образование", "Вид организации", "Местность",
          "Примечание"]


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("OPORA_GUIDE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_officer_maps_a_district_file_and_the_next_one_loads_with_the_saved_mapping(  # type: ignore[no-untyped-def]
    page, live_server, cast: Cast, tmp_path: Path,
) -> None:
    sign_in(page, live_server.url, "oleg")
    first = write_xlsx(tmp_path / "школы-района.xlsx", [
        *TITLE, HEADER, ["1010", "МКОУ Берёзовская СОШ", "Озёрский округ", "СОШ", "село", "малокомплектная"],
    ])
    upload_schools(page, live_server.url, first)
    outcome = page.locator(".job-progress")
    assert outcome.get_attribute("data-status") == "failed"
    assert "Нет обязательного столбца" in outcome.inner_text()
    _shot(page, "mapping-1-rejected")

    page.get_by_role("link", name="Сопоставить столбцы").click()
    assert page.get_by_label("Строка с названиями столбцов").input_value() == "3"  # found below the title
    # Suggested from the names: the code and the name; the rest the officer chooses.
    assert page.get_by_label("Что означает «Код ОО»").input_value() == "code"
    assert page.get_by_label("Что означает «Наименование ОО»").input_value() == "name"
    page.get_by_label("Что означает «Муниципальное образование»").select_option("municipality")
    page.get_by_label("Что означает «Местность»").select_option("settlement")
    page.get_by_label("Что означает «Примечание»").select_option("")
    page.get_by_label("Сохранить сопоставление как").fill("Список школ района")
    page.get_by_role("button", name="Загрузить с этим сопоставлением").click()
    # «Вид организации» was left unmapped: the page says what is missing and keeps every choice.
    assert "Выберите столбец для «тип»" in page.locator("ul.errorlist").inner_text()
    assert page.get_by_label("Что означает «Местность»").input_value() == "settlement"
    assert page.get_by_label("Сохранить сопоставление как").input_value() == "Список школ района"
    page.get_by_label("Что означает «Вид организации»").select_option("type")
    _shot(page, "mapping-2-columns")
    page.get_by_role("button", name="Загрузить с этим сопоставлением").click()
    page.wait_for_selector(".job-progress[data-status=succeeded]")
    assert School.objects.get(code="1010").settlement == "village"
    assert ColumnMapping.objects.filter(kind="schools", name="Список школ района").exists()

    second = write_xlsx(tmp_path / "школы-района-2026.xlsx", [
        TITLE[0], HEADER, ["1011", "МКОУ Озёрная ООШ", "Озёрский округ", "ООШ", "посёлок", ""],
    ])
    upload_schools(page, live_server.url, second)
    assert page.locator(".job-progress").get_attribute("data-status") == "succeeded"
    assert "«Список школ района»" in page.locator(".job-progress").inner_text()
    _shot(page, "mapping-3-next-file")
    assert School.objects.get(code="1011").type == "basic"
