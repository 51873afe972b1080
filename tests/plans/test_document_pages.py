"""The document pages for every role: the head writes, reviewers and regional users read, a school
outside the scope is not found, and nobody else gets in."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from opora.plans.models import DocState, Document, DocumentKind
from tests.conftest import Cast
from tests.plans.builders import YEAR, complete_content, make_document
from tests.plans.test_documents import verified_profile

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


class FormFields(HTMLParser):
    """The named inputs and textareas of a page with their values (buttons left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            self.values[a["name"] or ""] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.values[self._textarea or ""] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None


def edit_data(client: Client, document: Document, **changes: str) -> dict[str, str]:
    """The edit form as the page renders it now, with `changes` typed in."""
    return fields_of(client.get(reverse("plans:document_edit", args=[document.pk])).content.decode(), **changes)


def fields_of(html: str, **changes: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    parser.values.pop("csrfmiddlewaretoken", None)
    return {**parser.values, **changes}


def test_the_head_sees_the_year_and_creates_the_concept(cast: Cast) -> None:
    client = client_for(cast.sam)
    page = client.get(reverse("plans:school_year", args=[cast.s1.code, YEAR]))
    assert page.status_code == 200 and "Создать" in page.content.decode()
    created = client.post(reverse("plans:document_new", args=[cast.s1.code, YEAR, DocumentKind.CONCEPT]))
    document = Document.objects.get(school=cast.s1, kind=DocumentKind.CONCEPT)
    assert created.url == reverse("plans:document_edit", args=[document.pk])
    page = client.get(reverse("plans:school_year", args=[cast.s1.code, YEAR])).content.decode()
    assert document.title in page


def test_without_a_verified_profile_the_year_page_says_so_and_links_the_profiles(cast: Cast) -> None:
    page = client_for(cast.sam).get(reverse("plans:school_year", args=[cast.s1.code, YEAR])).content.decode()
    assert "нет подтверждённого профиля рисков" in page
    assert reverse("diagnostics:school_profiles", args=[cast.s1.code]) in page


def test_anti_risk_programmes_are_created_for_the_selected_factors_from_the_year_page(cast: Cast) -> None:
    verified_profile(cast.s1, {"f_a": True, "f_b": True})
    client = client_for(cast.sam)
    client.post(reverse("plans:document_new", args=[cast.s1.code, YEAR, DocumentKind.ANTIRISK]))
    factors = Document.objects.filter(kind=DocumentKind.ANTIRISK).values_list("factor", flat=True)
    assert sorted(factors) == ["f_a", "f_b"]


def test_the_roadmap_is_created_from_the_year_page(cast: Cast) -> None:
    client_for(cast.sam).post(reverse("plans:document_new", args=[cast.s1.code, YEAR, DocumentKind.ROADMAP]))
    assert Document.objects.filter(school=cast.s1, kind=DocumentKind.ROADMAP, year=YEAR).count() == 1


@pytest.mark.parametrize("who", ["kate", "maria", "alice", "rita"])
def test_reviewers_and_regional_users_read_the_document_but_cannot_edit(cast: Cast, concept: Document,
                                                                        who: str) -> None:
    client = client_for(getattr(cast, who))
    page = client.get(reverse("plans:document", args=[concept.pk]))
    assert page.status_code == 200 and concept.content["analysis"] in page.content.decode()
    assert reverse("plans:document_edit", args=[concept.pk]) not in page.content.decode()
    assert client.get(reverse("plans:document_edit", args=[concept.pk])).status_code == 403
    assert client.post(reverse("plans:document_new", args=[cast.s1.code, YEAR, "programme"])).status_code == 403


def test_a_head_of_another_school_does_not_find_the_document(cast: Cast, concept: Document) -> None:
    client = client_for(cast.vera)
    for name in ("plans:document", "plans:document_edit", "plans:document_check"):
        assert client.get(reverse(name, args=[concept.pk])).status_code == 404
    assert client.get(reverse("plans:school_year", args=[cast.s1.code, YEAR])).status_code == 404


@pytest.mark.parametrize("who", ["tom", "mila", "oleg", "nobody"])
def test_people_without_the_plans_get_forbidden(cast: Cast, concept: Document, who: str) -> None:
    client = client_for(getattr(cast, who))
    assert client.get(reverse("plans:document", args=[concept.pk])).status_code == 403
    assert client.get(reverse("plans:document_edit", args=[concept.pk])).status_code == 403
    assert client.get(reverse("plans:school_year", args=[cast.s1.code, YEAR])).status_code == 403


def test_the_head_saves_a_section_and_sees_it_on_the_document(cast: Cast, concept: Document) -> None:
    client = client_for(cast.sam)
    data = edit_data(client, concept, **{"analysis-text": "Новый анализ положения"})
    response = client.post(reverse("plans:document_edit", args=[concept.pk]), data)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Новый анализ положения" in page and "Сохранено." in page
    concept.refresh_from_db()
    assert concept.content["goals"] == complete_content(DocumentKind.CONCEPT)["goals"]


def test_a_row_added_and_filled_is_saved(cast: Cast, concept: Document) -> None:
    client = client_for(cast.sam)
    url = reverse("plans:document_edit", args=[concept.pk])
    page = client.post(url, edit_data(client, concept, add="goals", **{"analysis-text": "Набранный текст"}))
    html = page.content.decode()
    assert 'name="goals-2-text"' in html and "Набранный текст" in html
    assert client.post(url, fields_of(html, **{"goals-2-text": "Третья цель"})).status_code == 302
    concept.refresh_from_db()
    assert [g["text"] for g in concept.content["goals"]][-1] == "Третья цель"
    assert len(concept.content["goals"]) == 3 and concept.content["analysis"] == "Набранный текст"


def test_a_removed_row_is_gone_after_saving_and_typing_is_kept_meanwhile(cast: Cast, concept: Document) -> None:
    client = client_for(cast.sam)
    url = reverse("plans:document_edit", args=[concept.pk])
    data = edit_data(client, concept, remove="goals:0", **{"analysis-text": "Набранный текст"})
    page = client.post(url, data).content.decode()
    assert "Набранный текст" in page and 'name="goals-1-text"' not in page
    client.post(url, fields_of(page, **{"goals-0-text": "Единственная цель"}))
    concept.refresh_from_db()
    assert concept.content["goals"] == [{"text": "Единственная цель"}]


def test_a_wrong_date_keeps_what_was_typed_and_names_the_row(cast: Cast, concept: Document) -> None:
    client = client_for(cast.sam)
    data = edit_data(client, concept, **{"analysis-text": "Мой несохранённый текст",
                                         "indicators-1-target_date": "завтра"})
    page = client.post(reverse("plans:document_edit", args=[concept.pk]), data)
    html = page.content.decode()
    assert page.status_code == 200 and "Мой несохранённый текст" in html
    assert "Раздел «Целевые показатели», строка 2" in html
    concept.refresh_from_db()
    assert concept.content["analysis"] != "Мой несохранённый текст"


def test_a_stale_form_shows_the_conflict_and_keeps_the_typing(cast: Cast, concept: Document) -> None:
    client = client_for(cast.sam)
    url = reverse("plans:document_edit", args=[concept.pk])
    stale = edit_data(client, concept, **{"analysis-text": "Второе окно"})
    client.post(url, edit_data(client, concept, **{"analysis-text": "Первое окно"}))
    page = client.post(url, stale).content.decode()
    assert "ваши изменения не сохранены" in page and "Второе окно" in page
    concept.refresh_from_db()
    assert concept.content["analysis"] == "Первое окно"


def test_garbage_input_is_never_a_traceback(cast: Cast, concept: Document) -> None:
    client = client_for(cast.sam)
    url = reverse("plans:document_edit", args=[concept.pk])
    for data in ({}, {"lock_version": "x"}, {"goals-TOTAL_FORMS": "-5", "lock_version": "0"},
                 {"goals-TOTAL_FORMS": "zzz", "remove": "goals:99"}, {"add": "nonsense"}, {"remove": "::"}):
        assert client.post(url, data).status_code in (200, 302)


def test_a_returned_document_shows_the_returned_section_and_edits_only_it(cast: Cast, concept: Document) -> None:
    concept.state = DocState.RETURNED
    concept.returned_sections = ["expected"]
    concept.save()
    client = client_for(cast.sam)
    page = client.get(reverse("plans:document", args=[concept.pk])).content.decode()
    assert page.count("— возвращён на доработку") == 1
    form = client.get(reverse("plans:document_edit", args=[concept.pk])).content.decode()
    assert 'name="expected-text"' in form and 'name="analysis-text"' not in form
    assert concept.content["analysis"] in form  # shown read-only


def test_a_submitted_document_is_not_editable(cast: Cast, concept: Document) -> None:
    concept.state = DocState.SUBMITTED
    concept.save()
    response = client_for(cast.sam).get(reverse("plans:document_edit", args=[concept.pk]))
    assert response.status_code == 302 and response.url == reverse("plans:document", args=[concept.pk])


def test_the_check_lists_what_is_missing_with_links_to_the_sections(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT, content={"analysis": "Есть"})
    client = client_for(cast.sam)
    page = client.get(reverse("plans:document_check", args=[document.pk])).content.decode()
    assert "Раздел «Цели развития»: добавьте хотя бы одну строку." in page
    assert f'{reverse("plans:document", args=[document.pk])}#section-goals' in page
    detail = client.get(reverse("plans:document", args=[document.pk])).content.decode()
    assert reverse("plans:document_check", args=[document.pk]) in detail and "Проверить" in detail


def test_a_complete_document_passes_the_check(cast: Cast, concept: Document) -> None:
    page = client_for(cast.sam).get(reverse("plans:document_check", args=[concept.pk])).content.decode()
    assert "Всё обязательное заполнено" in page
