"""Validity of identification on synthetic regions with known truth (src/opora/analytics/synthetic.py):
recall on planted schools, the share of ordinary schools marked (false-positive rate), precision and
the residual's correlation with the true school effect — per flag, rule set and scenario.

    .venv/bin/python benchmarks/validity.py [--seeds 101,202,303] [--scenarios ordinary,aggregates,…]
    .venv/bin/python benchmarks/run.py validity …      # the same

Scenarios (analytics/validity.py SCENARIOS): ordinary (pupil rows, all procedures, every planted
kind), aggregates (federal-portal forms only), aggregates_sd, aggregates_distribution, vpr_only,
shift (a harder ВПР form in the last year for everyone), no_inflation. Each seed is a new region;
the table gives the mean over the seeds and the worst seed. No Django, no database: the analytics
core on the frames identification reads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import pandas as pd  # noqa: E402

from opora.analytics.rules import KINDS  # noqa: E402
from opora.analytics.validity import SCENARIOS, figures, prepare, run  # noqa: E402

DEFAULT_SEEDS = (101, 202, 303)
# Which way is worse for the "worst seed" column.
_LOWER_IS_WORSE = ("recall", "corr", "precision", "share above or below")


def _worst(measure: str, values: pd.Series) -> float:
    return float(values.min() if measure.startswith(_LOWER_IS_WORSE) else values.max())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default=",".join(map(str, DEFAULT_SEEDS)))
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s]
    names = [s for s in args.scenarios.split(",") if s]
    rows = []
    started = time.perf_counter()
    for name in names:
        for seed in seeds:
            generated = prepare(SCENARIOS[name], seed)
            for kind in KINDS:
                result = run(generated, kind)
                for row in figures(generated, result, kind):
                    rows.append({**row, "scenario": name, "seed": seed})
            print(f"  {name}, seed {seed}: {len(generated.schools)} schools, "
                  f"{len(generated.region.pupils):,} pupil results", file=sys.stderr)
    frame = pd.DataFrame(rows)
    # Flags that do not depend on the rule set are shown once (from the quality run).
    shared = ~frame["flag"].isin(["low_results"]) & (frame["rule_set"] != "quality")
    frame = frame[~shared]
    table = frame.groupby(["scenario", "flag", "measure", "rule_set"], sort=False).agg(
        mean=("value", "mean"), target=("target", "first"))
    table["worst"] = [_worst(measure, frame.loc[(frame["scenario"] == s) & (frame["flag"] == f)
                                                & (frame["measure"] == measure) & (frame["rule_set"] == r),
                                                "value"])
                      for s, f, measure, r in table.index]
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 1000)
    pd.set_option("display.max_colwidth", 60)
    print(f"Validity of identification: scenarios {', '.join(names)}; seeds {', '.join(map(str, seeds))}; "
          f"{time.perf_counter() - started:.0f} s")
    for scenario in names:
        part = table.loc[scenario].reset_index()
        part["rule_set"] = part["rule_set"].where(part["flag"] == "low_results", "—")
        print(f"\n== {scenario}: {SCENARIOS[scenario].description}")
        print(part[["flag", "measure", "rule_set", "mean", "worst", "target"]].to_string(
            index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
