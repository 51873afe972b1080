"""Identification rule sets (METHODS.md §5): the parameters a region edits (`RuleParams`) and the
selection steps they drive, each vectorised over the works frame (one row per school × procedure
× year × subject × grade, see `work_features.py`).

Choices of ours, where the methods leave room:
- Works with fewer than `min_participants` pupils never count for or against a school: every
  step drops them first, so a school of 8 pupils is never flagged, whatever its marks.
- Federal rule: a procedure *fails* in a year when the fail share pooled over the procedure's
  works (subjects chosen by the rule, every grade, each work with N ≥ min_participants) is
  ≥ fail_bar. low_score = the number of procedures failing in the year under study.
- Municipal rule: each criterion is ranked among the judged schools as a mid-rank percentile
  (rank − ½)/n with ties sharing their rank, oriented so that worse is higher; the composite is
  the weighted mean of the percentiles the school has. "share" selects the round(share × n)
  worst composites (schools tied with the last one selected are all selected).
- Changes (decline risk and dynamics) are judged against the region's own schools: see
  `school_change.py`.
- Thresholds are perturbed ×0.9 / ×1.1 to test a verdict's stability; the quality rule's
  low_groups, a whole number, moves by one group instead.
- A selection is split into `score` (numbers independent of the thresholds, computed once) and
  `decide` (the verdict at given thresholds), so the perturbed verdicts cost little.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from opora.analytics.objectivity import ObjectivityConfig
from opora.analytics.swi import DEFAULT_SIGNS, SwiConfig

KINDS = ("federal", "municipal", "quality")
CONNECTIVES = ("and", "or")
SELECTS = ("share", "threshold")
CRITERIA = ("core_fail", "core_high", "other_fail", "inclusions", "objectivity")
MEASURES = ("quality_index", "core_fail_share")  # the result the expected-result model explains
DYNAMICS = ("improved", "stable", "declined")
TYPOLOGY = ("resilient", "disadvantaged", "underperforming", "favourable", "typical")
REASON_LOW = "low_results"
REASON_KEPT = "kept_objectivity"
Z95 = 1.96
_EPS = 1e-9  # 15/50 must count as ≥ 0.30 and 0.30 − 0.20 as ≥ 0.10
WORK = ["procedure", "subject", "grade"]
SCHOOL_WORK = ["school_code", *WORK]
POPULATION = "population"  # works and scores may carry each school's comparison population


# --- Parameters ---------------------------------------------------------------------------------


def _objectivity_dict(value: Any) -> dict[str, Any]:
    """The objectivity settings as a full dict, validated by ObjectivityConfig."""
    if isinstance(value, ObjectivityConfig):
        return value.to_dict()
    if not isinstance(value, Mapping):
        raise ValueError("objectivity: must be a mapping of settings")
    try:
        return ObjectivityConfig.from_dict(dict(value)).to_dict()
    except (TypeError, ValueError) as error:
        raise ValueError(f"objectivity: {error}") from None


def _swi_default() -> dict[str, Any]:
    return {"signs": dict(DEFAULT_SIGNS), "min_indicators": 3, "adverse_stanines": [1, 2, 3]}


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def _int(name: str, value: Any, low: int, high: int | None = None) -> int:
    if not _is_int(value) or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name}: must be a whole number {bound}")
    return int(value)


def _share(name: str, value: Any, *, zero: bool = False) -> float:
    if not _is_number(value) or not (0 <= float(value) <= 1) or (not zero and float(value) == 0):
        raise ValueError(f"{name}: must be a number in {'[0, 1]' if zero else '(0, 1]'}")
    return float(value)


def _rate(name: str, value: Any) -> float:
    if not _is_number(value) or not (0 < float(value) <= 0.5):
        raise ValueError(f"{name}: must be a share in (0, 0.5]")
    return float(value)


def _choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValueError(f"{name}: must be one of {', '.join(options)}")
    return str(value)


def _names(name: str, value: Any, *, optional: bool = False) -> tuple[str, ...] | None:
    if value is None and optional:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value \
            or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{name}: must be a non-empty list of codes{' or null' if optional else ''}")
    return tuple(value)


def _weights(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise ValueError("weights: must be a mapping of criterion to weight")
    unknown = sorted(set(value) - set(CRITERIA))
    if unknown:
        raise ValueError(f"weights: unknown criteria {', '.join(map(str, unknown))}")
    out = {c: 1.0 for c in CRITERIA}
    for key, weight in value.items():
        if not _is_number(weight) or weight < 0:
            raise ValueError(f"weights: {key} must be a number ≥ 0")
        out[key] = float(weight)
    if not any(out.values()):
        raise ValueError("weights: at least one weight must be positive")
    return out


def _quality_selection(value: Any) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError("quality_selection: must map procedures to lists of grades")
    out: dict[str, tuple[int, ...]] = {}
    for procedure, grades in value.items():
        if not isinstance(procedure, str) or not procedure or not isinstance(grades, list | tuple) or not grades \
                or not all(_is_int(g) and 1 <= g <= 11 for g in grades):
            raise ValueError("quality_selection: must map procedures to non-empty lists of grades 1–11")
        out[procedure] = tuple(int(g) for g in grades)
    return out


def _swi(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("swi: must be a mapping with signs, min_indicators, adverse_stanines")
    unknown = sorted(set(value) - {"signs", "min_indicators", "adverse_stanines"})
    if unknown:
        raise ValueError(f"swi: unknown settings {', '.join(map(str, unknown))}")
    out = {**_swi_default(), **value}
    if not isinstance(out["signs"], Mapping) or not _is_int(out["min_indicators"]) \
            or not isinstance(out["adverse_stanines"], list | tuple) \
            or not all(_is_int(s) for s in out["adverse_stanines"]):
        raise ValueError("swi: signs must be a mapping, min_indicators and adverse_stanines whole numbers")
    try:
        config = SwiConfig(signs={str(k): v for k, v in out["signs"].items()},
                           min_indicators=int(out["min_indicators"]),
                           adverse_stanines=tuple(int(s) for s in out["adverse_stanines"]))
    except ValueError as error:
        raise ValueError(f"swi: {error}") from None
    return {"signs": dict(config.signs), "min_indicators": config.min_indicators,
            "adverse_stanines": list(config.adverse_stanines)}


@dataclass(frozen=True)
class RuleParams:
    """One rule set's parameters. Every field is validated on construction (ValueError
    "<field>: <problem>"); lists arrive as tuples/lists, mappings as dicts."""

    kind: str = "federal"
    procedures: tuple[str, ...] = ("vpr", "oge", "ege")
    subjects: tuple[str, ...] | None = None  # None: every subject
    min_participants: int = 10
    fail_bar: float = 0.30
    min_procedures: int = 2
    connective: str = "and"
    years: int = 2  # municipal window: the last `years` years including the year under study
    weights: dict[str, float] = field(default_factory=lambda: {c: 1.0 for c in CRITERIA})
    select: str = "share"
    share: float = 0.10
    rank_threshold: float = 0.9
    quality_selection: dict[str, tuple[int, ...]] = field(default_factory=lambda: {"vpr": (5, 6), "oge": (9,)})
    k: int = 9
    low_groups: int = 3
    swi: dict[str, Any] = field(default_factory=_swi_default)
    expected_measure: str = "quality_index"
    decline_bar: float = 0.10
    # Shares of ordinary schools marked by chance (school_change.py): improved or declined, at decline risk.
    dynamics_fpr: float = 0.03
    decline_fpr: float = 0.01
    objectivity: dict[str, Any] = field(default_factory=lambda: ObjectivityConfig().to_dict())

    def __post_init__(self) -> None:
        checked: dict[str, Any] = {
            "kind": _choice("kind", self.kind, KINDS),
            "procedures": _names("procedures", self.procedures),
            "subjects": _names("subjects", self.subjects, optional=True),
            "min_participants": _int("min_participants", self.min_participants, 1),
            "fail_bar": _share("fail_bar", self.fail_bar),
            "min_procedures": _int("min_procedures", self.min_procedures, 1),
            "connective": _choice("connective", self.connective, CONNECTIVES),
            "years": _int("years", self.years, 1, 10),
            "weights": _weights(self.weights),
            "select": _choice("select", self.select, SELECTS),
            "share": _share("share", self.share),
            "rank_threshold": _share("rank_threshold", self.rank_threshold, zero=True),
            "quality_selection": _quality_selection(self.quality_selection),
            "k": _int("k", self.k, 1, 50),
            "swi": _swi(self.swi),
            "expected_measure": _choice("expected_measure", self.expected_measure, MEASURES),
            "decline_bar": _share("decline_bar", self.decline_bar),
            "dynamics_fpr": _rate("dynamics_fpr", self.dynamics_fpr),
            "decline_fpr": _rate("decline_fpr", self.decline_fpr),
            "objectivity": _objectivity_dict(self.objectivity),
        }
        checked["low_groups"] = _int("low_groups", self.low_groups, 1, checked["k"])
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleParams:
        """Params from a (possibly partial) dict: absent fields take their defaults."""
        if not isinstance(data, Mapping):
            raise ValueError("params: must be a mapping")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown setting")
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (tuples as lists); `from_dict(to_dict())` gives equal params."""
        out = asdict(self)
        out["procedures"] = list(self.procedures)
        out["subjects"] = None if self.subjects is None else list(self.subjects)
        out["quality_selection"] = {p: list(g) for p, g in self.quality_selection.items()}
        return out

    def perturbed(self, factor: float) -> RuleParams:
        """The same rule with every selection threshold × factor (fail_bar, share, decline_bar
        capped to (0, 1]; rank_threshold clipped to [0, 1]). low_groups, a whole number of
        groups, moves by one group in the factor's direction (within 1..k)."""
        if not _is_number(factor) or factor <= 0:
            raise ValueError("factor: must be a positive number")
        step = 0 if factor == 1 else (1 if factor > 1 else -1)
        return replace(
            self,
            fail_bar=min(1.0, self.fail_bar * factor),
            share=min(1.0, self.share * factor),
            rank_threshold=float(np.clip(self.rank_threshold * factor, 0.0, 1.0)),
            decline_bar=min(1.0, self.decline_bar * factor),
            low_groups=int(np.clip(self.low_groups + step, 1, self.k)),
        )

    def swi_config(self) -> SwiConfig:
        return SwiConfig(signs=dict(self.swi["signs"]), min_indicators=self.swi["min_indicators"],
                         adverse_stanines=tuple(self.swi["adverse_stanines"]))

    def selection_rule(self) -> dict[str, Any]:
        """The parameters the selection of this kind uses (what the evidence shows as "rule")."""
        keys = {
            "federal": ("kind", "procedures", "subjects", "min_participants", "fail_bar", "min_procedures",
                        "connective"),
            "municipal": ("kind", "procedures", "subjects", "min_participants", "years", "weights", "select",
                          "share", "rank_threshold"),
            "quality": ("kind", "quality_selection", "k", "low_groups", "min_participants"),
        }[self.kind]
        data = self.to_dict()
        return {key: data[key] for key in keys}


