"""A document as a printable structure: the one thing both exporters (DOCX, PDF) render.

Everything a printed copy shows is decided here — the title block, which sections in which
order, how a list becomes numbered items or a table, where the roadmap's measures come from —
so the two formats cannot drift apart. Strings are translated with the active language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from opora.core.models import Role, RoleAssignment
from opora.plans.content import ITEM, SECTIONS, Field, Section
from opora.plans.models import DocState, Document, DocumentKind, Measure


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # relative column widths, shared by both formats

    @property
    def percents(self) -> tuple[str, ...]:
        total = sum(self.widths) or 1
        return tuple(f"{100 * w / total:.1f}" for w in self.widths)


@dataclass(frozen=True)
class PrintSection:
    number: int
    title: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # a numbered list
    table: Table | None = None
    empty: str = ""  # shown instead of content when the section holds nothing


@dataclass(frozen=True)
class Printable:
    school: str
    place: str  # municipality, region
    year: int
    kind: str  # «КОНЦЕПЦИЯ РАЗВИТИЯ» (empty when the title already says it)
    title: str
    year_line: str  # the year, unless the title names it
    state: str
    status_line: str  # «Утверждён 12.03.2026» or «Проект (на рассмотрении)»
    approved: bool
    approval: tuple[str, ...]  # the «УТВЕРЖДАЮ» block, top right (empty unless approved)
    sections: tuple[PrintSection, ...] = field(default_factory=tuple)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(value: Any) -> str:
    """Text safe for XML (DOCX) and HTML: pasted control characters (Word's \\v, NUL) dropped."""
    return _CONTROL.sub(" ", str(value if value is not None else "")).strip()


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> Table:
    return Table(tuple(headers), tuple(tuple(clean(v) for v in row) for row in rows), tuple(widths))


def ru_date(value: date | str | None) -> str:
    """dd.mm.yyyy (the formal Russian way); an unreadable string is shown as typed."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            return value
        return parsed.strftime("%d.%m.%Y")
    return value.strftime("%d.%m.%Y")


def paragraphs(text: Any) -> tuple[str, ...]:
    lines = (clean(line) for line in str(text or "").splitlines())
    return tuple(line for line in lines if line)


def _value(f: Field, item: dict[str, Any]) -> str:
    raw = item.get(f.key, "")
    return ru_date(raw) if f.type == "date" else clean(raw)


def _dates(starts: date | str | None, due: date | str | None) -> str:
    starts_s, due_s = ru_date(starts), ru_date(due)
    if starts_s and due_s:
        return f"{starts_s} – {due_s}"
    if due_s:
        return _("by %(date)s") % {"date": due_s}
    return starts_s


def _measure_plan_table(items: Iterable[dict[str, Any]]) -> Table:
    rows = tuple(
        (n, m.get("title"), _dates(m.get("starts_on"), m.get("due_on")), m.get("responsible"), m.get("indicator"),
         m.get("target"))
        for n, m in enumerate(items, start=1))
    return _table((_("No."), _("Measure"), _("Dates"), _("Responsible"), _("Indicator"), _("Target value")),
                  rows, (5, 32, 18, 15, 18, 12))


def _list_block(s: Section, items: list[dict[str, Any]]) -> dict[str, Any]:
    if s.fields == ITEM:
        return {"items": tuple(text for item in items if (text := clean(item.get("text", ""))))}
    if s.key == "measures":
        return {"table": _measure_plan_table(items)}
    headers = (_("No."), *(capfirst(str(f.label)) for f in s.fields))
    rows = tuple((str(n), *(_value(f, item) for f in s.fields)) for n, item in enumerate(items, start=1))
    widths = (5, *(30 if f.type == "text" else 15 for f in s.fields))
    return {"table": _table(headers, rows, widths)}


def _measure_dict(m: Measure) -> dict[str, Any]:
    return {"title": m.title, "starts_on": m.starts_on, "due_on": m.due_on, "responsible": m.responsible,
            "indicator": m.indicator, "target": m.target}


def _report_measures(document: Document) -> Table | None:
    roadmap = Document.objects.filter(school=document.school, year=document.year, kind=DocumentKind.ROADMAP).first()
    if roadmap is None:
        return None
    rows = tuple(
        (str(n), m.title, ru_date(m.due_on), m.responsible, str(m.get_status_display()), ru_date(m.done_on),
         m.fact)
        for n, m in enumerate(roadmap.measures.all(), start=1))
    return _table((_("No."), _("Measure"), _("Deadline"), _("Responsible"), _("Status"), _("Done on"),
                   _("What was done")), rows, (5, 28, 11, 14, 11, 11, 20))


RISK_COLUMNS = {"factor": gettext_noop("Risk factor"), "name": gettext_noop("Risk factor"),
                "title": gettext_noop("Risk factor"), "entry": gettext_noop("At entry"),
                "exit": gettext_noop("At exit"), "change": gettext_noop("Change"), "comment": gettext_noop("Comment")}


def _risks_table(value: Any) -> Table | None:
    """The risk levels (filled by the report prefill): a list of rows, or a {factor: {entry, exit}} map."""
    if isinstance(value, dict):
        value = [{"factor": k, **(v if isinstance(v, dict) else {"entry": v})} for k, v in value.items()]
    rows = [r for r in value or [] if isinstance(r, dict)] if isinstance(value, list) else []
    if not rows:
        return None
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    headers = tuple(_(RISK_COLUMNS[k]) if k in RISK_COLUMNS else capfirst(k) for k in keys)
    body = [[row.get(k, "") or "" for k in keys] for row in rows]
    return _table(headers, body, [30 if i == 0 else 15 for i in range(len(keys))])


def _section(document: Document, number: int, s: Section) -> PrintSection:
    value = (document.content or {}).get(s.key)
    block: dict[str, Any] = {}
    if s.type == "text":
        block = {"paragraphs": paragraphs(value)}
    elif s.type == "list":
        block = _list_block(s, [i for i in value or [] if isinstance(i, dict)])
    elif s.type == "measures":
        if document.kind == DocumentKind.ROADMAP:
            block = {"table": _measure_plan_table(_measure_dict(m) for m in document.measures.all())}
        else:
            table = _report_measures(document)
            block = {"table": table} if table else {}
    elif s.type == "risks":
        table = _risks_table(value)
        block = {"table": table} if table else {}
    filled = block.get("paragraphs") or block.get("items") or (block.get("table") and block["table"].rows)
    return PrintSection(number=number, title=str(s.title), empty="" if filled else _("Not filled in."), **block)


def _head_name(document: Document) -> str:
    head = (RoleAssignment.objects.filter(role=Role.SCHOOL_HEAD, school=document.school)
            .select_related("user").order_by("pk").first())
    return head.user.full_name if head else ""


def _approved_on(document: Document) -> date | None:
    if document.approved_at is None:
        return None
    return timezone.localtime(document.approved_at).date()


def document_printable(document: Document) -> Printable:
    school = document.school
    approved = document.state == DocState.APPROVED
    day = _approved_on(document)
    if approved:
        status_line = _("Approved on %(date)s") % {"date": ru_date(day)} if day else _("Approved")
        formal_day = f"«{day.day:02d}» {date_format(day, 'E Y')} г." if day else "«___» ____________ 20___ г."
        approval: Sequence[str] = (
            _("APPROVED"), _("Head of %(school)s") % {"school": school.name},
            f"____________ {_head_name(document)}".rstrip(), formal_day)
    else:
        status_line = f"{pgettext('export', 'Draft')} ({document.get_state_display()})"
        approval = ()
    kind = str(document.get_kind_display())
    numbered = enumerate(SECTIONS[document.kind], start=1)
    return Printable(
        school=school.name,
        place=", ".join(filter(None, (school.municipality.name, school.municipality.region.name))),
        year=document.year,
        kind="" if document.title.lower().startswith(kind.lower()) else kind.upper(),
        title=capfirst(clean(document.title)),
        year_line="" if str(document.year) in document.title else str(document.year),
        state=str(document.get_state_display()),
        status_line=status_line,
        approved=approved,
        approval=tuple(line for line in approval if line),
        sections=tuple(_section(document, n, s) for n, s in numbered),
    )


def export_filenames(document: Document, fmt: str) -> tuple[str, str]:
    """(ASCII fallback, the readable Russian name) for Content-Disposition."""
    factor = re.sub(r"[^A-Za-z0-9_-]+", "", document.factor)
    ascii_name = "-".join(filter(None, (document.kind, document.school.code, str(document.year), factor)))
    readable = f"{document.title} {document.school.name}"
    return f"{ascii_name}.{fmt}", f"{readable}.{fmt}"
