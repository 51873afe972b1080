"""Social well-being index (ИСБШ, METHODS.md §4): z-scores of the social-passport shares across
the comparison population (the region), oriented so that higher means better off, averaged per
school and cut into stanines 1–9 (1 = most disadvantaged). Pandas over one row per school.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# +1 where a higher share means the families are better off, −1 where it means worse off.
DEFAULT_SIGNS: dict[str, int] = {
    "parents_higher_education": 1,
    "single_parent_families": -1,
    "low_income_families": -1,
    "large_families": -1,
    "unemployed_parents": -1,
    "non_russian_home_language": -1,
    "special_needs": -1,
    "prevention_register": -1,
}
# Upper bounds (cumulative %) of stanines 1..8; stanine 9 is the rest: 4-7-12-17-20-17-12-7-4 %.
STANINE_CUTS: tuple[float, ...] = (4, 11, 23, 40, 60, 77, 89, 96)

# Reasons are stable codes; the page translates them.
REASON_FEW_INDICATORS = "too_few_indicators"
NOTE_MISSING = "missing"  # the indicator column is absent or empty for every school
NOTE_CONSTANT = "constant"  # sd = 0 (or one school only): it cannot tell schools apart
_DECIMALS = 12  # composites equal up to float noise must tie in the stanine ranks


@dataclass(frozen=True)
class SwiConfig:
    """Which passport shares enter the index and how (a rule set may edit every field)."""

    signs: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SIGNS))
    min_indicators: int = 3
    adverse_stanines: tuple[int, ...] = (1, 2, 3)

    def __post_init__(self) -> None:
        if not self.signs:
            raise ValueError("The index needs at least one indicator.")
        bad = sorted(name for name, sign in self.signs.items() if sign not in (1, -1))
        if bad:
            raise ValueError(f"Indicator signs must be +1 or -1: {', '.join(bad)}.")
        if self.min_indicators < 1:
            raise ValueError("The minimum number of indicators must be at least 1.")
        if any(s not in range(1, 10) for s in self.adverse_stanines):
            raise ValueError("Adverse-context stanines must lie between 1 and 9.")


@dataclass(frozen=True)
class SwiResult:
    """`schools`: school_code, swi_composite, swi_stanine (Int64), adverse_context, indicators_used,
    reason ('' or REASON_FEW_INDICATORS). `population`: indicator, sign, mean, sd, schools (with a
    value), used, note ('' / NOTE_MISSING / NOTE_CONSTANT) — the numbers a page needs to explain
    a school's index."""

    schools: pd.DataFrame
    population: pd.DataFrame


def stanines(values: pd.Series) -> pd.Series:
    """Stanines 1–9 of `values` by rank: each value's mid-rank percentile (rank − ½)/n·100, ties
    sharing their average rank, is placed among STANINE_CUTS (a percentile equal to a cut goes
    up). Defined for any n ≥ 1 (a lone school is 5, three schools are 3, 5, 7); NaN stays NA."""
    present = values.dropna().round(_DECIMALS)
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    if present.empty:
        return out
    percentile = (present.rank(method="average") - 0.5) / len(present) * 100
    out.loc[present.index] = np.searchsorted(STANINE_CUTS, percentile.to_numpy(), side="right") + 1
    return out


def social_wellbeing(passports: pd.DataFrame, config: SwiConfig | None = None) -> SwiResult:
    """The index of each school against the schools given (they are the comparison population).

    Input: one row per school_code with the share columns named in `config.signs` (absent
    columns count as empty). Each usable indicator is z-standardised with the population sd
    (ddof = 0: the schools given are the whole population, not a sample), multiplied by its sign
    and averaged over the indicators the school has; fewer than `min_indicators` → no index.
    """
    config = config or SwiConfig()
    if passports["school_code"].duplicated().any():
        raise ValueError("Each school must appear once in the social passport table.")
    frame = passports.reset_index(drop=True)
    oriented: dict[str, pd.Series] = {}
    population = []
    for name, sign in config.signs.items():
        values = pd.to_numeric(frame[name], errors="coerce") if name in frame.columns else None
        count = 0 if values is None else int(values.notna().sum())
        mean = np.nan if values is None or count == 0 else float(values.mean())
        sd = np.nan if values is None or count == 0 else float(values.std(ddof=0))
        note = NOTE_MISSING if count == 0 else NOTE_CONSTANT if not sd > 1e-12 else ""
        if values is not None and not note:
            oriented[name] = sign * (values - mean) / sd
        population.append({"indicator": name, "sign": sign, "mean": mean, "sd": sd, "schools": count,
                           "used": not note, "note": note})

    z = pd.DataFrame(oriented, index=frame.index)
    used = z.notna().sum(axis=1).astype(int)
    composite = z.mean(axis=1, skipna=True).where(used >= config.min_indicators)
    stanine = stanines(composite)
    schools = pd.DataFrame({
        "school_code": frame["school_code"],
        "swi_composite": composite.astype(float),
        "swi_stanine": stanine,
        "adverse_context": stanine.isin(config.adverse_stanines).fillna(False).astype(bool),
        "indicators_used": used,
        "reason": np.where(composite.isna(), REASON_FEW_INDICATORS, ""),
    })
    return SwiResult(schools=schools, population=pd.DataFrame(population))
