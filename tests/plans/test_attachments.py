"""A school attaches signed copies and evidence: only real PDF/DOCX/XLSX/PNG/JPEG files of a sane
size, names made safe, downloads and removals scoped to who may see and edit the document."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import openpyxl
import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from docx import Document as new_docx

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.plans.models import Attachment, DocState, Document, DocumentKind
from opora.plans.services.attachments import attachment_add, attachment_delete, sanitise_name
from tests.conftest import Cast
from tests.plans.builders import add_measure, make_document


def pdf_bytes() -> bytes:
    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(200, 200)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def png_bytes() -> bytes:
    """A 1×1 white PNG, chunk by chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Показатель"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    doc = new_docx()
    doc.add_paragraph("Приказ")
    doc.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refused(**kwargs: Any) -> str:
    with pytest.raises(ValidationFailed) as caught:
        attachment_add(**kwargs)
    return caught.value.messages[0]


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("Приказ.pdf", pdf_bytes(), "application/pdf"),
    ("Фото.PNG", png_bytes(), "image/png"),
    ("Показатели.xlsx", xlsx_bytes(),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Протокол.docx", docx_bytes(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("Скан.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 60, "image/jpeg"),
])
def test_real_files_of_the_allowed_kinds_are_kept_under_media_plans(
        cast: Cast, concept: Document, media: Path, name: str, data: bytes, content_type: str) -> None:
    attachment = attachment_add(actor=cast.sam, document=concept, upload=upload(name, data))
    assert attachment.name == ("Фото.png" if name == "Фото.PNG" else name)  # extensions lower-cased
    assert attachment.content_type == content_type and attachment.size == len(data)
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media / "plans") and stored.read_bytes() == data
    assert attachment.uploaded_by == cast.sam and not attachment.signed


def test_a_program_renamed_to_pdf_is_refused_by_its_content(cast: Cast, concept: Document) -> None:
    message = refused(actor=cast.sam, document=concept, upload=upload("Приказ.pdf", b"MZ\x90\x00" + b"\x00" * 200))
    assert message == "Содержимое файла — не PDF, хотя его имя оканчивается на .pdf."
    workbook_as_docx = refused(actor=cast.sam, document=concept, upload=upload("Протокол.docx", xlsx_bytes()))
    assert "не DOCX" in workbook_as_docx
    assert not Attachment.objects.exists()


def test_other_types_are_refused_by_their_extension(cast: Cast, concept: Document) -> None:
    message = refused(actor=cast.sam, document=concept, upload=upload("setup.exe", pdf_bytes()))
    assert message == "Файл типа .exe не принимается: допустимы PDF, DOCX, XLSX, PNG, JPEG."


def test_a_file_above_the_limit_is_refused(cast: Cast, concept: Document, settings: Any) -> None:
    settings.PLANS_ATTACHMENT_MAX_BYTES = 1024
    message = refused(actor=cast.sam, document=concept, upload=upload("Приказ.pdf", pdf_bytes() + b"\n" * 2048))
    assert message.startswith("Файл больше 1,0")


def test_names_lose_folders_and_odd_characters_but_keep_russian_words() -> None:
    assert sanitise_name("../../Приказ №5 (подписан).pdf") == "Приказ_№5_(подписан).pdf"
    assert sanitise_name("C:\\Users\\Иван\\скан\x00\x1f  1.JPG") == "скан_1.jpg"
    long = sanitise_name("План " * 60 + ".xlsx")
    assert len(long) <= 120 and long.endswith(".xlsx") and long.startswith("План_План")
    assert sanitise_name("<script>.pdf") == "script.pdf"
    assert sanitise_name("....pdf") == "pdf"  # no extension left: refused as a type


def test_files_follow_the_document_state_and_evidence_goes_any_time(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, state=DocState.SUBMITTED)
    measure = add_measure(roadmap)
    assert "после утверждения" in refused(actor=cast.sam, document=roadmap, upload=upload("a.pdf", pdf_bytes()))
    assert "после утверждения" in refused(actor=cast.sam, document=roadmap, upload=upload("a.pdf", pdf_bytes()),
                                          signed=True)
    roadmap.state = DocState.APPROVED
    roadmap.save()
    assert refused(actor=cast.sam, document=roadmap, upload=upload("a.pdf", pdf_bytes()))
    signed = attachment_add(actor=cast.sam, document=roadmap, upload=upload("a.pdf", pdf_bytes()), signed=True)
    assert signed.signed
    evidence = attachment_add(actor=cast.sam, document=roadmap, upload=upload("фото.png", png_bytes()),
                              measure=measure)
    assert evidence.measure == measure and not evidence.signed
    attachment_delete(actor=cast.sam, attachment=signed)  # a wrong signed copy can be replaced
    assert not Attachment.objects.filter(pk=signed.pk).exists()


def test_only_the_school_head_attaches(cast: Cast, concept: Document) -> None:
    with pytest.raises(AccessDenied):
        attachment_add(actor=cast.kate, document=concept, upload=upload("a.pdf", pdf_bytes()))
    with pytest.raises(AccessDenied):
        attachment_add(actor=cast.vera, document=concept, upload=upload("a.pdf", pdf_bytes()))


