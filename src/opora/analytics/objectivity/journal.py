"""Journal gap: the work's marks against the school's own journal marks.

Per work: the imbalance (raised − lowered) / n of «Повысили» over «Понизили» (n = pupils with
both marks, or lowered + confirmed + raised for aggregates) and, from pupil rows, the share of
pupils whose marks are two or more apart. Per school both are pooled over its works (pupil
weights) with their multinomial / binomial variance and judged against the region's schools: a
region where journals are generous everywhere is the yardstick, not zero. Present when the
imbalance passes its bar in either direction (a quarter of the false-positive rate each side)
and is at least imbalance_share, or the gap share passes its bar (half the rate) and is at least
journal_gap_share. Each needs n ≥ journal_min.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from opora.analytics.calibration import bar
from opora.analytics.objectivity.common import (
    EPS,
    POP,
    judge,
    num,
    reason_of,
    rows_of,
    school_rows,
    work_status,
)
from opora.analytics.objectivity.config import JOURNAL_GAP, ObjectivityConfig

JOURNAL_SPEC = {
    "journal_n": "int", "gap2": "int", "gap2_share": "float", "raised": "int", "lowered": "int", "confirmed": "int",
    "imbalance": "float", "direction": "str", "gap_present": "bool", "imbalance_present": "bool", "reason": "str",
}


def journal_gap(current: pd.DataFrame, population: pd.Index, config: ObjectivityConfig) -> pd.DataFrame:
    rows = current.copy().reset_index(drop=True)
    raised, lowered, confirmed = num(rows, "raised"), num(rows, "lowered"), num(rows, "confirmed")
    journal_n, gap2 = num(rows, "journal_n"), num(rows, "journal_gap2")
    # Aggregates have no journal_n: the three «Понизили/Подтвердили/Повысили» counts are the base.
    n = journal_n.fillna(raised + lowered + confirmed)
    gap_ok = (gap2.notna() & (journal_n >= config.journal_min)).to_numpy()
    imbalance_ok = (raised.notna() & lowered.notna() & (n >= config.journal_min)).to_numpy()
    rows["journal_n"], rows["gap2"], rows["raised"], rows["lowered"], rows["confirmed"] = (
        n, gap2, raised, lowered, confirmed)
    rows["gap2_share"] = (gap2 / journal_n).where(gap_ok)
    rows["imbalance"] = ((raised - lowered) / n).where(imbalance_ok)
    p_r, p_l = raised / n, lowered / n

    rate = config.false_positive_rate
    imbalance_bar, gap_bar = bar(rate / 4), bar(rate / 2)
    by_imbalance, imbalance_z = judge(rows.assign(_x=rows["imbalance"], _v=(p_r + p_l - rows["imbalance"] ** 2) / n,
                                                  _w=n, _eval=imbalance_ok), rate / 4)
    by_gap, gap_z = judge(rows.assign(_x=rows["gap2_share"], _v=rows["gap2_share"] * (1 - rows["gap2_share"]) / n,
                                      _w=n, _eval=gap_ok), rate / 2)
    schools = pd.Index(sorted(set(by_imbalance["school_code"]) | set(by_gap["school_code"])), dtype=object)
    i = by_imbalance.set_index("school_code").reindex(schools)
    g = by_gap.set_index("school_code").reindex(schools)
    imbalance_hit = (i["z"].abs() >= imbalance_bar) & (i["statistic"].abs() >= config.imbalance_share - EPS)
    gap_hit = (g["z"] >= gap_bar) & (g["statistic"] >= config.journal_gap_share - EPS)
    verdicts = pd.DataFrame({
        "school_code": schools, POP: i[POP].fillna(g[POP]), "works": np.fmax(i["works"], g["works"]),
        "z": np.fmax(i["z"].abs(), g["z"]), "statistic": i["statistic"], "centre": i["centre"],
        "spread": i["spread"], "region_schools": np.fmax(i["region_schools"], g["region_schools"]),
        "imbalance": i["statistic"], "imbalance_z": i["z"], "gap2_share": g["statistic"], "gap_z": g["z"],
        "imbalance_present": imbalance_hit.fillna(False).to_numpy(bool),
        "gap_present": gap_hit.fillna(False).to_numpy(bool),
    }).reset_index(drop=True)
    present = verdicts["imbalance_present"] | verdicts["gap_present"]
    school = school_rows(population, JOURNAL_GAP, verdicts, present, imbalance_bar, rate,
                         {"imbalance": "float", "imbalance_z": "float", "gap2_share": "float", "gap_z": "float",
                          "imbalance_present": "bool", "gap_present": "bool"})

    # numpy's stubs know no None among the choices; it makes an object array with None where neither holds.
    rows["direction"] = np.where(rows["imbalance"] > 0, "raised", np.where(rows["imbalance"] < 0, "lowered", None))  # type: ignore[call-overload]
    row_z = np.fmax(np.abs(imbalance_z), gap_z)
    rows["imbalance_present"] = (np.abs(imbalance_z) >= imbalance_bar) \
        & (rows["imbalance"].abs() >= config.imbalance_share - EPS)
    rows["gap_present"] = (gap_z >= gap_bar) & (rows["gap2_share"] >= config.journal_gap_share - EPS)
    evaluable = gap_ok | imbalance_ok
    flagged = rows["school_code"].isin(set(verdicts.loc[present.to_numpy(bool), "school_code"])).to_numpy()
    judged = rows["school_code"].isin(set(verdicts.loc[verdicts["z"].notna(), "school_code"])).to_numpy()
    rows["reason"] = reason_of((~evaluable, "no_journal"), (~judged, "few_schools"))
    status = work_status(evaluable & judged, row_z, flagged)
    return pd.concat([rows_of(rows, JOURNAL_GAP, status, JOURNAL_SPEC), school], ignore_index=True)
