"""Opora results benchmark: a national-size year of pupil results, the school indicators over it
(analytics core vs bare DuckDB SQL vs pandas), peak memory, and import throughput.

    .venv/bin/python benchmarks/run.py results             # ~30 million rows (the default)
    .venv/bin/python benchmarks/run.py results --rows 2000000   # a quick run

Every measurement runs in its own child process, so its peak memory (ru_maxrss) is its own.
Parts whose module has not landed yet are skipped with a message. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

YEAR = 2025
SEED = 1


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def data_files(data: Path) -> list[str]:
    return sorted(str(p) for p in data.glob("*.parquet"))


# --- Generation ---------------------------------------------------------------------------------


def _regions(seed: int) -> Iterator[Any]:
    """The national demo territory cut into one territory per region (results are drawn per
    region, so memory stays at one region's rows)."""
    from opora.demo.generator import generate
    from opora.demo.rows import Territory

    nation = generate("national", seed)
    for region in nation.regions:
        munis = [m for m in nation.municipalities if m.region_code == region.code]
        codes = {m.code for m in munis}
        schools = [s for s in nation.schools if s.municipality_code in codes]
        school_codes = {s.code for s in schools}
        yield Territory(
            size="national",
            seed=seed,
            regions=[region],
            municipalities=munis,
            schools=schools,
            passports=[p for p in nation.passports if p.school_code in school_codes],
        )


def generate_data(data: Path, rows: int, seed: int) -> dict[str, Any]:
    """Write about `rows` pupil results of one year (one file per region and procedure)."""
    from opora.demo.results import generate_results

    started = time.perf_counter()
    written = schools = files = 0
    for territory in _regions(seed):
        if written >= rows:
            break
        generated = generate_results(territory, seed, years=(YEAR,))
        for (procedure, _year), table in sorted(generated.tables.items()):
            table = table.slice(0, rows - written)
            if table.num_rows == 0:
                break
            name = f"{procedure}-{territory.regions[0].code}.parquet"
            pq.write_table(table, data / name, row_group_size=100_000)
            written += table.num_rows
            files += 1
        schools += len(territory.schools)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in data.glob("*.parquet"))
    return {"seconds": seconds, "rows": written, "schools": schools, "files": files, "bytes": size}


# --- Indicators (each in a child process) -------------------------------------------------------


def _scale_rows() -> list[dict[str, Any]]:
    """The demo scales of the benchmark year, shaped as the analytics core's SCALES_SCHEMA."""
    from opora.demo.results_scales import PROCEDURES, demo_scales

    return [
        {
            "procedure": s.procedure,
            "year": s.year,
            "subject": s.subject,
            "grade": s.grade,
            "score_kind": PROCEDURES[s.procedure][1],
            "max_score": float(s.max_score),
            "mark3_from": s.mark3_from,
            "mark4_from": s.mark4_from,
            "mark5_from": s.mark5_from,
            "min_score": s.min_score,
            "high_bar": s.high_bar,
            "test_table": list(s.test_table) if s.test_table else None,
        }
        for s in demo_scales((YEAR,))
    ]


def _scales_arrow() -> pa.Table:
    frame = _scale_rows()
    schema = pa.schema(
        [
            ("procedure", pa.string()),
            ("year", pa.int16()),
            ("subject", pa.string()),
            ("grade", pa.int8()),
            ("score_kind", pa.string()),
            ("max_score", pa.float64()),
            ("mark3_from", pa.float64()),
            ("mark4_from", pa.float64()),
            ("mark5_from", pa.float64()),
            ("min_score", pa.float64()),
            ("high_bar", pa.float64()),
            ("test_table", pa.list_(pa.int16())),
        ]
    )
    return pa.Table.from_pylist(frame, schema=schema)