def test_the_upload_page_attaches_a_signed_copy_and_returns_to_the_document(cast: Cast, concept: Document) -> None:
    response = client_for(cast.sam).post(reverse("plans:attachment_upload", args=[concept.pk]),
                                         {"file": upload("../../Приказ №5 (подписан).pdf", pdf_bytes()),
                                          "signed": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:document", args=[concept.pk]) + "#attachments"
    attachment = Attachment.objects.get()
    assert attachment.name == "Приказ_№5_(подписан).pdf" and attachment.signed
    assert ".." not in attachment.file.name and attachment.file.name.startswith("plans/")


def panel_html(client: Client, document: Document, user: User) -> str:
    request = RequestFactory().get("/")
    request.user, request.session = user, client.session
    html = Template('{% include "plans/_attachments.html" %}').render(Context({"document": document,
                                                                             "request": request}))
    request.session.save()  # as the session middleware does after a page
    return html


def test_a_refused_upload_shows_why_next_to_the_form_and_keeps_the_choice(cast: Cast, concept: Document) -> None:
    client = client_for(cast.sam)
    response = client.post(reverse("plans:attachment_upload", args=[concept.pk]),
                           {"file": upload("вирус.pdf", b"MZ" + b"\x00" * 100), "signed": "on"})
    assert response.status_code == 302 and not Attachment.objects.exists()
    html = panel_html(client, concept, cast.sam)
    assert "Содержимое файла — не PDF" in html
    assert 'name="signed" checked' in html
    assert "Содержимое файла" not in panel_html(client, concept, cast.sam)  # shown once


def test_the_panel_lists_files_and_offers_the_form_only_to_the_head(cast: Cast, concept: Document) -> None:
    attachment_add(actor=cast.sam, document=concept, upload=upload("Приказ.pdf", pdf_bytes()), signed=True)
    head = panel_html(Client(), concept, cast.sam)
    assert "Приказ.pdf" in head and "подписанная копия" in head and cast.sam.full_name in head
    assert 'enctype="multipart/form-data"' in head and "Удалить" in head
    curator = panel_html(Client(), concept, cast.kate)
    assert "Приказ.pdf" in curator and "multipart" not in curator and "Удалить" not in curator


def test_others_cannot_upload_through_the_page(cast: Cast, concept: Document) -> None:
    url = reverse("plans:attachment_upload", args=[concept.pk])
    data = {"file": upload("a.pdf", pdf_bytes())}
    assert client_for(cast.kate).post(url, data).status_code == 403
    assert client_for(cast.vera).post(url, {"file": upload("a.pdf", pdf_bytes())}).status_code == 404
    assert client_for(cast.sam).get(url).status_code == 405
    assert not Attachment.objects.exists()


def test_downloads_go_through_the_scope_check_with_the_real_name(cast: Cast, concept: Document) -> None:
    data = pdf_bytes()
    attachment = attachment_add(actor=cast.sam, document=concept, upload=upload("Приказ №5.pdf", data))
    url = reverse("plans:attachment", args=[attachment.pk])
    for user in (cast.sam, cast.kate, cast.maria):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1]) == "Приказ_№5.pdf"
    assert client_for(cast.vera).get(url).status_code == 404
    assert client_for(cast.tom).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_the_head_removes_files_while_the_document_is_editable(
        cast: Cast, concept: Document, django_capture_on_commit_callbacks: Any) -> None:
    attachment = attachment_add(actor=cast.sam, document=concept, upload=upload("a.pdf", pdf_bytes()))
    stored = Path(attachment.file.path)
    url = reverse("plans:attachment_delete", args=[attachment.pk])
    assert client_for(cast.kate).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.sam).post(url)
    assert response.status_code == 302 and not Attachment.objects.exists() and not stored.exists()


def test_files_of_a_submitted_document_stay_but_evidence_can_be_removed(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP)
    measure = add_measure(roadmap)
    paper = attachment_add(actor=cast.sam, document=roadmap, upload=upload("a.pdf", pdf_bytes()))
    evidence = attachment_add(actor=cast.sam, document=roadmap, upload=upload("b.png", png_bytes()), measure=measure)
    roadmap.state = DocState.SUBMITTED
    roadmap.save()
    with pytest.raises(ValidationFailed):
        attachment_delete(actor=cast.sam, attachment=paper)
    response = client_for(cast.sam).post(reverse("plans:attachment_delete", args=[paper.pk]))
    assert response.status_code == 302 and Attachment.objects.filter(pk=paper.pk).exists()
    attachment_delete(actor=cast.sam, attachment=evidence)
    assert not Attachment.objects.filter(pk=evidence.pk).exists()
    with pytest.raises(AccessDenied):
        attachment_delete(actor=cast.vera, attachment=paper)


def test_a_roadmap_under_review_still_takes_evidence_of_its_measures_through_the_page(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, state=DocState.SUBMITTED)
    measure = add_measure(roadmap, "Семинар для учителей")
    client = client_for(cast.sam)
    html = panel_html(client, roadmap, cast.sam)
    assert "выполнение мероприятия «Семинар для учителей»" in html
    assert "сам документ" not in html and 'name="signed"' not in html  # the document itself waits for review
    url = reverse("plans:attachment_upload", args=[roadmap.pk])
    assert client.post(url, {"file": upload("фото.png", png_bytes()), "measure": measure.pk}).status_code == 302
    assert Attachment.objects.get().measure == measure
    other = add_measure(make_document(cast.s1, DocumentKind.ROADMAP, year=2027))
    assert client.post(url, {"file": upload("фото.png", png_bytes()), "measure": other.pk}).status_code == 404
