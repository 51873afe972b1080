"""Opora identification benchmark: three national-size years of pupil results, the work features
(bare DuckDB SQL vs the analytics core vs pandas) and the whole identification per region.

    .venv/bin/python benchmarks/run.py identification                  # ~30 million rows a year
    .venv/bin/python benchmarks/run.py identification --rows 300000    # a quick run

Every measurement runs in its own child process, so its peak memory (ru_maxrss) is its own.
A step whose module has not landed yet is reported as not available. See benchmarks/README.md.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from results import SEED, _regions, peak_rss_gb  # noqa: E402

ALL_YEARS = (2023, 2024, 2025)  # the demo results generator knows these years
RULE_SETS = ("federal", "municipal", "quality")
SELECTIVE = {"lyceum", "gymnasium", "in_depth"}
# Synthetic task completion: the work's mean share of the maximum moved by the task's difficulty.
DIFFICULTY_SHIFT = {"basic": 0.15, "advanced": -0.05, "high": -0.25}


def years_of(args: argparse.Namespace) -> tuple[int, ...]:
    return ALL_YEARS[-args.years:]


def result_files(data: Path) -> list[str]:
    """Pupil result files, named region-year-procedure: sorted, the first ones are whole regions."""
    return sorted(str(p) for p in (data / "results").glob("*.parquet"))


# --- Generation ---------------------------------------------------------------------------------


def _passport_frame(passports: list[Any], year: int) -> pd.DataFrame:
    from opora.analytics.swi import DEFAULT_SIGNS

    rows = [
        {"school_code": p.school_code, **{name: float(getattr(p, name)) for name in DEFAULT_SIGNS}}
        for p in passports
        if p.year == year
    ]
    return pd.DataFrame(rows, columns=["school_code", *DEFAULT_SIGNS])


def _history_frame(codes: list[str], years: tuple[int, ...], seed: int) -> pd.DataFrame:
    """Earlier approved lists: about 8% of the schools a year, most of them staying, some exiting."""
    rng = np.random.default_rng([seed, 4])
    frames, listed = [], np.zeros(len(codes), dtype=bool)
    for year in years[:-1]:
        stay = listed & (rng.random(len(codes)) < 0.7)
        exits = listed & ~stay
        listed = stay | (~listed & (rng.random(len(codes)) < 0.06))
        keep = listed | exits
        frames.append(pd.DataFrame({"school_code": np.asarray(codes)[keep], "year": year,
                                    "included": listed[keep], "exit": exits[keep]}))
    if not frames:
        return pd.DataFrame({"school_code": [], "year": [], "included": [], "exit": []})
    return pd.concat(frames, ignore_index=True)


def generate_data(data: Path, rows: int, years: tuple[int, ...], seed: int) -> dict[str, Any]:
    """About `rows` pupil results per year (one file per region, year and procedure), and the
    schools, passports and earlier lists of the schools that have results."""
    from opora.demo.results import generate_results

    (data / "results").mkdir(parents=True, exist_ok=True)
    (data / "context").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = dict.fromkeys(years, 0)
    schools: list[dict[str, Any]] = []
    passports: list[pd.DataFrame] = []
    files = 0
    for territory in _regions(seed):
        if all(n >= rows for n in written.values()):
            break
        region = territory.regions[0].code
        generated = generate_results(territory, seed, years=years)
        present: set[str] = set()
        for (procedure, year), table in sorted(generated.tables.items()):
            table = table.slice(0, rows - written[year])
            if table.num_rows == 0:
                continue
            pq.write_table(table, data / "results" / f"{region}-{year}-{procedure}.parquet", row_group_size=100_000)
            written[year] += table.num_rows
            files += 1
            present.update(pc.unique(table.column("school_code")).to_pylist())
        muni_region = {m.code: m.region_code for m in territory.municipalities}
        schools += [
            {"school_code": s.code, "municipality_code": s.municipality_code,
             "region_code": muni_region[s.municipality_code], "type": s.type, "settlement": s.settlement,
             "selective": s.type in SELECTIVE}
            for s in territory.schools if s.code in present
        ]
        passports.append(_passport_frame([p for p in territory.passports if p.school_code in present], years[-1]))
    school_frame = pd.DataFrame(schools)
    school_frame.to_parquet(data / "context" / "schools.parquet")
    pd.concat(passports, ignore_index=True).to_parquet(data / "context" / "passports.parquet")
    _history_frame(school_frame["school_code"].tolist(), years, seed).to_parquet(data / "context" / "history.parquet")
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (data / "results").glob("*.parquet"))
    return {"seconds": seconds, "rows": sum(written.values()), "by_year": written, "schools": len(school_frame),
            "files": files, "bytes": size}


# --- Scales and stand-in inputs -----------------------------------------------------------------


def scale_rows(years: tuple[int, ...]) -> list[dict[str, Any]]:
    """The demo scales of the years, shaped as the analytics core's SCALES_SCHEMA."""
    from opora.demo.results_scales import PROCEDURES, demo_scales

    return [
        {"procedure": s.procedure, "year": s.year, "subject": s.subject, "grade": s.grade,
         "score_kind": PROCEDURES[s.procedure][1], "max_score": float(s.max_score),
         "mark3_from": s.mark3_from, "mark4_from": s.mark4_from, "mark5_from": s.mark5_from,
         "min_score": s.min_score, "high_bar": s.high_bar,
         "test_table": list(s.test_table) if s.test_table else None}
        for s in demo_scales(years)
    ]


