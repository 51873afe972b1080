"""The report's content as plain structures (what the DOCX and the PDF builders print) and the
territory it covers; the lowest module of the reports, imported by the sections and the charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from opora.core.models import Municipality, Region, School
from opora.reports.models import ScopeKind


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[int] = field(default_factory=list)  # relative column widths; equal when empty

    @property
    def percents(self) -> list[float]:
        widths = self.widths or [1] * len(self.headers)
        total = sum(widths) or 1
        return [round(100 * w / total, 1) for w in widths]


@dataclass(frozen=True)
class Chart:
    title: str
    png: bytes


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (caption, table)
    charts: list[Chart] = field(default_factory=list)
    empty: str = ""  # said instead of content when the section has no data
    number: int = 0

    @property
    def has_content(self) -> bool:
        return bool(self.paragraphs or self.tables or self.charts)


@dataclass
class ReportData:
    heading: str  # «Аналитическая справка»
    subject: str  # what it is about, for which year
    territory: str
    made_on: date
    sections: list[Section]
    conclusions: list[str]


@dataclass(frozen=True)
class Scope:
    kind: str
    unit: School | Municipality | Region
    region: Region
    schools: list[School]  # active schools of the territory, with their municipality

    @property
    def school_ids(self) -> list[int]:
        return [s.pk for s in self.schools]

    @property
    def is_region(self) -> bool:
        return self.kind == ScopeKind.REGION

    # The unit as what it is (the kind says which one; None for the other two).
    @property
    def school_unit(self) -> School | None:
        return self.unit if isinstance(self.unit, School) else None

    @property
    def municipality_unit(self) -> Municipality | None:
        return self.unit if isinstance(self.unit, Municipality) else None

    @property
    def region_unit(self) -> Region | None:
        return self.unit if isinstance(self.unit, Region) else None
