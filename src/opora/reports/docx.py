"""The analytical report as an editable DOCX: Times New Roman 14 (12 in tables), A4 with the usual
margins, the title block centred, numbered sections as real Heading 1 paragraphs, tables with a
repeated header row, charts as pictures with captions, «Выводы» as a numbered list, page numbers."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from opora.core import docx_layout as layout
from opora.reports.content import ReportData, Section, Table

TABLE_PT = 11


def _table(docx: Docx, caption: str, table: Table) -> None:
    if caption:
        layout.line(docx, caption, bold=True, after=3,
                    align=WD_ALIGN_PARAGRAPH.LEFT).paragraph_format.space_before = Pt(6)
    layout.table(docx, table.headers, table.rows, [layout.TABLE_CM * p / 100 for p in table.percents],
                 size=TABLE_PT)


def _section(docx: Docx, s: Section) -> None:
    docx.add_heading(f"{s.number}. {s.title}", level=1)
    for text in s.paragraphs:
        layout.text(docx, text)
    for caption, table in s.tables:
        _table(docx, caption, table)
    for chart in s.charts:
        picture = docx.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.space_before = Pt(6)
        picture.add_run().add_picture(io.BytesIO(chart.png), width=Cm(15))
        layout.line(docx, chart.title, after=6).runs[0].italic = True
    if not s.has_content and s.empty:
        layout.text(docx, s.empty).runs[0].italic = True


def report_docx(data: ReportData) -> bytes:
    docx = new_docx()
    layout.setup(docx, headings=("Heading 1", "Heading 2"))
    docx.core_properties.title = f"{data.heading} — {data.territory}"
    docx.core_properties.author = "Opora"
    layout.line(docx, data.heading.upper(), bold=True)
    layout.line(docx, data.subject, bold=True)
    layout.line(docx, data.territory, after=6)
    layout.line(docx, data.made_on.strftime("%d.%m.%Y"), after=12)
    for s in data.sections:
        _section(docx, s)
    docx.add_heading(_("Conclusions"), level=1)
    for n, text in enumerate(data.conclusions, start=1):
        layout.text(docx, f"{n}. {text}")
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
