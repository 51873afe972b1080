"""What the programme pages show: every indicator's plan against fact over the programme's years,
and one indicator's «как посчитано» (which schools counted, which hit, which lacked data and why).

Queries grow with indicators × years, never with the number of schools (the sources read each
indicator in one or two queries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import pgettext_lazy

from opora.analytics.kpi import ACHIEVED, NO_DATA, NO_TARGET, NOT_ACHIEVED, Fact, aggregate, judge
from opora.core.models import School
from opora.programmes.catalogue import CATALOGUE, KpiDefinition
from opora.programmes.compute import KpiResult, programme_schools
from opora.programmes.figures import stored_contributions, stored_results_by_year
from opora.programmes.models import Programme, ProgrammeKpi
from opora.programmes.selectors import UserLike, visible_school_ids

NOT_STARTED = "not_started"
STATUS_LABELS = {
    ACHIEVED: pgettext_lazy("kpi", "achieved"),
    NOT_ACHIEVED: pgettext_lazy("kpi", "not achieved"),
    NO_DATA: pgettext_lazy("kpi", "no data"),
    NO_TARGET: pgettext_lazy("kpi", "no target"),
    NOT_STARTED: pgettext_lazy("kpi", "year not started"),
}


@dataclass(frozen=True)
class Cell:
    year: int
    target_percent: float | None
    result: KpiResult | None  # None: the year has not started, nothing to compute

    @property
    def status(self) -> str:
        return NOT_STARTED if self.result is None else self.result.status

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def fact_percent(self) -> float | None:
        return None if self.result is None else self.result.percent


@dataclass
class KpiRow:
    kpi: ProgrammeKpi
    definition: KpiDefinition
    cells: list[Cell] = field(default_factory=list)

    def sparkline(self, width: int = 120, height: int = 36) -> str:
        """Inline SVG points ("x,y x,y") of the facts and of the targets, 0–100 % mapped onto the height."""
        return _points([c.fact_percent for c in self.cells], width, height)

    def target_line(self, width: int = 120, height: int = 36) -> str:
        return _points([c.target_percent for c in self.cells], width, height)


def _points(values: list[float | None], width: int, height: int) -> str:
    n = len(values)
    step = width / max(n - 1, 1)
    pad = 3
    return " ".join(f"{i * step:.1f},{pad + (height - 2 * pad) * (1 - v / 100):.1f}"
                    for i, v in enumerate(values) if v is not None)


def plan_fact(programme: Programme, *, today: date) -> list[KpiRow]:
    """Every indicator of the programme (in its order) with a cell per year of the period; years after
    today's are not computed (their facts do not exist yet)."""
    rows: dict[int, KpiRow] = {}
    kpis = list(programme.kpis.prefetch_related("targets"))
    for kpi in kpis:
        definition = CATALOGUE.get(kpi.code)
        if definition is not None:
            rows[kpi.pk] = KpiRow(kpi=kpi, definition=definition)
    started = stored_results_by_year(programme, [y for y in programme.years if y <= today.year], today=today)
    for year in programme.years:
        if year > today.year:
            for kpi in kpis:
                if kpi.pk in rows:
                    target = next((t.value for t in kpi.targets.all() if t.year == year), None)
                    rows[kpi.pk].cells.append(Cell(year, None if target is None else float(target), None))
            continue
        for result in started[year]:
            rows[result.kpi.pk].cells.append(Cell(year, result.target_percent, result))
    return list(rows.values())


@dataclass(frozen=True)
class SchoolLine:
    school: School
    numerator: float | None
    denominator: float | None
    hit: bool
    missing: str  # what is missing; "" when the school counted

    @property
    def counted(self) -> bool:
        return not self.missing and self.denominator is not None


@dataclass(frozen=True)
class DrillDown:
    programme: Programme
    kpi: ProgrammeKpi
    definition: KpiDefinition
    year: int
    target_percent: float | None
    fact: Fact
    status: str
    lines: list[SchoolLine]  # only the schools the user sees
    hidden_counted: int  # the schools the user does not see, as counts
    hidden_hits: int
    hidden_missing: int

    @property
    def percent(self) -> float | None:
        return None if self.fact.value is None else round(self.fact.value * 100, 1)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def hidden(self) -> int:
        return self.hidden_counted + self.hidden_missing


def drill_down(user: UserLike, programme: Programme, kpi: ProgrammeKpi, year: int, *, today: date) -> DrillDown:
    """How the indicator's fact for `year` was computed, school by school (the user's schools by name)."""
    definition = CATALOGUE[kpi.code]
    schools = programme_schools(programme)
    contributions = stored_contributions(programme, kpi, year, today=today)
    fact = aggregate(contributions)
    target_row = next((t for t in kpi.targets.all() if t.year == year), None)
    target = float(target_row.value) / 100 if target_row is not None else None
    status = judge(fact.value, target, higher_is_better=definition.higher_is_better)
    visible = visible_school_ids(user, schools)
    by_id = {s.pk: s for s in schools}
    lines = []
    hidden_counted = hidden_hits = hidden_missing = 0
    for c in contributions:
        if c.school_id not in visible:
            if c.has_data:
                hidden_counted += 1
                hidden_hits += bool(c.numerator)
            else:
                hidden_missing += 1
            continue
        lines.append(SchoolLine(school=by_id[c.school_id], numerator=c.numerator if c.has_data else None,
                                denominator=c.denominator if c.has_data else None,
                                hit=bool(c.has_data and c.numerator), missing="" if c.has_data else c.missing))
    return DrillDown(programme=programme, kpi=kpi, definition=definition, year=year,
                     target_percent=None if target is None else round(target * 100, 1), fact=fact, status=status,
                     lines=lines, hidden_counted=hidden_counted, hidden_hits=hidden_hits,
                     hidden_missing=hidden_missing)
