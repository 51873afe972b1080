"""The structure of each document kind: its sections, in order, and the fields of list items.

`Document.content` is `{section key: text}` for text sections and `{section key: [item, …]}` for
list sections, an item being `{field key: value}` (dates as ISO strings). The roadmap's measures
and the reports' facts are `Measure` rows, shown as the section `measures` (type "measures").
Forms, the completeness check, the diff, the exports and the demo all read this one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opora.plans.models import DocumentKind


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    type: str = "line"  # line | text | date | number
    required: bool = True


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    type: str = "text"  # text | list | measures (the roadmap's Measure rows) | risks (read-only levels)
    fields: tuple[Field, ...] = ()
    required: bool = True
    help: str | Promise = ""


ITEM = (Field("text", _("wording"), "text"),)
INDICATORS = (
    Field("name", _("indicator")),
    Field("unit", _("unit"), required=False),
    Field("baseline", _("baseline value")),
    Field("target", _("target value")),
    Field("target_date", _("target date"), "date"),
)
MEASURES = (
    Field("title", _("measure"), "text"),
    Field("starts_on", _("start"), "date", required=False),
    Field("due_on", _("deadline"), "date"),
    Field("responsible", _("responsible")),
    Field("indicator", _("indicator")),
    Field("target", _("target value")),
)
REPORT_INDICATORS = (
    Field("name", _("indicator")),
    Field("plan", _("plan")),
    Field("fact", _("fact")),
    Field("comment", _("comment"), "text", required=False),
)

SECTIONS: dict[str, tuple[Section, ...]] = {
    DocumentKind.CONCEPT: (
        Section("analysis", _("Analysis of the school's situation"),
                help=_("Results, context, the risk profile: what holds the school back.")),
        Section("mission", _("Mission and values"), required=False),
        Section("goals", _("Goals of development"), "list", ITEM),
        Section("directions", _("Directions of development")),
        Section("indicators", _("Target indicators"), "list", INDICATORS),
        Section("expected", _("Expected results")),
    ),
    DocumentKind.PROGRAMME: (
        Section("goals", _("Goals"), "list", ITEM),
        Section("tasks", _("Tasks"), "list", ITEM),
        Section("indicators", _("Target indicators"), "list", INDICATORS),
        Section("measures", _("Measures"), "list", MEASURES),
        Section("resources", _("Resources"), required=False),
        Section("responsible", _("Responsible for the programme")),
    ),
    DocumentKind.ANTIRISK: (
        Section("goal", _("Goal")),
        Section("tasks", _("Tasks"), "list", ITEM),
        Section("measures", _("Measures"), "list", MEASURES),
        Section("indicators", _("Indicators"), "list", INDICATORS),
        Section("expected", _("Expected results")),
    ),
    DocumentKind.ROADMAP: (
        Section("measures", _("Plan of measures"), "measures",
                help=_("Measures come from the programmes and anti-risk programmes; more can be added.")),
    ),
    DocumentKind.REPORT_HALF: (
        Section("measures", _("Measures: plan and fact"), "measures"),
        Section("indicators", _("Indicators: plan and fact"), "list", REPORT_INDICATORS),
        Section("risks", _("Risk levels at entry and exit"), "risks", required=False),
        Section("conclusions", _("Conclusions")),
    ),
    DocumentKind.REPORT_YEAR: (
        Section("measures", _("Measures: plan and fact"), "measures"),
        Section("indicators", _("Indicators: plan and fact"), "list", REPORT_INDICATORS),
        Section("risks", _("Risk levels at entry and exit"), "risks", required=False),
        Section("conclusions", _("Conclusions")),
    ),
}

# The order of the cycle (the board's columns) and which documents one school has per year.
CYCLE = (DocumentKind.CONCEPT, DocumentKind.PROGRAMME, DocumentKind.ANTIRISK, DocumentKind.ROADMAP,
         DocumentKind.REPORT_HALF, DocumentKind.REPORT_YEAR)


def sections(kind: str) -> tuple[Section, ...]:
    return SECTIONS[kind]


def section(kind: str, key: str) -> Section:
    return next(s for s in SECTIONS[kind] if s.key == key)


def empty_content(kind: str) -> dict[str, object]:
    return {s.key: ([] if s.type == "list" else "") for s in SECTIONS[kind] if s.type in ("text", "list")}
