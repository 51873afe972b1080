"""Opora benchmark: load the national demo (~40,000 schools) and time the school list.

    make bench                      # or: .venv/bin/python benchmarks/run.py [--size …] [--runs N]
    .venv/bin/python benchmarks/run.py results [--rows N]   # results store: see results.py
    .venv/bin/python benchmarks/run.py identification [--rows N]   # see identification.py
    .venv/bin/python benchmarks/run.py import [--csv-rows N] [--xlsx-rows N]   # results import: imports.py
    .venv/bin/python benchmarks/run.py programmes [--teachers N]   # programme indicators: programmes.py
    .venv/bin/python benchmarks/run.py validity [--seeds …]   # identification against known truth: validity.py
    .venv/bin/python benchmarks/run.py load [--users N] [--duration S]   # concurrent users: load.py

Uses a fresh SQLite file in a temporary directory, or the database in DATABASE_URL (which must
be empty: the benchmark refuses to write into a database that already holds schools).
See benchmarks/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __name__ == "__main__" and sys.argv[1:2] == ["results"]:
    # `run.py results …`: the results benchmark (benchmarks/results.py) sets up its own processes.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from results import main as results_main

    sys.exit(results_main(sys.argv[2:]))
if __name__ == "__main__" and sys.argv[1:2] == ["import"]:
    # `run.py import …`: pupil results import throughput against the bare readers (benchmarks/imports.py).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from imports import main as imports_main

    sys.exit(imports_main(sys.argv[2:]))
if __name__ == "__main__" and sys.argv[1:2] == ["identification"]:
    # `run.py identification …`: work features and identification (benchmarks/identification.py).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from identification import main as identification_main

    sys.exit(identification_main(sys.argv[2:]))

if __name__ == "__main__" and sys.argv[1:2] == ["validity"]:
    # `run.py validity …`: identification against synthetic regions with known truth (benchmarks/validity.py).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from validity import main as validity_main

    sys.exit(validity_main(sys.argv[2:]))

if __name__ == "__main__" and sys.argv[1:2] == ["programmes"]:
    # `run.py programmes …`: programme indicators and dashboards over a region (benchmarks/programmes.py).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from programmes import main as programmes_main

    sys.exit(programmes_main(sys.argv[2:]))

if __name__ == "__main__" and sys.argv[1:2] == ["load"]:
    # `run.py load …`: concurrent users against the production server (benchmarks/load.py).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from load import main as load_main

    sys.exit(load_main(sys.argv[2:]))

# Settings read OPORA_VAR_DIR at import, so both must be set before django.setup().
_TMP = tempfile.mkdtemp(prefix="opora-bench-")
os.environ["OPORA_VAR_DIR"] = _TMP
os.environ["DJANGO_SETTINGS_MODULE"] = "opora.settings"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from opora.core import access  # noqa: E402
from opora.core.models import School, User  # noqa: E402
from opora.core.selectors import SchoolFilters, school_list  # noqa: E402
from opora.demo.generator import SIZES, generate  # noqa: E402
from opora.demo.loader import territory_load  # noqa: E402
from opora.demo.people import SUPERUSER, demo_people_create  # noqa: E402


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def fresh(username: str) -> User:
    """A user as a request sees it: role assignments not yet read (access caches them)."""
    return User.objects.get(username=username)


def page_and_count(username: str, filters: SchoolFilters) -> Callable[[], object]:
    def run() -> object:
        user = fresh(username)
        qs = school_list(user, filters)
        return list(qs[:50]), qs.count()

    return run


def visible_count(username: str) -> Callable[[], object]:
    return lambda: access.schools_for(fresh(username)).count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="national", choices=SIZES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="runs per query; the median is shown")
    args = parser.parse_args()

    vendor = connection.vendor
    print(f"Opora benchmark: size={args.size} seed={args.seed} database={vendor}")
    call_command("migrate", verbosity=0)
    if School.objects.exists():
        print("The database already holds schools: give an empty one in DATABASE_URL.")
        return 1

    started = time.perf_counter()
    territory = generate(args.size, args.seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    territory_load(territory, with_history=False)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        demo_people_create(territory)
    people = time.perf_counter() - started
    rows = territory.row_count
    print(
        f"territory: {len(territory.regions)} regions, {len(territory.municipalities)} "
        f"municipalities, {len(territory.schools)} schools, {len(territory.passports)} passports "
        f"({rows} rows)"
    )
    print(f"generate (pure Python):  {generated:7.2f} s  {rows / generated:10,.0f} rows/s")
    print(f"load into the database:  {loaded:7.2f} s  {rows / loaded:10,.0f} rows/s")
    both = generated + loaded
    print(f"total:                   {both:7.2f} s  {rows / both:10,.0f} rows/s")
    print(f"demo users (one password hash):  {people:.2f} s")

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    print(f"\nqueries (median of {args.runs} runs, ms; each run reads the user afresh)")
    print(f"{'query':44} {'region.admin':>13} {SUPERUSER + ' (superuser)':>18}")
    queries: list[tuple[str, Callable[[str], Callable[[], object]]]] = [
        ("school_list: first page (50) + count", lambda u: page_and_count(u, SchoolFilters())),
        (
            "school_list 'Лицей': first page + count",
            lambda u: page_and_count(u, SchoolFilters(query="Лицей")),
        ),
        ("schools_for: count", visible_count),
    ]
    for label, make in queries:
        cells = [median_ms(make(username), args.runs) for username in ("region.admin", SUPERUSER)]
        print(f"{label:44} {cells[0]:13.1f} {cells[1]:18.1f}")
    visible = access.schools_for(fresh("region.admin")).count()
    print(f"\nregion.admin sees {visible} of {School.objects.count()} schools")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        connection.close()
        shutil.rmtree(_TMP, ignore_errors=True)
    sys.exit(code)
