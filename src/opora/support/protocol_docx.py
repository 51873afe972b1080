"""A meeting's protocol as DOCX, in the usual Russian form (seeds 000 and 003): the «УТВЕРЖДАЮ»
block top right, «Протокол» and the meeting's name centred, date and number, place,
«Присутствовали:», «Повестка», «Слушали» per item, «Решили:» with «отв.» and «срок», and the
signatures «Председатель» / «Секретарь». Times New Roman 14, A4 with the usual margins."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.document import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from opora.core import docx_layout as layout
from opora.support.models import Decision, DecisionOwner, Meeting

FONT = layout.FONT
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(value: Any) -> str:
    """Text safe for XML: control characters pasted from Word dropped."""
    return _CONTROL.sub(" ", str(value if value is not None else "")).strip()


def ru_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _setup(docx: Docx) -> None:
    layout.page(docx)
    normal = docx.styles["Normal"]
    font = normal.font
    font.name, font.size = FONT, Pt(14)
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15


def _p(docx: Docx, text: str = "", *, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY, bold: bool = False,
       before: int = 0, indent: bool = False) -> Paragraph:
    paragraph = docx.add_paragraph()
    paragraph.alignment = align
    if before:
        paragraph.paragraph_format.space_before = Pt(before)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    lines = clean(text).split("\n") if text else [""]
    for i, line in enumerate(lines):
        run = paragraph.add_run(line.strip())
        run.bold = bold
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _approval(docx: Docx, meeting: Meeting) -> None:
    if not clean(meeting.approver):
        return
    for line in [_("I APPROVE:"), *clean(meeting.approver).splitlines()]:
        paragraph = _p(docx, line)
        paragraph.paragraph_format.left_indent = Cm(9)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _p(docx)


def _owners_line(decision: Decision, parts: list[DecisionOwner]) -> str:
    """«(отв. …, срок до …)»: the protocol's words, else the owners' names."""
    owners = clean(decision.owners_text)
    if not owners:
        owners = ", ".join(p.owner_name() for p in parts)
    bits = []
    if owners:
        bits.append(_("resp. %(owners)s") % {"owners": owners})
    if decision.due_on:
        bits.append(_("deadline: until %(date)s") % {"date": ru_date(decision.due_on)})
    return f"({'; '.join(bits)})" if bits else ""


def protocol_docx(meeting: Meeting) -> bytes:
    docx = new_docx()
    _setup(docx)
    _approval(docx, meeting)
    _p(docx, _("Protocol").upper(), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _p(docx, meeting.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _p(docx)
    when = ru_date(meeting.held_on)
    if meeting.starts_at:
        when += ", " + formats.time_format(meeting.starts_at, "H:i")
    _p(docx, when, align=WD_ALIGN_PARAGRAPH.LEFT)
    if meeting.number:
        _p(docx, f"№ {meeting.number}", align=WD_ALIGN_PARAGRAPH.LEFT)
    if meeting.place:
        _p(docx, _("Place: %(place)s") % {"place": meeting.place}, align=WD_ALIGN_PARAGRAPH.LEFT, before=6)
    if meeting.chair:
        _p(docx, _("Chair: %(name)s") % {"name": meeting.chair}, align=WD_ALIGN_PARAGRAPH.LEFT)
    if meeting.secretary:
        _p(docx, _("Secretary: %(name)s") % {"name": meeting.secretary}, align=WD_ALIGN_PARAGRAPH.LEFT)

    attendees = clean(meeting.attendees_text) or "\n".join(
        u.full_name or u.username for u in meeting.attendees.order_by("full_name"))
    _p(docx, _("Present:"), bold=True, before=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in attendees.splitlines():
        if line.strip():
            _p(docx, line, align=WD_ALIGN_PARAGRAPH.LEFT)
    if meeting.topic:
        _p(docx, _("Topic of the meeting: %(topic)s") % {"topic": meeting.topic}, before=12)

    agenda = [item for item in meeting.agenda or [] if isinstance(item, dict)]
    if agenda:
        _p(docx, _("Agenda"), bold=True, before=12, align=WD_ALIGN_PARAGRAPH.CENTER)
        for n, item in enumerate(agenda, start=1):
            speaker = clean(item.get("speaker"))
            _p(docx, f"{n}. {clean(item.get('title'))}" + (f" – {speaker}" if speaker else ""), indent=True)
        for n, item in enumerate(agenda, start=1):
            heard, speaker = clean(item.get("heard")), clean(item.get("speaker"))
            if not heard and not speaker:
                continue
            _p(docx, _("%(n)d. Heard: %(speaker)s") % {"n": n, "speaker": speaker}, bold=True, before=12,
               align=WD_ALIGN_PARAGRAPH.LEFT)
            for para in heard.split("\n"):
                if para.strip():
                    _p(docx, para, indent=True)

    decisions = list(meeting.decisions.order_by("position", "pk"))
    parts: dict[int, list[DecisionOwner]] = {d.pk: [] for d in decisions}
    for part in DecisionOwner.objects.filter(decision__meeting=meeting).select_related("school", "user"):
        parts[part.decision_id].append(part)
    if decisions:
        _p(docx, _("Decided:"), bold=True, before=12, align=WD_ALIGN_PARAGRAPH.LEFT)
        for d in decisions:
            number = f"{clean(d.number)}. " if d.number else ""
            line = f"{number}{clean(d.text)}"
            tail = _owners_line(d, parts[d.pk])
            _p(docx, f"{line} {tail}".strip(), indent=True)

    _p(docx)
    _p(docx)
    for label, name in ((_("Chair"), meeting.chair), (_("Secretary"), meeting.secretary)):
        if name:
            paragraph = _p(docx, f"{label}\t{clean(name)}", align=WD_ALIGN_PARAGRAPH.LEFT, before=12)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(12))
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
