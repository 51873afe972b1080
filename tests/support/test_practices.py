"""The practices bank: a school writes, a reviewer publishes or returns, who sees what, files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opora.core.errors import AccessDenied, ValidationFailed
from opora.support.models.practices import Practice, PracticeState
from opora.support.services import practices as service
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
S = PracticeState


def write(cast: Cast, *, school=None, author=None, title: str = "Наставничество в начальной школе",
          public: bool = False, **extra: object) -> Practice:
    return service.practice_create(
        actor=author or cast.sam, school=school or cast.s1, title=title,
        problem="Молодые учителя уходили из школы в первый год.",
        actions="Закрепили за каждым молодым учителем наставника, взаимопосещения раз в неделю.",
        results="Из пяти молодых учителей остались все пятеро; доля «2» по ВПР снизилась.",
        tags=extra.pop("tags", "Наставничество, молодые учителя"), is_public=public, **extra)  # type: ignore[arg-type]


def published(cast: Cast, **kwargs: object) -> Practice:
    practice = write(cast, **kwargs)  # type: ignore[arg-type]
    service.practice_transition(actor=cast.sam, practice=practice, action="submit")
    return service.practice_transition(actor=cast.mila, practice=practice, action="publish")


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# --- workflow ---------------------------------------------------------------------------------


def test_a_head_writes_a_draft_with_clean_tags(cast: Cast) -> None:
    practice = write(cast, tags="Наставничество; #молодые  учителя, наставничество")
    assert practice.state == S.DRAFT and practice.author == cast.sam
    assert practice.tags == ["наставничество", "молодые учителя"]


def test_a_practice_needs_its_problem_actions_and_results(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as error:
        service.practice_create(actor=cast.sam, school=cast.s1, title="Без текста", problem="", actions=" ",
                                results="")
    assert len(error.value.messages) == 3


def test_a_head_cannot_write_for_another_school(cast: Cast) -> None:
    with pytest.raises(AccessDenied):
        write(cast, school=cast.s3)
    with pytest.raises(AccessDenied):
        write(cast, author=cast.olga)  # an observer only reads


def test_submit_publish_cycle_keeps_history(cast: Cast) -> None:
    practice = published(cast)
    assert practice.state == S.PUBLISHED and practice.published_at and practice.reviewed_by == cast.mila
    steps = list(practice.transitions.values_list("from_state", "to_state"))
    assert steps == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.PUBLISHED)]


def test_returning_requires_a_comment_and_the_school_revises(cast: Cast) -> None:
    practice = write(cast)
    service.practice_transition(actor=cast.sam, practice=practice, action="submit")
    with pytest.raises(ValidationFailed):
        service.practice_transition(actor=cast.maria, practice=practice, action="return", comment="  ")
    practice = service.practice_transition(actor=cast.maria, practice=practice, action="return",
                                           comment="Добавьте цифры результатов.")
    assert practice.state == S.RETURNED and practice.review_comment == "Добавьте цифры результатов."
    practice = service.practice_update(actor=cast.sam, practice=practice, title=practice.title,
                                       problem=practice.problem, actions=practice.actions,
                                       results="Доля «2» снизилась с 18% до 9%.")
    practice = service.practice_transition(actor=cast.sam, practice=practice, action="submit")
    assert practice.state == S.SUBMITTED


def test_a_submitted_practice_is_not_edited(cast: Cast) -> None:
    practice = write(cast)
    service.practice_transition(actor=cast.sam, practice=practice, action="submit")
    with pytest.raises(ValidationFailed):
        service.practice_update(actor=cast.sam, practice=practice, title="x", problem="x", actions="x", results="x")


@pytest.mark.parametrize("reviewer", ["sam", "tom", "kate", "olga", "vera", "zoe", "oleg"])
def test_only_reviewers_in_scope_publish(cast: Cast, reviewer: str) -> None:
    practice = write(cast)
    service.practice_transition(actor=cast.sam, practice=practice, action="submit")
    with pytest.raises(AccessDenied):
        service.practice_transition(actor=getattr(cast, reviewer), practice=practice, action="publish")


def test_nobody_publishes_their_own_practice(cast: Cast) -> None:
    practice = write(cast, author=cast.mila)
    service.practice_transition(actor=cast.mila, practice=practice, action="submit")
    assert "publish" not in service.allowed_moves(cast.mila, practice)
    with pytest.raises(AccessDenied):
        service.practice_transition(actor=cast.mila, practice=practice, action="publish")
    service.practice_transition(actor=cast.maria, practice=practice, action="publish")


def test_a_reviewer_withdraws_a_published_practice_with_a_comment(cast: Cast) -> None:
    practice = published(cast)
    practice = service.practice_transition(actor=cast.rita, practice=practice, action="withdraw",
                                           comment="Нужна ссылка на источник.")
    assert practice.state == S.RETURNED and practice.published_at is None


def test_the_school_decides_whether_it_is_public(cast: Cast) -> None:
    practice = published(cast)
    with pytest.raises(AccessDenied):
        service.practice_set_public(actor=cast.rita, practice=practice, is_public=True)
    service.practice_set_public(actor=cast.tom, practice=practice, is_public=True)
    practice.refresh_from_db()
    assert practice.is_public


def test_only_a_never_sent_draft_is_deleted(cast: Cast) -> None:
    practice = write(cast)
    service.practice_delete(actor=cast.sam, practice=practice)
    assert not Practice.objects.exists()
    practice = published(cast)
    with pytest.raises(ValidationFailed):
        service.practice_delete(actor=cast.sam, practice=practice)


# --- files ------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_files_are_checked_by_signature(cast: Cast, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    practice = write(cast)
    item = service.practice_file_add(actor=cast.sam, practice=practice,
                                     upload=SimpleUploadedFile("Отчёт о практике.pdf", PDF))
    assert item.name == "Отчёт_о_практике.pdf" and item.size == len(PDF)
    with pytest.raises(ValidationFailed):
        service.practice_file_add(actor=cast.sam, practice=practice,
                                  upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"))
    with pytest.raises(ValidationFailed):
        service.practice_file_add(actor=cast.sam, practice=practice,
                                  upload=SimpleUploadedFile("run.exe", b"MZ\x90\x00"))


def test_files_are_served_only_to_who_may_see_the_practice(cast: Cast, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    practice = write(cast)
    item = service.practice_file_add(actor=cast.sam, practice=practice, upload=SimpleUploadedFile("a.pdf", PDF))
    url = f"/practices/files/{item.pk}/"
    assert Client().get(url).status_code == 404
    assert client_for(cast.vera).get(url).status_code == 404  # a draft of another school
    response = client_for(cast.tom).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    service.practice_set_public(actor=cast.sam, practice=practice, is_public=True)
    service.practice_transition(actor=cast.sam, practice=practice, action="submit")
    service.practice_transition(actor=cast.mila, practice=practice, action="publish")
    assert Client().get(url).status_code == 200  # public practice: its files are public too


def test_a_file_upload_with_a_wrong_type_shows_the_reason(cast: Cast, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    practice = write(cast)
    response = client_for(cast.sam).post(f"/practices/{practice.pk}/files/",
                                         {"file": io.BytesIO(b"MZ")}, format="multipart")
    assert response.status_code == 422
    upload = SimpleUploadedFile("plan.docx", b"PK\x03\x04 not really")
    response = client_for(cast.sam).post(f"/practices/{practice.pk}/files/", {"file": upload})
    assert response.status_code == 422
    assert "DOCX" in response.content.decode()
