"""Quality index and quality groups (METHODS.md §5.3, the Sverdlovsk practice).

Both read `works` (one row per school × procedure × year × subject × grade, the columns of
WORK_FEATURE_COLUMNS) and keep only the rows of `year` whose subject is core (Russian or
mathematics) and whose (procedure, grade) is in `selection` (procedure → grades; default ВПР 5–6
and ОГЭ 9).

- Quality index: the N-weighted mean of mean_pct / 100 over those rows (a row without mean_pct
  counts in neither the sum nor the weights).
- Quality groups: k-means on each school's distribution of marks 2/3/4/5 (summed over those rows),
  groups numbered 1..k by the mean mark of their centroid, 1 = lowest. Schools with too few marks
  are not clustered (a distribution of a handful of pupils is noise) and keep a reason code.

Every school that appears in `works` gets a row, so a school without the selected works is shown
as such rather than silently missing. Pandas over school-level rows, vectorised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

# Reasons are stable codes; the page translates them.
REASON_SMALL_GROUP = "small_group"
REASON_NO_MARKS = "no_marks"
DEFAULT_SELECTION: dict[str, tuple[int, ...]] = {"vpr": (5, 6), "oge": (9,)}
MARKS = ("mark2", "mark3", "mark4", "mark5")
SHARES = ("share2", "share3", "share4", "share5")
_MARK_VALUES = np.array([2.0, 3.0, 4.0, 5.0])

QUALITY_INDEX_COLUMNS = ["school_code", "quality_index", "quality_participants", "quality_within_var"]
QUALITY_SCHOOL_COLUMNS = ["school_code", "quality_group", *SHARES, "mean_mark", "participants", "reason"]
QUALITY_GROUP_COLUMNS = ["group", "schools", *SHARES, "mean_mark"]
_REQUIRED = ["school_code", "procedure", "year", "grade", "core"]


@dataclass(frozen=True)
class QualityGroups:
    """`schools` (QUALITY_SCHOOL_COLUMNS): quality_group (Int64 1..k, NA when not clustered),
    the shares of marks 2..5, mean_mark (from the shares), participants (marks counted over the
    selected works), reason ('' / REASON_SMALL_GROUP / REASON_NO_MARKS). `groups`
    (QUALITY_GROUP_COLUMNS): one row per group, its number of schools and centroid (the mean of its
    schools' shares) with the centroid's mean mark — the distribution chart."""

    schools: pd.DataFrame
    groups: pd.DataFrame


def _selected(works: pd.DataFrame, selection: Mapping[str, Sequence[int]] | None, year: int,
              needed: Sequence[str]) -> pd.DataFrame:
    """The core rows of `year` in the selected procedures and grades."""
    absent = [c for c in [*_REQUIRED, *needed] if c not in works.columns]
    if absent:
        raise ValueError(f"Missing columns for the quality measures: {', '.join(absent)}.")
    selection = DEFAULT_SELECTION if selection is None else selection
    if not selection:
        raise ValueError("The quality selection needs at least one procedure and grade.")
    pairs = pd.MultiIndex.from_tuples(
        [(str(procedure), int(grade)) for procedure, grades in selection.items() for grade in grades])
    grade = pd.to_numeric(works["grade"], errors="coerce").fillna(-1).astype(int)
    chosen = pd.MultiIndex.from_arrays([works["procedure"].astype(str), grade]).isin(pairs)
    core = works["core"].fillna(False).astype(bool).to_numpy()
    this_year = (pd.to_numeric(works["year"], errors="coerce") == year).to_numpy()
    return works.loc[chosen & core & this_year]


def _all_schools(works: pd.DataFrame) -> pd.Index:
    return pd.Index(pd.unique(works["school_code"]), name="school_code").sort_values()


def quality_index(works: pd.DataFrame, selection: Mapping[str, Sequence[int]] | None, year: int) -> pd.DataFrame:
    """QUALITY_INDEX_COLUMNS for every school in `works`: quality_index (0–1, NaN without a
    mean_pct in the selected works), quality_participants (the N it is weighted over) and
    quality_within_var, the pupils' variance of the score share pooled over those works,
    Σ N·(pct_sd/100)² / Σ N (NaN where no work carries pct_sd), so that the index's sampling
    variance is quality_within_var / quality_participants."""
    rows = _selected(works, selection, year, ["participants", "mean_pct"])
    pct = pd.to_numeric(rows["mean_pct"], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(rows["participants"], errors="coerce").to_numpy(dtype=float)
    usable = ~np.isnan(pct) & (n > 0)
    sd = (pd.to_numeric(rows["pct_sd"], errors="coerce").to_numpy(dtype=float) if "pct_sd" in rows.columns
          else np.full(len(rows), np.nan)) / 100.0
    spread = usable & ~np.isnan(sd)
    parts = pd.DataFrame({"school_code": rows["school_code"].to_numpy(),
                          "weighted": np.where(usable, n * pct / 100.0, 0.0),
                          "n": np.where(usable, n, 0.0),
                          "var": np.where(spread, n * sd**2, 0.0), "var_n": np.where(spread, n, 0.0)})
    sums = parts.groupby("school_code")[["weighted", "n", "var", "var_n"]].sum().reindex(
        _all_schools(works), fill_value=0.0)
    out = pd.DataFrame({
        "quality_index": (sums["weighted"] / sums["n"]).where(sums["n"] > 0),
        "quality_participants": sums["n"].round().astype("int64"),
        "quality_within_var": (sums["var"] / sums["var_n"]).where(sums["var_n"] > 0),
    })
    return out.reset_index()[QUALITY_INDEX_COLUMNS]


def _clusters(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Group labels 1..g (g ≤ k) ordered by the centroid's mean mark; k-means needs at least as
    many distinct points as clusters, so k is cut to the distinct distributions."""
    distinct = len(np.unique(points, axis=0))
    # One thread: on a few hundred points OpenMP start-up and spinning cost ~50× the clustering itself.
    with threadpool_limits(limits=1, user_api="openmp"):
        model = KMeans(n_clusters=min(k, distinct), n_init=10, random_state=seed).fit(points)
    labels = model.labels_
    # Centroids recomputed from the final labels, so the chart matches the schools listed.
    centroids = pd.DataFrame(points).groupby(labels).mean()
    mean_mark = centroids.to_numpy() @ _MARK_VALUES
    # Ties in mean mark (rare) are broken by the shares so the numbering never depends on k-means' labels.
    keys = [centroids[j].to_numpy() for j in reversed(range(points.shape[1]))]
    order = centroids.index.to_numpy()[np.lexsort([*keys, mean_mark])]
    renumber = np.empty(labels.max() + 1, dtype=int)
    renumber[order] = np.arange(1, len(order) + 1)
    renumbered: np.ndarray = renumber[labels]
    return renumbered


def quality_groups(works: pd.DataFrame, selection: Mapping[str, Sequence[int]] | None, year: int, k: int = 9,
                   min_participants: int = 10, seed: int = 0, population: pd.Series | None = None) -> QualityGroups:
    """Cluster the schools of `works` by their pupils' marks in the selected works of `year`.

    A school with no marks there gets REASON_NO_MARKS; one with fewer than `min_participants`
    marks gets REASON_SMALL_GROUP and its shares but no group. The rest go to k-means
    (scikit-learn, `n_init=10`, `random_state=seed`: the same input gives the same groups; the
    schools are sorted by code first, so neither does their order in `works` matter).

    `population` (school_code → code): the schools of each population are clustered on their
    own, as if by one call each; `groups` then starts with a population column."""
    if k < 1:
        raise ValueError("The number of quality groups must be at least 1.")
    rows = _selected(works, selection, year, MARKS)
    marks = rows[list(MARKS)].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    counts = marks.groupby(rows["school_code"].to_numpy()).sum()
    counts = counts.reindex(_all_schools(works), fill_value=0.0)
    total = counts.sum(axis=1).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts.to_numpy() / total[:, None]
    shares[total <= 0] = np.nan

    reason = np.select([total <= 0, total < min_participants], [REASON_NO_MARKS, REASON_SMALL_GROUP], default="")
    clustered = reason == ""
    group = pd.array([pd.NA] * len(total), dtype="Int64")
    pops = None if population is None else population.reindex(counts.index.astype(str)).to_numpy()
    if population is None and clustered.any():
        group[clustered] = _clusters(shares[clustered], k, seed)
    elif clustered.any():
        codes, names = pd.factorize(pops)
        for i in range(len(names)):
            chosen = clustered & (codes == i)
            if chosen.any():
                group[chosen] = _clusters(shares[chosen], k, seed)

    schools = pd.DataFrame({"school_code": counts.index.to_numpy(), "quality_group": group})
    for j, name in enumerate(SHARES):
        schools[name] = shares[:, j]
    schools["mean_mark"] = shares @ _MARK_VALUES
    schools["participants"] = total.round().astype("int64")
    schools["reason"] = reason

    members = schools[clustered]
    keys = ["quality_group"] if pops is None else ["population", "quality_group"]
    if pops is not None:
        members = members.assign(population=pops[clustered])
    by = members.groupby(keys, sort=True)
    groups = by[list(SHARES)].mean().join(by.size().rename("schools"))
    groups["mean_mark"] = groups[list(SHARES)].to_numpy() @ _MARK_VALUES
    groups = groups.rename_axis([*keys[:-1], "group"]).reset_index()
    groups["group"] = groups["group"].astype("int64")
    return QualityGroups(schools=schools[QUALITY_SCHOOL_COLUMNS], groups=groups[[*keys[:-1], *QUALITY_GROUP_COLUMNS]])