def _checksum(table: pa.Table) -> list[float]:
    """Figures both implementations must agree on: groups, pupils, failing and high pupils."""
    import pyarrow.compute as pc

    n = table.column("participants")
    fails = pc.sum(pc.multiply(pc.cast(n, pa.float64()), table.column("fail_share"))).as_py()
    highs = pc.sum(pc.multiply(pc.cast(n, pa.float64()), table.column("high_share"))).as_py()
    return [table.num_rows, pc.sum(n).as_py(), round(fails), round(highs)]


def measure_core(data: Path, _args: argparse.Namespace) -> dict[str, Any]:
    from opora.analytics.connection import connection
    from opora.analytics.indicators import scales_table, school_indicators

    paths = data_files(data)
    started = time.perf_counter()
    con = connection()
    results = con.read_parquet(paths)
    expr = school_indicators(results, scales_table(_scale_rows()), by_class=False)
    out = con.to_pyarrow(expr)
    return {"seconds": time.perf_counter() - started, "check": _checksum(out), "rows": None}


def measure_bare(data: Path, _args: argparse.Namespace) -> dict[str, Any]:
    import duckdb

    from opora.analytics.connection import connection_settings
    from opora.analytics.indicators import bare_sql_indicators

    paths = data_files(data)
    started = time.perf_counter()
    con = duckdb.connect(config={k: str(v) for k, v in connection_settings().items()})
    con.register("scales", _scales_arrow())
    out = con.sql(bare_sql_indicators(paths)).to_arrow_table()
    return {"seconds": time.perf_counter() - started, "check": _checksum(out), "rows": None}


