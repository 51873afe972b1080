"""The formal Russian DOCX layout shared by every document Opora prints (the analytical report, the
schools' documents): Times New Roman, A4 with the usual margins, page numbers in the footer,
justified paragraphs with a first-line indent, grid tables with a repeated header row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docx.document import Document as Docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
TEXT_PT = 14
TABLE_CM = 16.5  # A4 width minus the margins (3 cm left, 1.5 cm right)


def font(style: BaseStyle, size: int, *, bold: bool = False) -> None:
    """The style in FONT for every script (Word picks the font per script: Cyrillic is not ASCII)."""
    style_font = style.font  # type: ignore[attr-defined]
    style_font.name, style_font.size, style_font.bold = FONT, Pt(size), bold
    style_font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def page_numbers(paragraph: Paragraph) -> None:
    """A PAGE field, centred (Word fills in the number; "1" shows until it does)."""
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


def page(docx: Docx) -> None:
    """A4, margins 3 cm left, 1.5 cm right, 2 cm top and bottom."""
    section = docx.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)


def setup(docx: Docx, *, headings: Iterable[str] = ("Heading 1",)) -> None:
    """A4 with the margins, the Normal and the given heading styles, page numbers in the footer."""
    page(docx)
    normal = docx.styles["Normal"]
    font(normal, TEXT_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    for name in headings:
        heading = docx.styles[name]
        font(heading, TEXT_PT, bold=True)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    page_numbers(docx.sections[0].footer.paragraphs[0])


def line(docx: Docx, text: str, *, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
         bold: bool = False, indent_cm: float = 0, after: int = 0) -> Paragraph:
    """A one-line paragraph of the title block (centred unless told), `after` points below it."""
    paragraph = docx.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent_cm:
        paragraph.paragraph_format.left_indent = Cm(indent_cm)
    paragraph.add_run(text).bold = bold
    return paragraph


def text(docx: Docx, content: str) -> Paragraph:
    """A paragraph of running text: justified, first line indented 1.25 cm."""
    paragraph = docx.add_paragraph(content)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1.25)
    return paragraph


def _cell(cell: object, content: str, size: int, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(content)
    run.bold, run.font.size = bold, Pt(size)


def table(docx: Docx, headers: Sequence[str], rows: Iterable[Sequence[str]], widths_cm: Sequence[float], *,
          size: int) -> DocxTable:
    """A centred grid table, its header row bold and repeated on every page, text of `size` points,
    one width a column."""
    grid = docx.add_table(rows=1, cols=len(headers))
    grid.style = docx.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, content in zip(header.cells, headers, strict=True):
        _cell(cell, content, size, bold=True)
    for values in rows:
        for cell, content in zip(grid.add_row().cells, values, strict=True):
            _cell(cell, content, size)
    for column, width in zip(grid.columns, widths_cm, strict=True):
        for cell in column.cells:
            cell.width = Cm(width)
    return grid
