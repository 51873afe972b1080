"""The case file: the DOCX opens in python-docx and LibreOffice with the school, the evidence's
pictures and the decision; the PDF is a PDF; the download is for those who see the case."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from opora.cases import services
from opora.cases.case_file import case_file_docx, case_file_pdf
from opora.cases.models import ObjectivityCase, Outcome
from tests.cases.conftest import answered
from tests.conftest import Cast

REASON = "Пик у границы отметки «3» подтверждён перепроверкой"


@pytest.fixture
def decided(cast: Cast, case: ObjectivityCase) -> ObjectivityCase:
    case = answered(cast, case)
    case = services.case_municipal_opinion(actor=cast.maria, case=case, lock_version=case.lock_version,
                                           outcome=Outcome.CONFIRMED, reason="Наблюдатели не присутствовали")
    return services.case_decide(actor=cast.rita, case=case, lock_version=case.lock_version,
                                outcome=Outcome.CONFIRMED, reason=REASON)


@pytest.fixture
def docx_bytes(decided: ObjectivityCase) -> bytes:
    return case_file_docx(decided)


def _text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_docx_has_the_school_the_evidence_and_the_decision(decided: ObjectivityCase, docx_bytes: bytes) -> None:
    text = _text(docx_bytes)
    assert decided.school.name in text
    assert REASON in text
    assert "Работы проверяла независимая комиссия." in text  # the school's answer
    assert "Наблюдатели не присутствовали" in text  # the municipality's opinion
    assert len(Document(io.BytesIO(docx_bytes)).inline_shapes) >= 3  # distribution, journal, years (+ tasks)
    others = ["МКОУ Заречная ООШ", "МАОУ Лицей № 3 г. Лесного", "МБОУ СОШ № 04"]
    assert not [name for name in others if name in text]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (make test installs it)")
def test_the_docx_opens_in_libreoffice(docx_bytes: bytes, tmp_path: Path) -> None:
    source = tmp_path / "case.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = pypdfium2.PdfDocument((tmp_path / "case.pdf").read_bytes())
    assert len(pdf) >= 2
    assert "Озёрска" in pdf[0].get_textpage().get_text_range()


def test_the_pdf_is_a_pdf_with_the_school(decided: ObjectivityCase) -> None:
    pdf = case_file_pdf(decided)
    assert pdf.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 2
    assert "Озёрска" in document[0].get_textpage().get_text_range()


def test_the_files_download_for_the_head_and_not_for_another_school(cast: Cast, case: ObjectivityCase) -> None:
    client = Client()
    client.force_login(cast.sam)
    response = client.get(reverse("cases:case_file", kwargs={"pk": case.pk, "fmt": "docx"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content.startswith(b"PK")
    assert client.get(reverse("cases:case_file", kwargs={"pk": case.pk, "fmt": "xlsx"})).status_code == 404
    client.force_login(cast.vera)
    assert client.get(reverse("cases:case_file", kwargs={"pk": case.pk, "fmt": "pdf"})).status_code == 404
