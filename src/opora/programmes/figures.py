"""Stored programme indicators: pages read the figures, they do not compute them.

An indicator's fact for a year is every school's contribution, computed over all the programme's
schools (`compute.kpi_results`) and kept in `KpiFigure` with the time it was computed. The
figures are refreshed in the background when their inputs change (a successful import, an
approved list, a roadmap change: `figures_refresh_later`), every night (the scheduler's
`refresh_figures`), and on request by whoever manages the programme. Only a year that has never
been computed is computed on first view, once. Targets are applied when read, so changing a
target shows at once.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from opora.analytics.kpi import Contribution
from opora.programmes.catalogue import CATALOGUE
from opora.programmes.compute import KpiResult, kpi_result, programme_schools
from opora.programmes.models import KpiFigure, Programme, ProgrammeKpi

FIGURES_JOB = "programme_figures"


def _stored(contributions: list[Contribution]) -> list[list[object]]:
    return [[c.school_id, c.numerator, c.denominator, c.missing] for c in contributions]


def _contributions(raw: list[list[object]]) -> list[Contribution]:
    return [Contribution(int(str(school)), None if n is None else float(str(n)),
                         None if d is None else float(str(d)), str(missing or ""))
            for school, n, d, missing in raw]


def _kpis(programme: Programme, codes: list[str] | None = None) -> list[ProgrammeKpi]:
    return [k for k in programme.kpis.prefetch_related("targets")
            if k.code in CATALOGUE and (codes is None or k.code in codes)]


def figures_refresh(programme: Programme, *, years: list[int] | None = None, today: date | None = None) -> int:
    """Compute and store the programme's indicators for `years` (default: its years up to this one)."""
    today = today or timezone.localdate()
    years = years if years is not None else [y for y in programme.years if y <= today.year]
    schools = programme_schools(programme)
    kpis = _kpis(programme)
    computed = [(kpi, year, _stored(CATALOGUE[kpi.code].compute(schools, year, today)))
                for year in years for kpi in kpis]
    now = timezone.now()
    with transaction.atomic():  # the reads above hold no lock; the page sees old or new figures
        KpiFigure.objects.filter(kpi__in=kpis, year__in=years).delete()
        KpiFigure.objects.bulk_create([KpiFigure(kpi=kpi, year=year, contributions=contributions, computed_at=now)
                                       for kpi, year, contributions in computed])
    return len(computed)


def _figures(programme: Programme, kpis: list[ProgrammeKpi], years: list[int],
             today: date | None) -> dict[tuple[int, int], KpiFigure]:
    def read() -> dict[tuple[int, int], KpiFigure]:
        return {(f.kpi_id, f.year): f for f in KpiFigure.objects.filter(kpi__in=kpis, year__in=years)}

    figures = read()
    missing = sorted({y for y in years for k in kpis if (k.pk, y) not in figures})
    if missing:
        figures_refresh(programme, years=missing, today=today)  # never computed: once, then stored
        figures = read()
    return figures


def stored_results_by_year(programme: Programme, years: list[int], *, today: date | None = None,
                           codes: list[str] | None = None,
                           school_ids: set[int] | None = None) -> dict[int, list[KpiResult]]:
    """The programme's indicators (or those of `codes`) for each of `years`, from the stored figures;
    with `school_ids`, over those of its schools only (a municipality's part of a regional programme)."""
    kpis = _kpis(programme, codes)
    figures = _figures(programme, kpis, years, today)

    def part(raw: list[list[object]]) -> list[Contribution]:
        contributions = _contributions(raw)
        return contributions if school_ids is None else [c for c in contributions if c.school_id in school_ids]

    return {y: [kpi_result(k, CATALOGUE[k.code], y, part(figures[k.pk, y].contributions)) for k in kpis]
            for y in years}


def stored_results(programme: Programme, year: int, *, today: date | None = None,
                   codes: list[str] | None = None, school_ids: set[int] | None = None) -> list[KpiResult]:
    """The programme's indicators for `year` (or those of `codes`) from the stored figures."""
    return stored_results_by_year(programme, [year], today=today, codes=codes, school_ids=school_ids)[year]


def stored_contributions(programme: Programme, kpi: ProgrammeKpi, year: int, *,
                         today: date | None = None) -> list[Contribution]:
    """One indicator's stored school contributions (the drill-down's lines)."""
    return _contributions(_figures(programme, [kpi], [year], today)[kpi.pk, year].contributions)


def figures_computed_at(programme: Programme) -> datetime | None:
    """When the oldest of the programme's stored figures was computed (None: not yet)."""
    return KpiFigure.objects.filter(kpi__programme=programme).aggregate(at=Min("computed_at"))["at"]


def programmes_in(region_id: int | None = None) -> list[Programme]:
    qs = Programme.objects.all() if region_id is None else Programme.objects.filter(region_id=region_id)
    return list(qs.order_by("pk"))


def on_inputs_changed(sender: object, *, region_id: int | None = None, school_id: int | None = None,
                      **kwargs: object) -> None:
    """`core.signals.figures_inputs_changed`: refresh the programmes of the school's or the region's region."""
    from opora.core.models import School

    if school_id is not None:
        region_id = School.objects.filter(pk=school_id).values_list("municipality__region_id", flat=True).first()
    figures_refresh_later(region_id=region_id)


def figures_refresh_later(*, region_id: int | None = None) -> None:
    """Queue a background refresh of the programmes of a region (or of all), after the commit.

    A refresh already waiting for the same scope is enough: inputs that change again before it
    starts are read by it.
    """
    from opora.jobs.models import Job, JobStatus
    from opora.jobs.services import job_create, job_enqueue
    from opora.programmes.tasks import refresh_figures_task

    scope = {"region": region_id}
    if not Programme.objects.filter(**({} if region_id is None else {"region_id": region_id})).exists():
        return
    if Job.objects.filter(kind=FIGURES_JOB, status=JobStatus.QUEUED, params=scope).exists():
        return
    from django.utils.translation import gettext as _

    job = job_create(kind=FIGURES_JOB, title=_("Recomputing the programmes' indicators"), user=None, params=scope)
    job_enqueue(job, refresh_figures_task)
