"""Practices bank pages: who sees which practice, search by words and filters, forms, XLSX, public pages."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from opora.support.models.practices import Practice, PracticeState
from opora.support.practice_search import PracticeFilters, practices_for, search
from opora.support.services import practices as service
from tests.conftest import Cast
from tests.support.test_practices import client_for, published, write

pytestmark = pytest.mark.django_db
S = PracticeState


@pytest.fixture
def bank(cast: Cast) -> dict[str, Practice]:
    """A published public practice of s1, a published private one of s3, a draft and a submitted one of s1."""
    public = published(cast, public=True, tags="наставничество", risk_factors=["professional_development"],
                       subjects=["rus"])
    other = service.practice_create(
        actor=cast.vera, school=cast.s3, title="Читательская грамотность через проекты",
        problem="Низкие результаты по смысловому чтению.", actions="Проектные недели, читательский клуб.",
        results="Результаты ВПР по чтению выросли.", tags="читательская грамотность", subjects=["rus"])
    service.practice_transition(actor=cast.vera, practice=other, action="submit")
    service.practice_transition(actor=cast.rita, practice=other, action="publish")
    draft = write(cast, title="Черновик: дежурство учителей")
    submitted = write(cast, title="Отправлено: методические среды")
    service.practice_transition(actor=cast.tom, practice=submitted, action="submit")
    return {"public": public, "other": other, "draft": draft, "submitted": submitted}


def titles(qs) -> set[str]:  # type: ignore[no-untyped-def]
    return set(qs.values_list("title", flat=True))


def test_every_signed_in_user_sees_published_practices_of_any_territory(cast: Cast, bank: dict) -> None:
    for user in (cast.nobody, cast.zoe, cast.olga):
        assert titles(practices_for(user)) == {bank["public"].title, bank["other"].title}


def test_anonymous_visitors_see_only_public_published_ones(cast: Cast, bank: dict) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert titles(practices_for(AnonymousUser())) == {bank["public"].title}


def test_drafts_are_seen_by_the_school_and_submitted_ones_by_reviewers_in_scope(cast: Cast, bank: dict) -> None:
    draft, submitted = bank["draft"].title, bank["submitted"].title
    assert {draft, submitted} <= titles(practices_for(cast.tom))
    assert {draft, submitted} <= titles(practices_for(cast.kate))  # the curator writes for s1 too
    assert submitted in titles(practices_for(cast.maria)) and draft not in titles(practices_for(cast.maria))
    assert submitted in titles(practices_for(cast.rita))
    for outsider in (cast.vera, cast.zoe, cast.olga, cast.nobody, cast.oleg):
        assert not {draft, submitted} & titles(practices_for(outsider))


def test_a_draft_page_is_404_outside_and_readable_inside(cast: Cast, bank: dict) -> None:
    url = f"/practices/{bank['draft'].pk}/"
    assert client_for(cast.vera).get(url).status_code == 404
    assert client_for(cast.zoe).get(url).status_code == 404
    assert client_for(cast.sam).get(url).status_code == 200


def test_a_reviewer_cannot_edit_and_a_reader_cannot_review(cast: Cast, bank: dict) -> None:
    assert client_for(cast.maria).get(f"/practices/{bank['submitted'].pk}/edit/").status_code == 403
    response = client_for(cast.nobody).post(f"/practices/{bank['public'].pk}/withdraw/", {"comment": "нет"})
    assert response.status_code == 403
    response = client_for(cast.vera).post(f"/practices/{bank['submitted'].pk}/publish/")
    assert response.status_code == 404
    assert client_for(cast.olga).get("/practices/new/").status_code == 403


def test_returning_without_a_comment_shows_the_error_in_russian(cast: Cast, bank: dict) -> None:
    response = client_for(cast.maria).post(f"/practices/{bank['submitted'].pk}/return/", {"comment": ""})
    assert response.status_code == 422
    assert "комментарий" in response.content.decode().lower()
    bank["submitted"].refresh_from_db()
    assert bank["submitted"].state == S.SUBMITTED


def test_the_form_keeps_what_was_typed_on_error(cast: Cast) -> None:
    response = client_for(cast.sam).post("/practices/new/", {
        "school": str(cast.s1.pk), "title": "Моя практика", "problem": "Проблема описана", "actions": "",
        "results": "", "tags": "клуб"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Моя практика" in html and "Проблема описана" in html and "errorlist" in html
    assert not Practice.objects.exists()


def test_writing_submitting_and_publishing_through_the_pages(cast: Cast) -> None:
    sam = client_for(cast.sam)
    response = sam.post("/practices/new/", {
        "school": str(cast.s1.pk), "title": "Коуч-сессии для классных руководителей",
        "problem": "Конфликты в классах.", "actions": "Шесть коуч-сессий.", "results": "Конфликтов меньше.",
        "tags": "коучинг", "risk_factors": ["environment"], "is_public": "on"})
    practice = Practice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/practices/{practice.pk}/"
    assert sam.post(f"/practices/{practice.pk}/submit/").status_code == 302
    mila = client_for(cast.mila)
    assert f"/practices/{practice.pk}/publish/" in mila.get(f"/practices/{practice.pk}/").content.decode()
    assert f"/practices/{practice.pk}/publish/" not in sam.get(f"/practices/{practice.pk}/").content.decode()
    assert mila.post(f"/practices/{practice.pk}/publish/").status_code == 302
    practice.refresh_from_db()
    assert practice.state == S.PUBLISHED and practice.is_public and practice.risk_factors == ["environment"]


def test_search_finds_another_word_form(cast: Cast, bank: dict) -> None:
    found = search(practices_for(cast.nobody), PracticeFilters(q="наставничества"))
    assert titles(found) == {bank["public"].title}
    found = search(practices_for(cast.nobody), PracticeFilters(q="Читательского клуба"))
    assert titles(found) == {bank["other"].title}


def test_filters_by_tag_subject_factor_and_municipality(cast: Cast, bank: dict) -> None:
    visible = practices_for(cast.nobody)
    assert titles(search(visible, PracticeFilters(tag="Наставничество"))) == {bank["public"].title}
    assert titles(search(visible, PracticeFilters(subject="rus"))) == {bank["public"].title, bank["other"].title}
    assert titles(search(visible, PracticeFilters(factor="professional_development"))) == {bank["public"].title}
    assert titles(search(visible, PracticeFilters(municipality=cast.m2.code))) == {bank["other"].title}


def test_the_bank_page_lists_published_ones_and_the_users_work(cast: Cast, bank: dict,
                                                               django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(15):
        published(cast, title=f"Практика {i}", tags=f"тег{i % 3}")
    client = client_for(cast.maria)
    with django_assert_max_num_queries(16):
        response = client.get("/practices/")
    html = response.content.decode()
    assert response.status_code == 200
    assert bank["other"].title in html and bank["submitted"].title in html  # waits for her review
    assert bank["draft"].title not in html
    response = client.get("/practices/", {"q": "наставничества"}, headers={"HX-Request": "true",
                                                                          "HX-Target": "practice-table"})
    assert "<html" not in response.content.decode() and bank["public"].title in response.content.decode()


def test_xlsx_export_follows_the_filters(cast: Cast, bank: dict) -> None:
    response = client_for(cast.olga).get("/practices/export.xlsx", {"municipality": cast.m2.code})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Название" and [r[0] for r in rows[1:]] == [bank["other"].title]


def test_public_pages_work_without_login_and_show_no_author(cast: Cast, bank: dict) -> None:
    client = Client()
    assert client.get("/practices/")["Location"] == "/practices/public/"
    html = client.get("/practices/public/", {"q": "наставничество"}).content.decode()
    assert bank["public"].title in html and bank["other"].title not in html
    response = client.get(f"/practices/public/{bank['public'].pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and cast.s1.name in html
    assert cast.sam.full_name not in html and "Лосев" not in html
    assert client.get(f"/practices/public/{bank['other'].pk}/").status_code == 404
    assert client.get(f"/practices/{bank['draft'].pk}/")["Location"] == f"/practices/public/{bank['draft'].pk}/"
    assert client.get(f"/practices/public/{bank['draft'].pk}/").status_code == 404
    rows = list(load_workbook(io.BytesIO(client.get("/practices/public/export.xlsx").content))
                .active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [bank["public"].title]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL")
def test_postgres_full_text_search_ranks_the_title_first(cast: Cast, bank: dict) -> None:
    theatre = published(cast, title="Школьный театр", tags="театр")
    extra = published(cast, title="Клуб чтения")  # the word only in its results, below
    Practice.objects.filter(pk=extra.pk).update(results="Клуб вырос из наставничества старшеклассников.")
    found = list(search(practices_for(cast.nobody), PracticeFilters(q="наставничеству")))
    assert found[0] == bank["public"] and extra in found and theatre not in found


def test_a_practice_whose_reviewer_account_is_gone_still_shows_its_history(cast: Cast, bank: dict) -> None:
    practice = bank["other"]
    practice.transitions.update(actor=None)  # the account was deleted (SET_NULL)
    page = client_for(cast.vera).get(f"/practices/{practice.pk}/")
    assert page.status_code == 200
    assert "—:" in page.content.decode()
