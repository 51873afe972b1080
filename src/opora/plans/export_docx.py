"""A document as DOCX, in the formal Russian layout: Times New Roman 14 (12 in tables), A4 with
the usual margins, «УТВЕРЖДАЮ» top right once approved, the title block centred, numbered
section headings, tables with a repeated header row, page numbers in the footer."""

from __future__ import annotations

import io

from django.utils.translation import pgettext
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table as DocxTable

from opora.core import docx_layout as layout
from opora.plans.export_data import Printable, PrintSection, Table, document_printable
from opora.plans.models import Document

TABLE_PT = 12


def _title_block(docx: Docx, p: Printable) -> None:
    if p.approval:
        for n, text in enumerate(p.approval):
            layout.line(docx, text, align=WD_ALIGN_PARAGRAPH.LEFT, bold=n == 0, indent_cm=8.5)
    else:
        layout.line(docx, pgettext("export", "Draft").upper(), align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
    layout.line(docx, "", after=12)
    layout.line(docx, p.school, bold=True)
    layout.line(docx, p.place, after=24)
    if p.kind:
        layout.line(docx, p.kind, bold=True)
    layout.line(docx, p.title, bold=True, after=6)
    if p.year_line:
        layout.line(docx, p.year_line)
    layout.line(docx, p.status_line, after=18)


def _table(docx: Docx, table: Table) -> DocxTable:
    total = sum(table.widths) or 1
    return layout.table(docx, table.headers, table.rows, [layout.TABLE_CM * w / total for w in table.widths],
                        size=TABLE_PT)


def _section(docx: Docx, s: PrintSection) -> None:
    docx.add_heading(f"{s.number}. {s.title}", level=1)
    for text in s.paragraphs:
        layout.text(docx, text)
    for n, text in enumerate(s.items, start=1):
        layout.text(docx, f"{n}. {text}")
    if s.table is not None and s.table.rows:
        _table(docx, s.table)
    if s.empty:
        docx.add_paragraph(s.empty).runs[0].italic = True


def printable_docx(p: Printable) -> bytes:
    docx = new_docx()
    layout.setup(docx)
    docx.core_properties.title = p.title
    docx.core_properties.author = p.school[:255]
    _title_block(docx, p)
    for s in p.sections:
        _section(docx, s)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def document_docx(document: Document) -> bytes:
    return printable_docx(document_printable(document))