def measure_pandas(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from opora.analytics.indicators import pandas_indicators

    columns = [f.name for f in pq.read_schema(data_files(data)[0]) if f.name != "tasks"]
    started = time.perf_counter()
    frames, rows = [], 0
    for path in data_files(data):  # the first files up to the sample size
        if rows >= args.pandas_rows:
            break
        table = pq.read_table(path, columns=columns).slice(0, args.pandas_rows - rows)
        frames.append(table)
        rows += table.num_rows
    df = pa.concat_tables(frames).to_pandas()
    del frames
    out = pandas_indicators(df, _scales_arrow().to_pandas())
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": rows, "groups": len(out)}


# --- Imports (child process with its own SQLite database) ---------------------------------------


def _django(work: Path) -> None:
    os.environ["OPORA_VAR_DIR"] = str(work)
    os.environ["OPORA_RESULTS_DIR"] = str(work / "results")
    os.environ["DJANGO_SETTINGS_MODULE"] = "opora.settings"
    os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file of its own
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _sample(data: Path, rows: int) -> pa.Table:
    """The first `rows` ВПР results (the files are per region: several regions' schools)."""
    tables, taken = [], 0
    for path in data_files(data):
        if taken >= rows:
            break
        if Path(path).name.startswith("vpr-"):
            table = pq.read_table(path).slice(0, rows - taken)
            tables.append(table)
            taken += table.num_rows
    return pa.concat_tables(tables)


def _file_rows(table: pa.Table) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of a results file as a user brings it: one task_N column per task."""
    import pyarrow.compute as pc

    # Over every row: a later region's scales may have more tasks than the first rows show.
    width = int(pc.max(pc.list_value_length(table.column("tasks"))).as_py() or 0)
    header = [
        "procedure",
        "year",
        "school_code",
        "subject",
        "grade",
        "class",
        "pupil",
        "variant",
        "primary_score",
        "mark",
        "journal_mark",
        *(f"task_{i}" for i in range(1, width + 1)),
    ]
    plain = [
        "procedure",
        "year",
        "school_code",
        "subject",
        "grade",
        "class_name",
        "pupil",
        "variant",
        "primary_score",
        "mark",
        "journal_mark",
    ]

    def rows() -> Iterator[list[Any]]:
        for batch in table.to_batches(50_000):
            columns = [batch.column(name).to_pylist() for name in plain]
            tasks = batch.column("tasks").to_pylist()
            for i, scores in enumerate(tasks):
                row = [c[i] for c in columns]
                row[8] = int(row[8])
                cells = [int(s) for s in scores]
                yield row + cells + [None] * (width - len(cells))

    return header, rows()


def _write_csv(table: pa.Table, path: Path) -> None:
    import csv

    header, rows = _file_rows(table)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)


def _write_xlsx(table: pa.Table, path: Path) -> None:
    from openpyxl import Workbook

    header, rows = _file_rows(table)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("results")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def _import_setup(table: pa.Table) -> Any:
    """Schools of the file, the demo scales and tasks, and an installation administrator."""
    from opora.core.models import Municipality, Region, School, User
    from opora.demo.results_loader import reference_ensure, scales_load
    from opora.demo.results_scales import demo_scales

    region = Region.objects.create(code="99", name="Бенчмарк")
    municipality = Municipality.objects.create(code="99001", name="Бенчмарк", region=region)
    codes = sorted(set(table.column("school_code").to_pylist()))
    School.objects.bulk_create(
        [School(code=c, name=f"Школа {c}", municipality=municipality) for c in codes],
        batch_size=2000,
    )
    procedures, subjects = reference_ensure()
    scales_load(demo_scales((YEAR,)), procedures, subjects)
    return User.objects.create_superuser("bench", password="bench-Opora-2026")


def measure_import(data: Path, args: argparse.Namespace, kind: str) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"opora-bench-{kind}-"))
    try:
        _django(work)
        try:
            from opora.results.imports.results import results_import
        except ImportError:
            return {"skipped": "opora.results.imports.results has not landed yet"}
        rows = args.csv_rows if kind == "csv" else args.xlsx_rows
        table = _sample(data, rows)
        actor = _import_setup(table)
        path = work / f"results.{kind}"
        started = time.perf_counter()
        (_write_csv if kind == "csv" else _write_xlsx)(table, path)
        written = time.perf_counter() - started
        started = time.perf_counter()
        outcome = results_import(actor=actor, path=path)
        seconds = time.perf_counter() - started
        if not outcome.ok:
            return {"skipped": "the import rejected the file: " + "; ".join(outcome.summary[:3])}
        return {"seconds": seconds, "rows": table.num_rows, "write_seconds": written, "bytes": path.stat().st_size}
    finally:
        from django.db import connection

        connection.close()
        shutil.rmtree(work, ignore_errors=True)


MEASURES: dict[str, Callable[[Path, argparse.Namespace], dict[str, Any]]] = {
    "core": measure_core,
    "bare": measure_bare,
    "pandas": measure_pandas,
    "import-csv": lambda d, a: measure_import(d, a, "csv"),
    "import-xlsx": lambda d, a: measure_import(d, a, "xlsx"),
}
NEEDS = {
    "core": "opora.analytics.indicators",
    "bare": "opora.analytics.indicators",
    "pandas": "opora.analytics.indicators",
}


def child(name: str, data: Path, args: argparse.Namespace) -> None:
    """Run one measurement and print its figures as one JSON line."""
    module = NEEDS.get(name)
    try:
        if module:
            __import__(module)
    except ImportError:
        result: dict[str, Any] = {"skipped": f"{module} has not landed yet"}
    else:
        result = MEASURES[name](data, args)
    result["rss_gb"] = peak_rss_gb()
    print("RESULT " + json.dumps(result))


def run_child(name: str, data: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--measure",
        name,
        "--data",
        str(data),
        "--pandas-rows",
        str(args.pandas_rows),
        "--csv-rows",
        str(args.csv_rows),
        "--xlsx-rows",
        str(args.xlsx_rows),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"skipped": "failed: " + " | ".join(tail)}


# --- Report -------------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> int:
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="opora-bench-results-"))
    data.mkdir(parents=True, exist_ok=True)
    try:
        print(
            f"Opora results benchmark: up to {args.rows:,} pupil results of {YEAR}, "
            f"{os.cpu_count()} CPUs, data in {data}"
        )
        if not data_files(data):
            made = generate_data(data, args.rows, args.seed)
            print(
                f"generate: {made['rows']:,} rows, {made['schools']:,} schools, "
                f"{made['files']} Parquet files, {made['bytes'] / 2**30:.2f} GiB; "
                f"{made['seconds']:.1f} s ({made['rows'] / made['seconds']:,.0f} rows/s)"
            )
        else:
            print(f"reusing {len(data_files(data))} Parquet files in {data}")
        rows = sum(pq.ParquetFile(p).metadata.num_rows for p in data_files(data))
        print(f"\nschool indicators over {rows:,} rows (whole grades; each in a fresh process)")
        print(f"{'implementation':34} {'time, s':>9} {'peak RSS, GB':>13}  note")
        figures: dict[str, dict[str, Any]] = {}
        for name, label in (
            ("core", "analytics core (Ibis → DuckDB)"),
            ("bare", "bare DuckDB SQL"),
            ("pandas", "pandas"),
        ):
            result = figures[name] = run_child(name, data, args)
            if "skipped" in result:
                print(f"{label:34} skipped: {result['skipped']}")
                continue
            note = ""
            if name == "pandas" and result["rows"] < rows:
                scaled = result["seconds"] * rows / result["rows"]
                note = (
                    f"a sample of {result['rows']:,} rows (--pandas-rows); "
                    f"× {rows / result['rows']:.1f} ≈ {scaled:.0f} s for all"
                )
            print(f"{label:34} {result['seconds']:9.2f} {result['rss_gb']:13.2f}  {note}")
        core, bare = figures["core"], figures["bare"]
        if "seconds" in core and "seconds" in bare:
            same = (
                "same figures"
                if core["check"] == bare["check"]
                else (f"DIFFERENT figures: core {core['check']} vs bare {bare['check']}")
            )
            ratio = core["seconds"] / bare["seconds"]
            verdict = "meets" if ratio <= 1.5 else "misses"
            print(
                f"core / bare: {ratio:.2f}× ({verdict} the 1.5× target); {same} "
                f"(groups, pupils, failing, high: {core['check']})"
            )
        if "rss_gb" in core and "seconds" in core:
            print(f"peak memory of the analytics core: {core['rss_gb']:.2f} GB (target: < 8 GB)")
        if args.no_import:
            return 0
        print(
            "\nimport of pupil results (opora.results.imports.results, fresh SQLite database, "
            "checks, Parquet write and indicators)"
        )
        for name, label in (("import-csv", "CSV"), ("import-xlsx", "XLSX")):
            result = run_child(name, data, args)
            if "skipped" in result:
                print(f"{label:5} skipped: {result['skipped']}")
                continue
            print(
                f"{label:5} {result['rows']:,} rows ({result['bytes'] / 2**20:.0f} MiB): "
                f"{result['seconds']:.1f} s, {result['rows'] / result['seconds']:,.0f} rows/s, "
                f"peak RSS {result['rss_gb']:.2f} GB (writing the file took "
                f"{result['write_seconds']:.1f} s, not counted)"
            )
        return 0
    finally:
        if not args.data and not args.keep:
            shutil.rmtree(data, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--rows", type=int, default=30_000_000, help="pupil results to generate")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--data", help="a directory of Parquet files to reuse (or to fill and keep)")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument(
        "--pandas-rows",
        type=int,
        default=8_000_000,
        help="rows given to pandas at most (a sample when the data is larger)",
    )
    p.add_argument("--csv-rows", type=int, default=1_000_000)
    p.add_argument("--xlsx-rows", type=int, default=100_000)
    p.add_argument("--no-import", action="store_true", help="skip the import throughput part")
    p.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.measure:
        child(args.measure, Path(args.data), args)
        return 0
    return report(args)


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
