"""Opora import benchmark: pupil results from CSV and XLSX at national scale, against the bare
readers (DuckDB `read_csv` → Parquet of the same file; calamine reading the sheet alone).

    .venv/bin/python benchmarks/run.py import                       # 1,000,000 CSV rows, 200,000 XLSX rows
    .venv/bin/python benchmarks/run.py import --csv-rows 200000 --xlsx-rows 50000   # quicker

Every measurement runs in its own child process (a fresh SQLite database for the import), so its
peak memory is its own. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import results as bench_results  # noqa: E402

SEED = 1
TARGETS = {"csv": 500_000, "xlsx": 100_000}


# --- Files --------------------------------------------------------------------------------------


def vpr_table(data: Path, rows: int, seed: int) -> pa.Table:
    """The first `rows` ВПР results of the national demo (region after region), cached in `data`."""
    cached = data / f"vpr-{rows}-{seed}.parquet"
    if cached.exists():
        return pq.read_table(cached)
    from opora.demo.results import generate_results

    tables, taken = [], 0
    for territory in bench_results._regions(seed):
        if taken >= rows:
            break
        generated = generate_results(territory, seed, years=(bench_results.YEAR,))
        table = generated.tables.get(("vpr", bench_results.YEAR))
        if table is None:
            continue
        table = table.slice(0, rows - taken)
        tables.append(table)
        taken += table.num_rows
    table = pa.concat_tables(tables)
    pq.write_table(table, cached)
    return table


def input_file(data: Path, kind: str, rows: int, seed: int) -> tuple[Path, float]:
    """The CSV or XLSX file of `rows` results as a user brings it, and the seconds writing took."""
    path = data / f"results-{rows}-{seed}.{kind}"
    if path.exists():
        return path, 0.0
    table = vpr_table(data, rows, seed)
    started = time.perf_counter()
    partial = path.with_suffix(".part")
    if kind == "csv":
        bench_results._write_csv(table, partial)
    else:
        bench_results._write_xlsx(table, partial)
    partial.rename(path)
    return path, time.perf_counter() - started


# --- Measurements (each in a child process) ------------------------------------------------------


def measure_import(path: Path, _rows: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="opora-bench-import-"))
    try:
        bench_results._django(work)
        from opora.results.imports.results import results_import

        table = pq.read_table(vpr_source(path), columns=["school_code"])
        actor = bench_results._import_setup(table)
        refresh_seconds = _time_refresh()
        profile = os.environ.get("OPORA_BENCH_PROFILE")
        started = time.perf_counter()
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            outcome = profiler.runcall(results_import, actor=actor, path=path)
            profiler.dump_stats(profile)
        else:
            outcome = results_import(actor=actor, path=path)
        seconds = time.perf_counter() - started
        if not outcome.ok:
            return {"failed": "the import rejected the file: "
                    + "; ".join(str(e) for e in outcome.errors[:3])}
        return {"seconds": seconds, "rows": outcome.rows, "refresh_seconds": sum(refresh_seconds)}
    finally:
        from django.db import connection

        connection.close()
        shutil.rmtree(work, ignore_errors=True)


def _time_refresh() -> list[float]:
    """Wrap the indicators refresh the import calls, to report its share of the time."""
    from opora.results import rollups

    spent: list[float] = []
    refresh = rollups.indicators_refresh

    def timed(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return refresh(**kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    rollups.indicators_refresh = timed  # type: ignore[assignment]
    return spent


def vpr_source(path: Path) -> Path:
    rows, seed = path.stem.split("-")[1:3]
    return path.parent / f"vpr-{rows}-{seed}.parquet"


def measure_duckdb(path: Path, _rows: int) -> dict[str, Any]:
    """The anchor of the CSV import: DuckDB reads the file and writes it as Parquet, nothing else."""
    import duckdb

    work = Path(tempfile.mkdtemp(prefix="opora-bench-anchor-"))
    try:
        started = time.perf_counter()
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT * FROM read_csv('{path}')) TO '{work / 'out.parquet'}' (FORMAT parquet)"
        )
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{work / 'out.parquet'}')").fetchall()[0][0]
        return {"seconds": time.perf_counter() - started, "rows": int(rows)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_calamine(path: Path, _rows: int) -> dict[str, Any]:
    """The anchor of the XLSX import: calamine reads the sheet into Python rows, nothing else."""
    import python_calamine

    started = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python()
    workbook.close()
    return {"seconds": time.perf_counter() - started, "rows": len(rows) - 1}


MEASURES = {"import": measure_import, "duckdb": measure_duckdb, "calamine": measure_calamine}


def child(name: str, path: Path, rows: int) -> None:
    import resource

    result = MEASURES[name](path, rows)
    result["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print("RESULT " + json.dumps(result))


def run_child(name: str, path: Path, rows: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", name, "--file", str(path), "--csv-rows", str(rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"failed": "failed: " + " | ".join(tail)}


# --- Report -------------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> int:
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="opora-bench-import-"))
    data.mkdir(parents=True, exist_ok=True)
    failed = False
    try:
        print(f"Opora import benchmark: {os.cpu_count()} CPUs, files in {data}")
        for kind, rows, anchor, anchor_label in (
            ("csv", args.csv_rows, "duckdb", "DuckDB read_csv → Parquet"),
            ("xlsx", args.xlsx_rows, "calamine", "calamine reads the sheet"),
        ):
            if rows <= 0:
                continue
            path, wrote = input_file(data, kind, rows, args.seed)
            note = f"written in {wrote:.1f} s, not counted" if wrote else "reused"
            print(f"\n{kind.upper()}: {rows:,} ВПР results, {path.stat().st_size / 2**20:.0f} MiB ({note})")
            runs = [run_child("import", path, rows) for _ in range(args.runs)]
            bare = run_child(anchor, path, rows)
            bad = [r for r in (*runs, bare) if "failed" in r]
            if bad:
                print(f"  failed: {bad[0]['failed']}")
                failed = True
                continue
            best = min(runs, key=lambda r: r["seconds"])
            speed = rows / best["seconds"]
            times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
            print(f"  import (results_import, end to end): {best['seconds']:.2f} s (runs: {times}), "
                  f"{speed:,.0f} rows/s, peak RSS {best['rss_gb']:.2f} GB; "
                  f"target ≥ {TARGETS[kind]:,} rows/s: {'met' if speed >= TARGETS[kind] else 'missed'}")
            rest = best["seconds"] - best["refresh_seconds"]
            print(f"  of which the indicators refresh (rollups into the database): "
                  f"{best['refresh_seconds']:.2f} s; the import without it: {rest:.2f} s, "
                  f"{rows / rest:,.0f} rows/s, {rest / bare['seconds']:.2f}× the anchor")
            print(f"  {anchor_label}: {bare['seconds']:.2f} s, {rows / bare['seconds']:,.0f} rows/s, "
                  f"peak RSS {bare['rss_gb']:.2f} GB")
            print(f"  import / anchor: {best['seconds'] / bare['seconds']:.2f}×")
        return 1 if failed else 0
    finally:
        if not args.data and not args.keep:
            shutil.rmtree(data, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--csv-rows", type=int, default=1_000_000, help="rows of the CSV file (0: skip)")
    p.add_argument("--xlsx-rows", type=int, default=200_000, help="rows of the XLSX file (0: skip)")
    p.add_argument("--runs", type=int, default=1, help="imports per file; the fastest is shown")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--data", help="a directory for the generated files (reused when present)")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    p.add_argument("--file", help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.measure:
        child(args.measure, Path(args.file), args.csv_rows)
        return 0
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
