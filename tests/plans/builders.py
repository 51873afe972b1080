"""Hand-made documents for the roadmap tests (direct rows, no services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from opora.core.models import School
from opora.plans.content import SECTIONS
from opora.plans.models import DocState, Document, DocumentKind, Measure

YEAR = 2026


def complete_item(fields: tuple[Any, ...], n: int = 1) -> dict[str, str]:
    values = {"date": f"{YEAR}-0{min(n, 9)}-15", "number": str(10 * n)}
    return {f.key: values.get(f.type, f"{f.label} {n}") for f in fields}


def complete_content(kind: str) -> dict[str, Any]:
    """Content with every required text and two complete items in every list section."""
    content: dict[str, Any] = {}
    for s in SECTIONS[kind]:
        if s.type == "text":
            content[s.key] = f"Текст раздела «{s.title}»."
        elif s.type == "list":
            content[s.key] = [complete_item(s.fields, 1), complete_item(s.fields, 2)]
    return content


def make_document(school: School, kind: str = DocumentKind.CONCEPT, *, year: int = YEAR, factor: str = "",
                  state: str = DocState.DRAFT, content: dict[str, Any] | None = None) -> Document:
    return Document.objects.create(
        school=school, year=year, kind=kind, factor=factor, state=state,
        title=f"{DocumentKind(kind).label} {year}",
        content=complete_content(kind) if content is None else content)


def add_measure(roadmap: Document, title: str = "Семинар для учителей", *, due_on: date | None = date(YEAR, 3, 1),
                responsible: str = "Завуч", indicator: str = "Доля учителей", target: str = "100 %",
                factor: str = "", **fields: Any) -> Measure:
    position = roadmap.measures.count()
    return Measure.objects.create(document=roadmap, position=position, title=title, due_on=due_on,
                                  responsible=responsible, indicator=indicator, target=target, factor=factor,
                                  **fields)
