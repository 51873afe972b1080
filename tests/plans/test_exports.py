"""Every document can be printed: DOCX and PDF exports read by real readers, scoped like the pages."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document as read_docx

from opora.core.models import User
from opora.plans.content import SECTIONS
from opora.plans.export_data import document_printable
from opora.plans.export_docx import document_docx
from opora.plans.export_pdf import document_pdf
from opora.plans.models import DocState, Document, DocumentKind, MeasureStatus
from tests.conftest import Cast
from tests.plans.builders import YEAR, add_measure, make_document


def docx_text(data: bytes) -> str:
    doc = read_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def pdf_first_page(data: bytes) -> tuple[str, pypdfium2.PdfPage, pypdfium2.PdfDocument]:
    pdf = pypdfium2.PdfDocument(data)
    page = pdf[0]
    return page.get_textpage().get_text_range(), page, pdf


@pytest.fixture
def roadmap(cast: Cast) -> Document:
    document = make_document(cast.s1, DocumentKind.ROADMAP)
    add_measure(document, "Семинар для учителей математики", starts_on=date(YEAR, 2, 1))
    add_measure(document, "Консультации родителей", due_on=date(YEAR, 5, 20), responsible="Социальный педагог")
    return document


def get(user: User, document: Document, fmt: str) -> object:
    client = Client()
    client.force_login(user)
    return client.get(reverse("plans:export", args=[document.pk, fmt]))


def test_the_docx_opens_and_shows_the_school_the_sections_and_the_measures(cast: Cast, roadmap: Document) -> None:
    text = docx_text(document_docx(roadmap))
    assert cast.s1.name in text
    assert cast.m1.name in text
    assert all(str(s.title) in text for s in SECTIONS[DocumentKind.ROADMAP])
    assert "1 | Семинар для учителей математики | 01.02.2026 – 01.03.2026 | Завуч | Доля учителей | 100 %" in text
    assert "Социальный педагог" in text


def test_the_docx_of_a_concept_numbers_its_goals_and_tabulates_its_indicators(concept: Document) -> None:
    doc = read_docx(io.BytesIO(document_docx(concept)))
    texts = [p.text for p in doc.paragraphs]
    assert [str(s.title) in "\n".join(texts) for s in SECTIONS[DocumentKind.CONCEPT]] == [True] * 6
    goals = concept.content["goals"]
    assert f"1. {goals[0]['text']}" in texts and f"2. {goals[1]['text']}" in texts
    indicators = doc.tables[0]
    assert len(indicators.rows) == 3  # the header and two indicators
    assert indicators.rows[1].cells[-1].text == "15.01.2026"  # dates read the Russian way
    assert doc.paragraphs[0].runs[0].font.name is None  # the style carries the font…
    assert doc.styles["Normal"].font.name == "Times New Roman"  # …Times New Roman 14
    assert doc.styles["Normal"].font.size.pt == 14


def test_a_draft_is_marked_as_a_draft_and_an_approved_document_carries_the_head_approval(
        cast: Cast, concept: Document) -> None:
    assert document_printable(concept).approval == ()
    assert document_printable(concept).status_line == "Проект (черновик)"
    concept.state = DocState.APPROVED
    concept.approved_at = datetime(YEAR, 3, 12, 10, tzinfo=timezone.get_current_timezone())
    concept.save()
    text = docx_text(document_docx(concept))
    assert "УТВЕРЖДАЮ" in text
    assert f"Директор {cast.s1.name}" in text
    assert cast.sam.full_name in text and "«12» марта 2026 г." in text
    assert "Утверждён 12.03.2026" in text


def test_a_report_lists_the_roadmap_measures_with_their_execution(cast: Cast, roadmap: Document) -> None:
    measure = roadmap.measures.first()
    measure.status, measure.done_on, measure.fact = MeasureStatus.DONE, date(YEAR, 2, 27), "Проведён 27 февраля"
    measure.save()
    report = make_document(cast.s1, DocumentKind.REPORT_HALF)
    text = docx_text(document_docx(report))
    assert "Семинар для учителей математики" in text
    assert "27.02.2026" in text and "Проведён 27 февраля" in text
    assert "Консультации родителей" in text


def test_a_report_prints_the_risk_levels_at_entry_and_exit(cast: Cast) -> None:
    report = make_document(cast.s1, DocumentKind.REPORT_YEAR)
    report.content["risks"] = [{"name": "Низкая учебная мотивация", "entry": "высокий", "exit": "средний"}]
    report.save()
    text = docx_text(document_docx(report))
    assert "Фактор риска | На входе | На выходе" in text
    assert "Низкая учебная мотивация | высокий | средний" in text


def test_text_pasted_with_control_characters_still_exports(cast: Cast) -> None:
    # PostgreSQL's jsonb cannot hold NUL at all (and forms refuse it), so a form feed stands in for it.
    content = {"analysis": "Строка\x0bиз Word\x0c", "goals": [{"text": "Цель\x07 1"}], "indicators": None}
    document = make_document(cast.s1, DocumentKind.CONCEPT, content=content)
    text = docx_text(document_docx(document))
    assert "Строка\nиз Word\n" in text and "1. Цель  1" in text  # Word's line break \v starts a new line
    assert document_pdf(document).startswith(b"%PDF-")


def test_an_empty_section_says_so_instead_of_vanishing(cast: Cast) -> None:
    document = make_document(cast.s1, DocumentKind.CONCEPT, content={})
    printable = document_printable(document)
    assert [s.title for s in printable.sections] == [str(s.title) for s in SECTIONS[DocumentKind.CONCEPT]]
    assert all(s.empty for s in printable.sections)
    assert "Раздел не заполнен." in docx_text(document_docx(document))


def test_the_pdf_reads_the_school_and_a_section_and_its_page_is_not_blank(cast: Cast, roadmap: Document) -> None:
    text, page, pdf = pdf_first_page(document_pdf(roadmap))
    flat = " ".join(text.split())
    assert cast.s1.name in flat
    assert str(SECTIONS[DocumentKind.ROADMAP][0].title) in flat
    assert "Семинар для учителей математики" in flat
    width, height = page.get_size()
    assert round(width) == 595 and round(height) == 842  # A4 in points
    image = page.render(scale=0.5).to_pil().convert("L")
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 500
    pdf.close()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_docx(concept: Document, tmp_path: Path) -> None:
    source = tmp_path / "concept.docx"
    source.write_bytes(document_docx(concept))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=120, capture_output=True)
    text, _page, pdf = pdf_first_page((tmp_path / "concept.pdf").read_bytes())
    assert concept.school.name in " ".join(text.split())
    pdf.close()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_curator_and_the_head_download_exports_with_a_readable_name(cast: Cast, concept: Document,
                                                                          fmt: str) -> None:
    for user in (cast.kate, cast.sam):
        response = get(user, concept, fmt)
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert f'filename="concept-1001-{YEAR}.{fmt}"' in disposition
        readable = unquote(disposition.split("filename*=UTF-8''")[1])
        assert readable.endswith(f".{fmt}") and "МБОУ_СОШ_№_1" in readable
    body = response.content
    assert body.startswith(b"%PDF-") if fmt == "pdf" else body.startswith(b"PK")


def test_exports_are_scoped_like_the_pages(cast: Cast, concept: Document) -> None:
    assert get(cast.vera, concept, "pdf").status_code == 404  # another school's head
    assert get(cast.tom, concept, "docx").status_code == 403  # a teacher sees no roadmaps at all
    assert get(cast.kate, concept, "odt").status_code == 404
    anonymous = Client().get(reverse("plans:export", args=[concept.pk, "pdf"]))
    assert anonymous.status_code == 302
