"""Opora programme-indicator benchmark: a regional programme over every school of a region-size
territory (~1,000 schools) with the records its indicators read, then the time to compute them.

    .venv/bin/python benchmarks/run.py programmes [--teachers 30] [--runs 5]

Uses a fresh SQLite file in a temporary directory, or the (empty) database in DATABASE_URL. It
prints the row counts it created and, as medians of `--runs` runs in milliseconds: each indicator
for one year, all ten for one year (`kpi_results`), the programme page's table (every indicator ×
every year of the period, `plan_fact`) and the regional dashboard's sections. See README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

_TMP = tempfile.mkdtemp(prefix="opora-bench-programmes-")
os.environ.setdefault("OPORA_VAR_DIR", _TMP)
os.environ["DJANGO_SETTINGS_MODULE"] = "opora.settings"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from opora.core.models import School, User  # noqa: E402
from opora.demo.generator import generate  # noqa: E402
from opora.demo.loader import territory_load  # noqa: E402
from opora.identification.models import ListEntry, RuleSet, Run, RunSchool, RunStatus, YearList  # noqa: E402
from opora.plans.models import Document, DocumentKind, Measure, MeasureStatus  # noqa: E402
from opora.programmes import dashboards  # noqa: E402
from opora.programmes.catalogue import CATALOGUE  # noqa: E402
from opora.programmes.compute import kpi_results  # noqa: E402
from opora.programmes.figures import figures_refresh  # noqa: E402
from opora.programmes.plan_fact import plan_fact  # noqa: E402
from opora.programmes.services import programme_create  # noqa: E402
from opora.staff.models import DeficitDiagnostic, DevelopmentPlan, PlanItem, StaffMember  # noqa: E402
from opora.support.models import Curatorship, Event, Participant, Partnership, Visit  # noqa: E402

YEAR = 2026
TODAY = date(2026, 11, 23)


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def build(teachers: int) -> dict[str, int]:
    """The region's records: staff, diagnostics, plans, curators, visits, events, partnerships,
    roadmaps, the approved lists of 2025 and 2026 and identification rows; deterministic."""
    schools = list(School.objects.select_related("municipality").order_by("code"))
    region = schools[0].municipality.region
    admin = User.objects.create_superuser("bench", "bench@example.org", "bench-Opora-2026")
    counts: dict[str, int] = {}
    staff = StaffMember.objects.bulk_create(
        [StaffMember(school=s, full_name=f"Педагог {i}", external_id=str(i), age_group="40_49")
         for s in schools for i in range(teachers)], batch_size=5000)
    counts["staff"] = len(staff)
    counts["diagnostics"] = len(DeficitDiagnostic.objects.bulk_create(
        [DeficitDiagnostic(staff=m, year=YEAR, area="методические", has_deficit=i % 3 == 0)
         for i, m in enumerate(staff) if i % 5], batch_size=5000))
    plans = DevelopmentPlan.objects.bulk_create(
        [DevelopmentPlan(staff=m, year=YEAR) for i, m in enumerate(staff) if i % 3 == 0], batch_size=5000)
    counts["development_plans"] = len(plans)
    PlanItem.objects.bulk_create(
        [PlanItem(plan=p, kind="course", title="КПК", completed_on=date(YEAR, 5, 1) if i % 2 else None)
         for i, p in enumerate(plans)], batch_size=5000)
    counts["curatorships"] = len(Curatorship.objects.bulk_create(
        [Curatorship(school=s, curator=admin, starts_on=date(YEAR - 1, 9, 1)) for s in schools[::2]]))
    counts["visits"] = len(Visit.objects.bulk_create(
        [Visit(school=s, kind="monitoring", held_on=date(YEAR, 3, 1) + timedelta(days=k), purpose="Мониторинг")
         for s in schools[::3] for k in range(2)]))
    counts["partnerships"] = len(Partnership.objects.bulk_create(
        [Partnership(school=s, partner=schools[(i + 1) % len(schools)], starts_on=date(YEAR, 1, 10))
         for i, s in enumerate(schools) if i % 4 == 0]))
    municipalities = sorted({s.municipality for s in schools}, key=lambda m: m.pk)
    events = Event.objects.bulk_create(
        [Event(region=region, municipality=m, title="Семинар", kind="seminar", starts_on=date(YEAR, 4, 1),
               status="held") for m in municipalities])
    by_municipality = {e.municipality_id: e for e in events}
    counts["participants"] = len(Participant.objects.bulk_create(
        [Participant(event=by_municipality[s.municipality_id], school=s, full_name=f"Участник {k}", attended=True)
         for s in schools[1::2] for k in range(3)], batch_size=5000))
    roadmaps = Document.objects.bulk_create(
        [Document(school=s, year=YEAR, kind=DocumentKind.ROADMAP, title="Дорожная карта") for s in schools])
    counts["measures"] = len(Measure.objects.bulk_create(
        [Measure(document=d, title=f"Мероприятие {k}", due_on=date(YEAR, 2 + k % 9, 15),
                 status=MeasureStatus.DONE if k % 3 else MeasureStatus.PLANNED, done_on=date(YEAR, 2 + k % 9, 10))
         for d in roadmaps for k in range(20)], batch_size=5000))
    rule_set = RuleSet.objects.order_by("pk").first()
    for year in (YEAR - 1, YEAR):
        run = Run.objects.create(region=region, year=year, rule_set=rule_set, status=RunStatus.DONE)
        listed = YearList.objects.create(region=region, year=year, run=run)
        ListEntry.objects.bulk_create([ListEntry(year_list=listed, school=s)
                                       for i, s in enumerate(schools) if year == YEAR - 1 or i % 4])
        RunSchool.objects.bulk_create(
            [RunSchool(run=run, school=s, dynamics=("improved", "stable", "declined")[i % 3],
                       objectivity_signs=["peak"] if i % 10 == 0 else []) for i, s in enumerate(schools)],
            batch_size=5000)
    programme = programme_create(actor=admin, region=region, municipality=None, code="bench", title="Бенчмарк",
                                 start_year=YEAR - 1, end_year=YEAR + 1, kpi_codes=tuple(CATALOGUE))
    counts["programme_schools"] = programme.memberships.count()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=30, help="teachers per school (default 30)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is shown")
    args = parser.parse_args(argv)
    print(f"Opora programme-indicator benchmark: database={connection.vendor}")
    call_command("migrate", verbosity=0)
    if School.objects.exists():
        print("The database already holds schools: give an empty one in DATABASE_URL.")
        return 1
    started = time.perf_counter()
    with transaction.atomic():
        territory_load(generate("region", 1), with_history=False)
        counts = build(args.teachers)
    print(f"setup: {time.perf_counter() - started:.1f} s; " + ", ".join(f"{k}: {v:,}" for k, v in counts.items()))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from opora.programmes.models import Programme

    programme = Programme.objects.get(code="bench")
    admin = User.objects.get(username="bench")
    territory = dashboards.territory_get(admin, "region", programme.region.code)
    assert territory is not None
    print(f"\nmedian of {args.runs} runs, ms ({counts['programme_schools']:,} schools in the programme)")
    for code in CATALOGUE:
        ms = median_ms(lambda c=code: kpi_results(programme, YEAR, today=TODAY, codes=[c]), args.runs)
        print(f"  {code:28} {ms:9.1f}")
    steps: list[tuple[str, Callable[[], object]]] = [
        ("all ten indicators, one year", lambda: kpi_results(programme, YEAR, today=TODAY)),
        ("refresh the stored figures (10 x 3 years)", lambda: figures_refresh(programme, today=TODAY)),
        ("programme page from stored figures", lambda: plan_fact(programme, today=TODAY)),
        ("dashboard: indicator panels (stored)", lambda: dashboards.kpi_panels(admin, territory, YEAR, TODAY)),
        ("dashboard: list movement", lambda: dashboards.list_movement(admin, territory, YEAR)),
        ("dashboard: roadmap execution", lambda: dashboards.roadmap_execution(admin, territory, YEAR, TODAY)),
        ("dashboard: support activity", lambda: dashboards.support_activity(admin, territory, YEAR, TODAY)),
    ]
    for label, action in steps:
        print(f"  {label:44} {median_ms(action, args.runs):9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
