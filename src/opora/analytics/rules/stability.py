"""After the selection: the school's typology, the list proposal (inclusion, exit, repeats) and
how stable the verdict is across years and against the context-adjusted view."""

from __future__ import annotations

import numpy as np
import pandas as pd

from opora.analytics.rules.params import REASON_KEPT, REASON_LOW
from opora.analytics.rules.steps import _earlier_inclusions, _frame


def typology(adverse: pd.Series, known: pd.Series, position: pd.Series, low: pd.Series) -> pd.Series:
    """METHODS §5.3 from the context (adverse, known = the school has an SWI), the position
    against the expected result (above = better) and the rule's verdict. NA when the SWI or the
    position is unknown."""
    position = position.astype("string")
    above = (position == "above").fillna(False).to_numpy(bool)
    below = (position == "below").fillna(False).to_numpy(bool)
    adverse = adverse.fillna(False).to_numpy(bool)
    low = low.fillna(False).to_numpy(bool)
    kind = np.select(
        [adverse & above, adverse & ~above & low, ~adverse & below, ~adverse & ~below],
        ["resilient", "disadvantaged", "underperforming", "favourable"], "typical")
    out = pd.Series(kind, index=position.index, dtype="string")
    return out.mask(~known.fillna(False).to_numpy(bool) | position.isna().to_numpy(bool))


def inclusion(codes: pd.Index, low: pd.Series, has_signs: pd.Series, history: pd.DataFrame | None,
              year: int) -> pd.DataFrame:
    """The list proposal (METHODS §5): included = low results, or was in last year's list,
    no longer meets the rule but has objectivity signs (kept, reason 'kept_objectivity');
    exit = was in last year's list, no longer meets the rule, no sign; repeated = years in
    earlier lists + this one if included. `low`, `has_signs`: aligned with `codes`.
    Columns: school_code, earlier, last_year, included, reason, exit, repeated."""
    out = _frame(codes)
    earlier = _earlier_inclusions(history, year)
    last = earlier.iloc[:0]
    if history is not None and not history.empty:
        last = history[(history["year"] == year - 1) & history["included"].astype(bool)]
        last = last.groupby("school_code").size()
    low = pd.Series(np.asarray(low, dtype=bool), index=out.index)
    signs = pd.Series(np.asarray(has_signs, dtype=bool), index=out.index)
    out["earlier"] = out["school_code"].map(earlier).fillna(0).astype(int)
    out["last_year"] = out["school_code"].isin(last.index)
    kept = out["last_year"] & ~low & signs
    out["included"] = low | kept
    out["reason"] = np.select([low, kept], [REASON_LOW, REASON_KEPT], "")
    out["exit"] = out["last_year"] & ~low & ~signs
    out["repeated"] = out["earlier"] + out["included"].astype(int)
    return out


def stable_years(codes: pd.Index, included: pd.Series, history: pd.DataFrame | None, year: int,
                 population: pd.Series | None = None) -> pd.Series:
    """"n of m": m = the years of earlier lists in `history` plus this one, n = those in which
    the school's place (in or out of the list) was the same as now. A school absent from a
    year's list counts as out of it. With `population` (school_code → code), m counts the
    years of the lists of the school's own population (history rows of its schools)."""
    frame = _frame(codes)
    now = np.asarray(included, dtype=bool)
    if history is None or history.empty:
        years = np.zeros(len(frame), dtype=int)
        was_in = pd.Series(0, index=frame.index)
    else:
        earlier = history[history["year"] < year]
        if population is None:
            years = np.full(len(frame), len(set(earlier["year"].astype(int))))
        else:
            pops = earlier["school_code"].astype(str).map(population)
            per = earlier["year"].astype(int).groupby(pops.to_numpy()).nunique()
            years = frame["school_code"].map(population).map(per).fillna(0).astype(int).to_numpy()
        in_list = earlier[earlier["included"].astype(bool)].groupby("school_code")["year"].nunique()
        was_in = frame["school_code"].map(in_list).fillna(0).astype(int)
    m = years + 1
    same = np.where(now, was_in + 1, years - was_in + 1)
    return pd.Series([f"{n} of {k}" for n, k in zip(same.tolist(), m.tolist(), strict=True)], index=frame.index,
                     dtype="string")


def stable_context(low: pd.Series, position: pd.Series) -> pd.Series:
    """Does the verdict agree with the context-adjusted view? low & below expected, or not low
    & not below. NA when the position is unknown."""
    position = position.astype("string")
    below = (position == "below").fillna(False).to_numpy(bool)
    low_ = np.asarray(low, dtype=bool)
    out = pd.Series(np.where(low_, below, ~below), index=position.index, dtype="boolean")
    return out.mask(position.isna().to_numpy(bool))