DEFAULT_RULE_SETS: dict[str, dict[str, Any]] = {
    kind: RuleParams(kind=kind).to_dict() for kind in KINDS
}


# --- Shared steps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """`schools`: one row per school code given, in their order — school_code, judged,
    low_results, low_score and the kind's own columns; `detail`: long rows behind the verdicts
    (federal: one per school × procedure × year); `summary`: population numbers (e.g. the
    municipal cut)."""

    schools: pd.DataFrame
    detail: pd.DataFrame
    summary: dict[str, Any]


@dataclass(frozen=True)
class Scores:
    """What a selection ranks or thresholds, computed once (it does not depend on the
    thresholds that `perturbed` moves): `decide` turns it into a Selection for any thresholds."""

    kind: str
    year: int
    schools: pd.DataFrame
    detail: pd.DataFrame


def counted(works: pd.DataFrame, min_participants: int) -> pd.DataFrame:
    """Works large enough to count (N ≥ min_participants)."""
    return works[works["participants"].to_numpy() >= min_participants]


def _region_keys(works: pd.DataFrame) -> list[str]:
    """A work and year, within its population when `works` has a population column."""
    return [*WORK, "year", *([POPULATION] if POPULATION in works.columns else [])]


def region_shares(works: pd.DataFrame) -> pd.DataFrame:
    """Regional fail share per work and year, pooled over every pupil of the population:
    procedure, subject, grade, year, (population,) region_fail_share, region_participants."""
    g = works.groupby(_region_keys(works), as_index=False, observed=True)[["fail_count", "participants"]].sum()
    g = g[g["participants"] > 0]
    return g.assign(region_fail_share=g["fail_count"] / g["participants"]).rename(
        columns={"participants": "region_participants"}).drop(columns="fail_count")


def _frame(codes: pd.Index | pd.Series | list[str]) -> pd.DataFrame:
    return pd.DataFrame({"school_code": pd.Index(codes).astype(object)})


def _align(values: pd.Series, codes: pd.Index, fill: Any = np.nan) -> np.ndarray:
    """`values` (indexed by school_code) in the order of `codes`, `fill` where absent."""
    if values.empty:
        return np.full(len(codes), fill)
    values = values.set_axis(pd.Index(values.index.astype(str)))
    position = values.index.get_indexer(codes)
    out: np.ndarray = values.to_numpy()[position]
    if (position < 0).any():
        out = np.where(position >= 0, out, fill)
    return out


def percentile(values: pd.Series, population: np.ndarray | None = None) -> pd.Series:
    """Mid-rank percentile (rank − ½)/n in (0, 1) among the values present (of the same
    population, when given: one code per value); ties share their rank."""
    present = values.dropna().round(12)
    out = pd.Series(np.nan, index=values.index)
    if len(present) and population is None:
        out[present.index] = (present.rank(method="average") - 0.5) / len(present)
    elif len(present):
        groups = present.groupby(pd.Series(population, index=values.index)[present.index].to_numpy())
        out[present.index] = (groups.rank(method="average") - 0.5) / groups.transform("size")
    return out


# --- Federal risk indicator (§5.1) ---------------------------------------------------------------


def federal_scores(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Scores:
    """Per school × procedure × year (year − 1 and year), pooled over the works with enough
    pupils: participants, fail_count, works, fail_share."""
    w = counted(works[works["year"].isin([year - 1, year]).to_numpy()], params.min_participants)
    detail = w.groupby(["school_code", "procedure", "year"], as_index=False, observed=True).agg(
        participants=("participants", "sum"), fail_count=("fail_count", "sum"), works=("participants", "size"))
    detail["fail_share"] = detail["fail_count"] / detail["participants"]
    detail = detail.astype({"school_code": str, "procedure": str}).sort_values(
        ["school_code", "year", "procedure"]).reset_index(drop=True)
    out = _frame(codes)
    judged = detail.loc[detail["year"] == year, "school_code"].unique()
    out["judged"] = out["school_code"].isin(judged).to_numpy()
    return Scores(kind="federal", year=year, schools=out, detail=detail)


def _federal(scores: Scores, params: RuleParams) -> Selection:
    """Low results: ≥ min_procedures procedures failing in the year CONNECTIVE one procedure
    failing in both year − 1 and year (failing: pooled fail share ≥ fail_bar)."""
    detail, year = scores.detail.copy(), scores.year
    detail["failing"] = detail["fail_share"] >= params.fail_bar - _EPS
    codes = pd.Index(scores.schools["school_code"])
    failing = detail[detail["failing"]]
    failing_now = failing[failing["year"] == year].groupby("school_code").size()
    both = failing.groupby(["school_code", "procedure"]).size()
    repeated = both[both == 2].groupby(level="school_code").size()
    out = scores.schools.copy()
    out["failing_procedures"] = _align(failing_now, codes, 0).astype(int)
    out["failing_both_years"] = _align(repeated, codes, 0).astype(int) > 0
    many = out["failing_procedures"] >= params.min_procedures
    out["low_results"] = (many & out["failing_both_years"]) if params.connective == "and" \
        else (many | out["failing_both_years"])
    out["low_score"] = out["failing_procedures"].astype(float)
    return Selection(schools=out, detail=detail, summary={"selected": int(out["low_results"].sum())})


def federal_selection(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Selection:
    """The federal verdict; detail: school_code, procedure, year, participants, fail_count,
    works, fail_share, failing."""
    return _federal(federal_scores(works, codes, year, params), params)


# --- Municipal selection (seed 002) --------------------------------------------------------------

_WORSE_HIGHER = {"core_fail": 1, "core_high": -1, "other_fail": 1, "inclusions": 1, "objectivity": 1}


def municipal_scores(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams,
                     history: pd.DataFrame | None = None, objectivity: pd.Series | None = None,
                     population: pd.Series | None = None) -> Scores:
    """Composite rank over the last `params.years` years: pooled core fail share, pooled core
    high share (lower is worse), pooled fail share in other subjects, earlier inclusions (from
    `history`: school_code, year, included) and the objectivity index (`objectivity`: a series
    indexed by school_code). Schools without a work of N ≥ min_participants in the window are
    not judged. Columns: participants, judged, the criteria values, their percentiles
    (`<criterion>_pct`, worse = higher), composite (weighted mean of the percentiles present).
    `population` (school_code → code): schools are ranked within their population (a
    population column is added)."""
    window = works[works["year"].between(year - params.years + 1, year).to_numpy()]
    w = counted(window, params.min_participants)
    g = w.groupby(["school_code", "core"], observed=True)[["participants", "fail_count", "high_count"]].sum()
    g = g.reset_index().astype({"school_code": str})
    core = g[g["core"]].set_index("school_code")
    other = g[~g["core"]].set_index("school_code")
    codes = pd.Index(codes).astype(str)
    out = _frame(codes)
    out["participants"] = _align(g.groupby("school_code")["participants"].sum(), codes, 0).astype(int)
    out["judged"] = out["participants"] >= params.min_participants
    pops = None
    if population is not None:
        pops = _align(population, codes, None)
        out[POPULATION] = pops
    values = {
        "core_fail": _align(core["fail_count"] / core["participants"], codes),
        "core_high": _align(core["high_count"] / core["participants"], codes),
        "other_fail": _align(other["fail_count"] / other["participants"], codes),
        "inclusions": _align(_earlier_inclusions(history, year), codes, 0.0),
        "objectivity": _align(objectivity.astype(float), codes) if objectivity is not None
        else np.full(len(codes), np.nan),
    }
    weighted = pd.Series(0.0, index=out.index)
    weight_sum = pd.Series(0.0, index=out.index)
    for criterion in CRITERIA:
        value = pd.Series(values[criterion], index=out.index, dtype=float)
        pct = percentile((_WORSE_HIGHER[criterion] * value).where(out["judged"]), pops)
        out[criterion] = value
        out[f"{criterion}_pct"] = pct
        weight = params.weights[criterion]
        if weight > 0:
            weighted += (weight * pct).fillna(0)
            weight_sum += weight * pct.notna()
    out["composite"] = (weighted / weight_sum).where((weight_sum > 0) & out["judged"])
    return Scores(kind="municipal", year=year, schools=out, detail=pd.DataFrame())


def _municipal(scores: Scores, params: RuleParams) -> Selection:
    """The worst round(share × judged) composites (ties with the last one included), or the
    composites ≥ rank_threshold."""
    out = scores.schools.copy()
    if POPULATION in out.columns:
        parts = {pop: _municipal(replace(scores, schools=frame.drop(columns=POPULATION)), params)
                 for pop, frame in out.groupby(POPULATION, sort=False)}
        low = pd.concat([p.schools[["low_results", "low_score"]] for p in parts.values()]).reindex(out.index)
        out["low_results"] = low["low_results"].fillna(False).to_numpy(bool)
        out["low_score"] = low["low_score"].to_numpy(float)
        by_population = {pop: p.summary for pop, p in parts.items()}
        return Selection(schools=out, detail=pd.DataFrame(), summary={"populations": by_population})
    composite = out["composite"]
    summary: dict[str, Any] = {"judged": int(composite.notna().sum())}
    if params.select == "share":
        count = int(math.floor(params.share * summary["judged"] + 0.5))
        ranked = composite.dropna().sort_values(ascending=False)
        cut = float(ranked.iloc[count - 1]) if count > 0 else math.inf
        summary.update(count=count, cut=cut if count > 0 else None)
    else:
        cut = params.rank_threshold
        summary.update(cut=cut)
    out["low_results"] = (composite >= cut - _EPS).fillna(False).astype(bool)
    out["low_score"] = composite
    summary["selected"] = int(out["low_results"].sum())
    return Selection(schools=out, detail=pd.DataFrame(), summary=summary)


def municipal_selection(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams,
                        history: pd.DataFrame | None = None,
                        objectivity: pd.Series | None = None) -> Selection:
    """The municipal verdict (see `municipal_scores`)."""
    return _municipal(municipal_scores(works, codes, year, params, history, objectivity), params)


def _earlier_inclusions(history: pd.DataFrame | None, year: int) -> pd.Series:
    """Years in earlier lists per school (history rows with included true, year < `year`)."""
    if history is None or history.empty:
        return pd.Series(dtype=float)
    earlier = history[(history["year"] < year) & history["included"].astype(bool)]
    return earlier.groupby(earlier["school_code"].astype(str))["year"].nunique().astype(float)


# --- Quality groups (seed 000) -------------------------------------------------------------------


def quality_scores(groups: pd.DataFrame, codes: pd.Index, year: int) -> Scores:
    """`groups`: school_code, quality_group (NA when not grouped: never low)."""
    out = _frame(codes)
    group = pd.to_numeric(groups.set_index(groups["school_code"].astype(str))["quality_group"], errors="coerce")
    out["quality_group"] = _align(group.astype(float), pd.Index(out["school_code"]))
    out["judged"] = out["quality_group"].notna()
    return Scores(kind="quality", year=year, schools=out, detail=pd.DataFrame())


def _quality(scores: Scores, params: RuleParams) -> Selection:
    """Low results: quality group 1..low_groups (1 = lowest mean mark)."""
    out = scores.schools.copy()
    out["low_results"] = (out["quality_group"] <= params.low_groups).fillna(False).astype(bool)
    out["low_score"] = out["quality_group"].astype(float)
    return Selection(schools=out, detail=pd.DataFrame(), summary={"selected": int(out["low_results"].sum())})


def quality_selection(groups: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams) -> Selection:
    return _quality(quality_scores(groups, codes, year), params)


def score(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams, *,
          history: pd.DataFrame | None = None, objectivity: pd.Series | None = None,
          groups: pd.DataFrame | None = None, population: pd.Series | None = None) -> Scores:
    """The threshold-free numbers of `params.kind` (the quality kind needs `groups`); the
    municipal ranks are within each school's `population` when given."""
    if params.kind == "federal":
        return federal_scores(works, codes, year, params)
    if params.kind == "municipal":
        return municipal_scores(works, codes, year, params, history, objectivity, population)
    if groups is None:
        raise ValueError("The quality rule needs the quality groups.")
    return quality_scores(groups, codes, year)


def decide(scores: Scores, params: RuleParams) -> Selection:
    """The verdict of `scores` at the thresholds of `params` (which may be perturbed)."""
    return {"federal": _federal, "municipal": _municipal, "quality": _quality}[scores.kind](scores, params)


def select(works: pd.DataFrame, codes: pd.Index, year: int, params: RuleParams, *,
           history: pd.DataFrame | None = None, objectivity: pd.Series | None = None,
           groups: pd.DataFrame | None = None) -> Selection:
    """The selection of `params.kind`."""
    return decide(score(works, codes, year, params, history=history, objectivity=objectivity, groups=groups), params)


# --- Typology, inclusion, stability --------------------------------------------------------------


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