def scales_arrow(years: tuple[int, ...]) -> pa.Table:
    from opora.analytics.indicators import SCALES_SCHEMA

    return pa.Table.from_pylist(scale_rows(years), schema=SCALES_SCHEMA.to_pyarrow())


def task_shifts(year: int) -> pd.DataFrame:
    """One row per task of every demo work of `year`: WORK_KEYS, task, shift (by difficulty)."""
    from opora.demo.results_scales import demo_scales

    rows = [
        {"procedure": s.procedure, "year": s.year, "subject": s.subject, "grade": s.grade, "task": t.number,
         "shift": DIFFICULTY_SHIFT[t.difficulty]}
        for s in demo_scales((year,))
        for t in s.tasks
    ]
    return pd.DataFrame(rows)


def stand_in_tasks(works: pd.DataFrame, shifts: pd.DataFrame, year: int, seed: int) -> pd.DataFrame:
    """A task completion frame for the works of `year` without reading the task scores: each task's
    completion is the work's mean_pct/100 moved by the task's difficulty, plus noise."""
    from opora.analytics.indicators import WORK_KEYS

    w = works.loc[works["year"] == year, ["school_code", *WORK_KEYS, "participants", "mean_pct"]]
    out = w.merge(shifts, on=WORK_KEYS)
    noise = np.random.default_rng([seed, 5]).normal(0.0, 0.05, len(out))
    out["completion"] = np.clip(out["mean_pct"].to_numpy() / 100 + out["shift"].to_numpy() + noise, 0.0, 1.0)
    return out.drop(columns=["mean_pct", "shift"])


def core_subjects() -> set[str]:
    from opora.demo.results_scales import SUBJECTS

    return {code for code, (_name, core) in SUBJECTS.items() if core}


# --- Measurements (each in a child process) -----------------------------------------------------


def _checksum(table: pa.Table) -> list[int]:
    """Figures every implementation must agree on: groups, pupils, failing pupils, pupils on the
    mark-3 boundary, pupils with a journal gap of two marks."""
    sums = [pc.sum(table.column(c)).as_py() or 0 for c in ("participants", "fail_count", "b3_at", "journal_gap2")]
    return [table.num_rows, *(int(s) for s in sums)]


def _input_rows(data: Path) -> int:
    return sum(pq.ParquetFile(p).metadata.num_rows for p in result_files(data))


