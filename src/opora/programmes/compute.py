"""A programme's indicators for a year: plan (the target) against fact, and how the fact was
computed (which schools counted, which hit, which lacked data and why)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from opora.analytics.kpi import Contribution, Fact, aggregate, judge
from opora.core.models import School
from opora.programmes.catalogue import CATALOGUE, KpiDefinition
from opora.programmes.models import Programme, ProgrammeKpi


@dataclass(frozen=True)
class KpiResult:
    kpi: ProgrammeKpi
    definition: KpiDefinition
    year: int
    target: float | None  # share 0–1
    fact: Fact
    status: str  # analytics.kpi: achieved / not_achieved / no_data / no_target

    @property
    def percent(self) -> float | None:
        return None if self.fact.value is None else round(self.fact.value * 100, 1)

    @property
    def target_percent(self) -> float | None:
        return None if self.target is None else round(self.target * 100, 1)


def programme_schools(programme: Programme) -> list[School]:
    return list(programme.schools.select_related("municipality").order_by("municipality__name", "name"))


def kpi_results(programme: Programme, year: int, *, today: date | None = None,
                codes: list[str] | None = None) -> list[KpiResult]:
    """Every indicator of the programme (or those of `codes`) for `year`, in the programme's order,
    computed now over all its schools. Pages read the stored figures instead (`figures.py`)."""
    today = today or timezone.localdate()
    schools = programme_schools(programme)
    kpis = list(programme.kpis.prefetch_related("targets"))
    out = []
    for kpi in kpis:
        if codes is not None and kpi.code not in codes:
            continue
        definition = CATALOGUE.get(kpi.code)
        if definition is None:
            continue  # a definition withdrawn from the catalogue: nothing to compute
        out.append(kpi_result(kpi, definition, year, definition.compute(schools, year, today)))
    return out


def kpi_target(kpi: ProgrammeKpi, year: int) -> float | None:
    """The indicator's target for `year` as a share 0–1 (from the prefetched targets)."""
    row = next((t for t in kpi.targets.all() if t.year == year), None)
    return float(row.value) / 100 if row is not None else None


def kpi_result(kpi: ProgrammeKpi, definition: KpiDefinition, year: int,
               contributions: list[Contribution]) -> KpiResult:
    """The result of an indicator from its schools' contributions, judged against today's target."""
    target = kpi_target(kpi, year)
    fact = aggregate(contributions)
    return KpiResult(kpi=kpi, definition=definition, year=year, target=target, fact=fact,
                     status=judge(fact.value, target, higher_is_better=definition.higher_is_better))
