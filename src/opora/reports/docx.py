"""The analytical report as an editable DOCX: Times New Roman 14 (12 in tables), A4 with the usual
margins, the title block centred, numbered sections as real Heading 1 paragraphs, tables with a
repeated header row, charts as pictures with captions, «Выводы» as a numbered list, page numbers."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph

from opora.reports.content import ReportData, Section, Table

FONT = "Times New Roman"
TEXT_PT, TABLE_PT = 14, 11
TABLE_CM = 16.5  # A4 width minus the margins (3 cm left, 1.5 cm right)


def _font(style: BaseStyle, size: int, *, bold: bool = False) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold = FONT, Pt(size), bold
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _page_numbers(paragraph: Paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _setup(docx: Docx) -> None:
    section = docx.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = docx.styles["Normal"]
    _font(normal, TEXT_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    for name in ("Heading 1", "Heading 2"):
        heading = docx.styles[name]
        _font(heading, TEXT_PT, bold=True)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    _page_numbers(section.footer.paragraphs[0])


def _line(docx: Docx, text: str, *, bold: bool = False, after: int = 0,
          align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
    paragraph = docx.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.add_run(text).bold = bold
    return paragraph


def _text(docx: Docx, text: str) -> Paragraph:
    paragraph = docx.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1.25)
    return paragraph


def _cell(cell: object, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(TABLE_PT)


def _table(docx: Docx, caption: str, table: Table) -> None:
    if caption:
        _line(docx, caption, bold=True, after=3, align=WD_ALIGN_PARAGRAPH.LEFT).paragraph_format.space_before = Pt(6)
    grid = docx.add_table(rows=1, cols=len(table.headers))
    grid.style = docx.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(header.cells, table.headers, strict=True):
        _cell(cell, text, bold=True)
    for values in table.rows:
        for cell, text in zip(grid.add_row().cells, values, strict=True):
            _cell(cell, text)
    for column, percent in zip(grid.columns, table.percents, strict=True):
        for cell in column.cells:
            cell.width = Cm(TABLE_CM * percent / 100)


def _section(docx: Docx, s: Section) -> None:
    docx.add_heading(f"{s.number}. {s.title}", level=1)
    for text in s.paragraphs:
        _text(docx, text)
    for caption, table in s.tables:
        _table(docx, caption, table)
    for chart in s.charts:
        picture = docx.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.space_before = Pt(6)
        picture.add_run().add_picture(io.BytesIO(chart.png), width=Cm(15))
        _line(docx, chart.title, after=6).runs[0].italic = True
    if not s.has_content and s.empty:
        _text(docx, s.empty).runs[0].italic = True


def report_docx(data: ReportData) -> bytes:
    docx = new_docx()
    _setup(docx)
    docx.core_properties.title = f"{data.heading} — {data.territory}"
    docx.core_properties.author = "Opora"
    _line(docx, data.heading.upper(), bold=True)
    _line(docx, data.subject, bold=True)
    _line(docx, data.territory, after=6)
    _line(docx, data.made_on.strftime("%d.%m.%Y"), after=12)
    for s in data.sections:
        _section(docx, s)
    docx.add_heading(_("Conclusions"), level=1)
    for n, text in enumerate(data.conclusions, start=1):
        _text(docx, f"{n}. {text}")
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