def measure_bare(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    import duckdb

    from opora.analytics.connection import connection_settings
    from opora.analytics.work_features import bare_sql_work_features

    started = time.perf_counter()
    con = duckdb.connect(config={k: str(v) for k, v in connection_settings().items()})
    con.register("scales", scales_arrow(years_of(args)))
    out = con.sql(bare_sql_work_features(result_files(data))).to_arrow_table()
    return {"seconds": time.perf_counter() - started, "rows": _input_rows(data), "check": _checksum(out)}


def _features(data: Path, args: argparse.Namespace) -> tuple[pd.DataFrame, list[int]]:
    from opora.analytics.connection import connection
    from opora.analytics.indicators import scales_table
    from opora.analytics.work_features import work_features, work_features_frame

    con = connection()
    expr = work_features(con.read_parquet(result_files(data)), scales_table(scale_rows(years_of(args))))
    table = con.to_pyarrow(expr)
    return work_features_frame(table), _checksum(table)


def measure_core(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    frame, check = _features(data, args)
    return {"seconds": time.perf_counter() - started, "rows": _input_rows(data), "check": check,
            "works": len(frame)}


def measure_identify(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from opora.analytics.work_features import WORK_FEATURE_COLUMNS

    try:
        from opora.analytics import identify as identifying
        from opora.analytics import rules
    except ImportError as error:
        return {"skipped": f"identify not available ({error})"}
    identify, rule_sets, rule_params = identifying.identify, rules.DEFAULT_RULE_SETS, rules.RuleParams
    year = years_of(args)[-1]
    shifts = task_shifts(year)
    started = time.perf_counter()
    works, check = _features(data, args)
    features_seconds = time.perf_counter() - started
    works = works.assign(source="pupils", core=works["subject"].isin(core_subjects()))[WORK_FEATURE_COLUMNS]
    context = data / "context"
    schools = pd.read_parquet(context / "schools.parquet")
    passports = pd.read_parquet(context / "passports.parquet")
    history = pd.read_parquet(context / "history.parquet")
    region_of = schools.set_index("school_code")["region_code"]
    works["region_code"] = works["school_code"].map(region_of)
    params = {name: rule_params.from_dict(rule_sets[name]) for name in args.rules.split(",")}
    identify_seconds = dict.fromkeys(params, 0.0)
    included = dict.fromkeys(params, 0)
    prepared = time.perf_counter()
    # A stand-in per region (its noise is seeded per call), as the per-region runs had: not counted.
    tasks = pd.concat([stand_in_tasks(part.drop(columns="region_code"), shifts, year, args.seed)
                       for _, part in works.groupby("region_code", sort=True)], ignore_index=True)
    tasks_seconds = time.perf_counter() - prepared
    works = works.drop(columns="region_code")
    everyone = schools.rename(columns={"region_code": "population"})
    for name, rule in params.items():  # one call for every region: each is its own population
        began = time.perf_counter()
        result = identify(works, tasks, everyone, passports, history, year, rule)
        identify_seconds[name] += time.perf_counter() - began
        included[name] += int(result.schools["included"].fillna(False).astype(bool).sum())
    regions = int(schools["region_code"].nunique())
    seconds = time.perf_counter() - started - tasks_seconds
    return {"seconds": seconds, "rows": _input_rows(data), "check": check, "features_seconds": features_seconds,
            "identify_seconds": identify_seconds, "tasks_seconds": tasks_seconds, "regions": regions,
            "schools": len(schools), "included": included}


def measure_pandas(data: Path, args: argparse.Namespace) -> dict[str, Any]:
    from opora.analytics.work_features import pandas_work_features

    paths = result_files(data)
    columns = [f.name for f in pq.read_schema(paths[0]) if f.name != "tasks"]
    started = time.perf_counter()
    frames, rows = [], 0
    for path in paths:  # whole regions first (files are named region-year-procedure)
        if rows >= args.pandas_rows:
            break
        table = pq.read_table(path, columns=columns).slice(0, args.pandas_rows - rows)
        frames.append(table)
        rows += table.num_rows
    df = pa.concat_tables(frames).to_pandas()
    del frames
    out = pandas_work_features(df, scales_arrow(years_of(args)).to_pandas())
    return {"seconds": time.perf_counter() - started, "rows": rows, "works": len(out)}


MEASURES: dict[str, Callable[[Path, argparse.Namespace], dict[str, Any]]] = {
    "bare": measure_bare,
    "core": measure_core,
    "identify": measure_identify,
    "pandas": measure_pandas,
}
LABELS = {
    "bare": "(a) bare DuckDB SQL",
    "core": "(b) work_features (Ibis) → pandas",
    "identify": "(c) (b) + identify, all regions",
    "pandas": "(d) pandas",
}


def child(name: str, data: Path, args: argparse.Namespace) -> None:
    """Run one measurement and print its figures as one JSON line."""
    try:
        __import__("opora.analytics.work_features")
    except ImportError:
        result: dict[str, Any] = {"skipped": "opora.analytics.work_features has not landed yet"}
    else:
        result = MEASURES[name](data, args)
    result["rss_gb"] = peak_rss_gb()
    print("RESULT " + json.dumps(result))


def run_child(name: str, data: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", name, "--data", str(data), "--years", str(args.years),
               "--seed", str(args.seed), "--pandas-rows", str(args.pandas_rows), "--rules", args.rules]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"skipped": "failed: " + " | ".join(tail)}


# --- Report -------------------------------------------------------------------------------------


def _row(label: str, result: dict[str, Any], total_rows: int) -> str:
    if "skipped" in result:
        return f"{label:36} {result['skipped']}"
    rate = result["rows"] / result["seconds"] if result["seconds"] else float("nan")
    note = ""
    if result["rows"] < total_rows:
        scaled = result["seconds"] * total_rows / result["rows"]
        note = f"a sample of {result['rows']:,} rows (--pandas-rows); ≈ {scaled:.0f} s for all"
    return f"{label:36} {result['seconds']:9.2f} {rate:12,.0f} {result['rss_gb']:13.2f}  {note}"


def report(args: argparse.Namespace) -> int:
    years = years_of(args)
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="opora-bench-identification-"))
    data.mkdir(parents=True, exist_ok=True)
    try:
        print(f"Opora identification benchmark: up to {args.rows:,} pupil results a year for "
              f"{', '.join(map(str, years))}, {os.cpu_count()} CPUs, data in {data}")
        if not result_files(data):
            made = generate_data(data, args.rows, years, args.seed)
            print(f"generate: {made['rows']:,} rows ({', '.join(f'{y}: {n:,}' for y, n in made['by_year'].items())}), "
                  f"{made['schools']:,} schools, {made['files']} Parquet files, {made['bytes'] / 2**30:.2f} GiB; "
                  f"{made['seconds']:.1f} s ({made['rows'] / made['seconds']:,.0f} rows/s)")
        else:
            print(f"reusing {len(result_files(data))} Parquet files in {data / 'results'}")
        total = _input_rows(data)
        print(f"\nwork features and identification over {total:,} rows (each step in a fresh process; "
              f"rule sets: {args.rules})")
        print(f"{'step':36} {'time, s':>9} {'rows/s':>12} {'peak RSS, GB':>13}  note")
        figures = {}
        for name in MEASURES:
            figures[name] = run_child(name, data, args)
            print(_row(LABELS[name], figures[name], total))
        bare, core, ident = figures["bare"], figures["core"], figures["identify"]
        if "check" in bare and "check" in core:
            same = "same figures" if bare["check"] == core["check"] else f"DIFFERENT figures: core {core['check']}"
            print(f"(b) / (a): {core['seconds'] / bare['seconds']:.2f}×; {same} "
                  f"(works, pupils, failing, on the mark-3 boundary, journal gap ≥ 2: {bare['check']})")
        if "seconds" in ident and "seconds" in bare:
            ratio = ident["seconds"] / bare["seconds"]
            verdict = "meets" if ratio <= 1.5 else "misses"
            parts = ", ".join(f"{name} {s:.2f} s" for name, s in ident["identify_seconds"].items())
            print(f"(c) / (a): {ratio:.2f}× ({verdict} the 1.5× target); (c) = work features "
                  f"{ident['features_seconds']:.2f} s + identify over {ident['regions']} regions "
                  f"({ident['schools']:,} schools): {parts}; included: {ident['included']}")
            print(f"    stand-in task completion built in {ident['tasks_seconds']:.2f} s (not counted)")
        else:
            print("(c) / (a): n/a (identify not available)")
        return 0
    finally:
        if not args.data and not args.keep:
            shutil.rmtree(data, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--rows", type=int, default=30_000_000, help="pupil results to generate per year")
    p.add_argument("--years", type=int, default=3, choices=(1, 2, 3), help="years of results, the last is studied")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--data", help="a directory to reuse (or to fill and keep)")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument("--pandas-rows", type=int, default=8_000_000,
                   help="rows given to pandas at most (a sample when the data is larger)")
    p.add_argument("--rules", default="quality",
                   help=f"comma-separated default rule sets to run identify with ({', '.join(RULE_SETS)})")
    p.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    unknown = sorted(set(args.rules.split(",")) - set(RULE_SETS))
    if unknown:
        parser().error(f"unknown rule sets: {', '.join(unknown)}")
    if args.measure:
        child(args.measure, Path(args.data), args)
        return 0
    return report(args)


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
