"""The catalogue of risk factors and questionnaires: who sees it, a version read in Russian, the
workbook download, and uploading an edited workbook as the region's own version."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from opora.analytics.risk_definition import Definition
from opora.core.models import User
from opora.diagnostics.instrument_xlsx import definition_from_workbook
from opora.diagnostics.models import Campaign, Instrument, InstrumentVersion
from opora.diagnostics.services.instruments import SHIPPED_CODE
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

COPY = f"{SHIPPED_CODE}-10"
NEW_TEXT = "В школе хватает компьютеров, проекторов и быстрого интернета"


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def html(response: Any) -> str:
    return response.content.decode()


def download(client: Client, code: str = SHIPPED_CODE, version: int | None = None) -> bytes:
    query = f"?version={version}" if version else ""
    response = client.get(f"/risk/instruments/{code}/xlsx/{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def edit(data: bytes, change: Any) -> bytes:
    workbook = load_workbook(BytesIO(data))
    change(workbook)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def new_h01_text(workbook: Any) -> None:
    workbook["Вопросы"]["D2"].value = NEW_TEXT


def upload(client: Client, data: bytes, comment: str = "Уточнили вопрос об оснащённости",
           code: str = SHIPPED_CODE) -> Any:
    return client.post(f"/risk/instruments/{code}/upload/", {
        "file": SimpleUploadedFile("anketa.xlsx", data), "comment": comment})


# --- Who sees what ------------------------------------------------------------------------------


def test_the_catalogue_lists_the_shipped_questionnaires_with_their_current_version(
        cast: Cast, version: InstrumentVersion, campaign: Campaign) -> None:
    response = client_for(cast.alice).get("/risk/instruments/")
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["instrument"].code == SHIPPED_CODE and row["current"] == version
    assert row["campaigns"] == 1
    assert f'href="/risk/instruments/{SHIPPED_CODE}/"' in html(response)


@pytest.mark.parametrize("who", ["alice", "rita", "maria", "kate", "sam", "olga", "zoe"])
def test_everyone_who_sees_risk_profiles_reads_the_questionnaires(cast: Cast, version: InstrumentVersion,
                                                                  who: str) -> None:
    client = client_for(getattr(cast, who))
    assert client.get("/risk/instruments/").status_code == 200
    assert client.get(f"/risk/instruments/{SHIPPED_CODE}/").status_code == 200


@pytest.mark.parametrize("who", ["tom", "mila", "nobody"])
def test_teachers_methodists_and_people_without_roles_are_refused(cast: Cast, version: InstrumentVersion,
                                                                   who: str) -> None:
    client = client_for(getattr(cast, who))
    for url in ("/risk/instruments/", f"/risk/instruments/{SHIPPED_CODE}/",
                f"/risk/instruments/{SHIPPED_CODE}/xlsx/", f"/risk/instruments/{SHIPPED_CODE}/upload/"):
        assert client.get(url).status_code == 403, url


def test_a_signed_out_visitor_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/risk/instruments/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_coordinator_reads_but_may_not_upload(cast: Cast, version: InstrumentVersion) -> None:
    rita = client_for(cast.rita)
    page = rita.get(f"/risk/instruments/{SHIPPED_CODE}/")
    assert 'id="upload-link"' not in html(page)
    assert rita.get(f"/risk/instruments/{SHIPPED_CODE}/upload/").status_code == 403
    assert upload(rita, edit(download(rita), new_h01_text)).status_code == 403
    assert InstrumentVersion.objects.count() == 1


def test_another_regions_copy_is_not_found(cast: Cast, version: InstrumentVersion) -> None:
    alice = client_for(cast.alice)
    assert upload(alice, edit(download(alice), new_h01_text)).status_code == 302
    zoe = client_for(cast.zoe)
    assert [r["instrument"].code for r in zoe.get("/risk/instruments/").context["rows"]] == [SHIPPED_CODE]
    for url in (f"/risk/instruments/{COPY}/", f"/risk/instruments/{COPY}/xlsx/", f"/risk/instruments/{COPY}/upload/"):
        assert zoe.get(url).status_code == 404, url
    rita = client_for(cast.rita)
    assert [r["instrument"].code for r in rita.get("/risk/instruments/").context["rows"]] == [SHIPPED_CODE, COPY]


# --- Reading a version --------------------------------------------------------------------------


def test_a_version_reads_as_factors_with_their_questions_questionnaires_and_rules(
        cast: Cast, definition: Definition) -> None:
    page = html(client_for(cast.rita).get(f"/risk/instruments/{SHIPPED_CODE}/"))
    for factor in definition.factors:
        assert factor.name in page
    for question in definition.questions:
        assert question.text in page
    assert "чем выше ответ, тем ниже риск" in page and "чем выше ответ, тем выше риск" in page
    assert "Совершенно не согласен" in page  # the answer scale of a question
    assert definition.sections_for("pupil")[0][0] in page
    assert 'id="group-rules"' in page and "число обучающихся" in page
    assert "по порогам значения фактора" in page


def test_an_unknown_version_is_not_found(cast: Cast, version: InstrumentVersion) -> None:
    assert client_for(cast.alice).get(f"/risk/instruments/{SHIPPED_CODE}/?version=9").status_code == 404
    assert client_for(cast.alice).get("/risk/instruments/no-such/").status_code == 404


# --- The workbook round trip --------------------------------------------------------------------


def test_the_downloaded_workbook_reads_back_to_the_same_definition(cast: Cast, version: InstrumentVersion) -> None:
    data = download(client_for(cast.rita))
    assert load_workbook(BytesIO(data)).sheetnames == ["Факторы", "Шкалы", "Вопросы", "Показатели", "Группы",
                                                        "Правила"]
    assert Definition.from_dict(definition_from_workbook(data)) == version.parsed()


def test_uploading_the_workbook_unchanged_saves_nothing(cast: Cast, version: InstrumentVersion) -> None:
    alice = client_for(cast.alice)
    response = upload(alice, download(alice), comment="Ничего не меняли")
    assert response.status_code == 400
    assert response.context["problems"] == [_("Nothing changed.")]
    assert 'Ничего не меняли</textarea>' in html(response)  # the comment is kept in the form
    assert InstrumentVersion.objects.count() == 1 and not Instrument.objects.filter(code=COPY).exists()


def test_uploading_the_regions_copy_unchanged_saves_nothing_either(cast: Cast, version: InstrumentVersion) -> None:
    alice = client_for(cast.alice)
    upload(alice, edit(download(alice), new_h01_text))
    for code in (COPY, SHIPPED_CODE):  # the shipped page's upload continues the copy too
        response = upload(alice, download(alice, COPY), code=code)
        assert response.status_code == 400 and response.context["problems"] == [_("Nothing changed.")]
    assert Instrument.objects.get(code=COPY).versions.count() == 1


def test_an_edited_question_text_becomes_version_1_of_the_regions_copy(
        cast: Cast, version: InstrumentVersion, campaign: Campaign) -> None:
    alice = client_for(cast.alice)
    response = upload(alice, edit(download(alice), new_h01_text))
    assert response.status_code == 302 and response["Location"] == f"/risk/instruments/{COPY}/?version=1"
    copy = Instrument.objects.get(code=COPY)
    assert copy.region == cast.r10 and copy.current().number == 1
    saved = copy.current().parsed()
    assert saved.question("H01").text == NEW_TEXT
    assert saved.questions[1:] == version.parsed().questions[1:]
    # The shipped questionnaires and the campaign opened on them are untouched.
    assert Instrument.objects.get(code=SHIPPED_CODE).current() == version
    campaign.refresh_from_db()
    assert campaign.version == version

    page = alice.get(response["Location"])
    changes = page.context["changes"]
    assert [(c.action, c.code) for c in changes] == [("changed", "H01")]
    assert changes[0].fields == [("текст", version.parsed().question("H01").text, NEW_TEXT)]
    assert "Уточнили вопрос об оснащённости" in html(page)


def test_a_second_edit_continues_the_copy_and_the_older_version_stays_readable(
        cast: Cast, version: InstrumentVersion) -> None:
    alice = client_for(cast.alice)
    upload(alice, edit(download(alice), new_h01_text))

    def heavier(workbook: Any) -> None:
        workbook["Показатели"]["C2"].value = 2

    response = upload(alice, edit(download(alice, COPY), heavier), comment="Вес H01 — 2", code=COPY)
    assert response["Location"] == f"/risk/instruments/{COPY}/?version=2"
    changes = alice.get(response["Location"]).context["changes"]
    assert [(c.action, c.code, c.fields) for c in changes] == [
        ("changed", "equipment ← H01", [("вес", "1,0", "2,0")])]
    assert changes[0].title == f"«Низкая оснащённость школы» ← «{NEW_TEXT}»"
    old = alice.get(f"/risk/instruments/{COPY}/?version=1")
    assert "Это не текущая версия: текущая — версия 2." in html(old)
    assert old.context["version"].parsed().indicators[0].weight == 1.0
    versions = [v["version"].number for v in old.context["versions"]]
    assert versions == [2, 1]


def test_upload_problems_name_sheet_row_and_column_and_keep_the_comment(cast: Cast, version: InstrumentVersion) -> None:
    alice = client_for(cast.alice)

    def broken(workbook: Any) -> None:
        workbook["Вопросы"]["E3"].value = "agree9"
        workbook["Показатели"]["C4"].value = 0

    response = upload(alice, edit(download(alice), broken), comment="Попытка")
    assert response.status_code == 400
    assert response.context["problems"][0] == (
        "Лист «Вопросы», строка 3, столбец «шкала»: нет шкалы «agree9» на листе «Шкалы».")
    assert response.context["problems"][1].startswith("Лист «Показатели», строка 4, столбец «вес»")
    assert "Попытка</textarea>" in html(response)
    assert InstrumentVersion.objects.count() == 1


def test_a_definition_problem_found_after_reading_is_shown_and_nothing_saved(
        cast: Cast, version: InstrumentVersion) -> None:
    alice = client_for(cast.alice)

    def orphan_factor(workbook: Any) -> None:
        workbook["Факторы"].append(["orphan", "Фактор без вопросов", ""])

    response = upload(alice, edit(download(alice), orphan_factor))
    assert response.status_code == 400
    (problem,) = response.context["problems"]
    assert "фактор «orphan» не измеряется ни одним вопросом" in problem
    assert InstrumentVersion.objects.count() == 1


def test_a_comment_is_required(cast: Cast, version: InstrumentVersion) -> None:
    alice = client_for(cast.alice)
    response = upload(alice, edit(download(alice), new_h01_text), comment="")
    assert response.status_code == 400 and response.context["form"].errors["comment"]
    assert InstrumentVersion.objects.count() == 1


def test_the_upload_form_offers_the_current_version_to_download(cast: Cast, version: InstrumentVersion) -> None:
    page = html(client_for(cast.alice).get(f"/risk/instruments/{SHIPPED_CODE}/upload/"))
    assert f"/risk/instruments/{SHIPPED_CODE}/xlsx/?version=1" in page
    assert "собственной копией вашего региона" in page
