"""A document as DOCX, in the formal Russian layout: Times New Roman 14 (12 in tables), A4 with
the usual margins, «УТВЕРЖДАЮ» top right once approved, the title block centred, numbered
section headings, tables with a repeated header row, page numbers in the footer."""

from __future__ import annotations

import io

from django.utils.translation import pgettext
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from opora.plans.export_data import Printable, PrintSection, Table, document_printable
from opora.plans.models import Document

FONT = "Times New Roman"
TEXT_PT, TABLE_PT = 14, 12
TABLE_CM = 16.5  # A4 width minus margins (3 cm left, 1.5 cm right)


def _font(style: BaseStyle, size: int, *, bold: bool = False) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold = FONT, Pt(size), bold
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _setup(docx: Docx) -> None:
    section = docx.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = docx.styles["Normal"]
    _font(normal, TEXT_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    heading = docx.styles["Heading 1"]
    _font(heading, TEXT_PT, bold=True)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    _page_numbers(section.footer.paragraphs[0])


def _page_numbers(paragraph: Paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _line(docx: Docx, text: str, *, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
          bold: bool = False, indent_cm: float = 0, after: int = 0) -> Paragraph:
    paragraph = docx.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent_cm:
        paragraph.paragraph_format.left_indent = Cm(indent_cm)
    paragraph.add_run(text).bold = bold
    return paragraph


def _title_block(docx: Docx, p: Printable) -> None:
    if p.approval:
        for n, text in enumerate(p.approval):
            _line(docx, text, align=WD_ALIGN_PARAGRAPH.LEFT, bold=n == 0, indent_cm=8.5)
    else:
        _line(docx, pgettext("export", "Draft").upper(), align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
    _line(docx, "", after=12)
    _line(docx, p.school, bold=True)
    _line(docx, p.place, after=24)
    if p.kind:
        _line(docx, p.kind, bold=True)
    _line(docx, p.title, bold=True, after=6)
    if p.year_line:
        _line(docx, p.year_line)
    _line(docx, p.status_line, after=18)


def _cell_text(cell: object, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(TABLE_PT)


def _table(docx: Docx, table: Table) -> DocxTable:
    grid = docx.add_table(rows=1, cols=len(table.headers))
    grid.style = docx.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(table.widths) or 1
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(header.cells, table.headers, strict=True):
        _cell_text(cell, text, bold=True)
    for values in table.rows:
        for cell, text in zip(grid.add_row().cells, values, strict=True):
            _cell_text(cell, text)
    for column, width in zip(grid.columns, table.widths, strict=True):
        for cell in column.cells:
            cell.width = Cm(TABLE_CM * width / total)
    return grid


def _section(docx: Docx, s: PrintSection) -> None:
    docx.add_heading(f"{s.number}. {s.title}", level=1)
    for text in s.paragraphs:
        paragraph = docx.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    for n, text in enumerate(s.items, start=1):
        paragraph = docx.add_paragraph(f"{n}. {text}")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    if s.table is not None and s.table.rows:
        _table(docx, s.table)
    if s.empty:
        docx.add_paragraph(s.empty).runs[0].italic = True


def printable_docx(p: Printable) -> bytes:
    docx = new_docx()
    _setup(docx)
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
