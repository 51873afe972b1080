"""The report as files: the DOCX opens in python-docx and LibreOffice, the PDF's first page is not blank."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pypdfium2
import pytest
from django.utils.translation import gettext as _
from docx import Document

from opora.reports.data import scope_parse
from opora.reports.files import report_bytes
from tests.conftest import Cast
from tests.reports.builders import known_territory

TODAY = date(2026, 5, 15)


def ink_share(pdf: bytes, page: int = 0) -> float:
    """The share of non-white pixels of a rendered page."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[page].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    return sum(histogram[:200]) / sum(histogram)


@pytest.fixture
def docx_bytes(cast: Cast) -> bytes:
    known_territory(cast)
    return report_bytes(scope_parse("municipality:10-01"), 2026, "docx", today=TODAY)


def test_the_docx_has_real_headings_tables_and_pictures(docx_bytes: bytes) -> None:
    document = Document(io.BytesIO(docx_bytes))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 9
    assert headings[0] == "1. " + _("General information")
    assert headings[-1] == _("Conclusions")
    assert document.paragraphs[0].text == _("Analytical report").upper()
    assert len(document.tables) >= 8
    assert len(document.inline_shapes) == 2  # the two charts


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (make test installs it)")
def test_the_docx_opens_in_libreoffice(docx_bytes: bytes, tmp_path: Path) -> None:
    source = tmp_path / "spravka.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "spravka.pdf").read_bytes()
    assert len(pypdfium2.PdfDocument(pdf)) >= 2
    assert ink_share(pdf) > 0.01


def test_the_pdf_first_page_is_not_blank(cast: Cast) -> None:
    known_territory(cast)
    pdf = report_bytes(scope_parse("municipality:10-01"), 2026, "pdf", today=TODAY)
    assert pdf.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 2
    assert ink_share(pdf) > 0.01
    text = document[0].get_textpage().get_text_range()
    assert "Озёрский округ" in text
