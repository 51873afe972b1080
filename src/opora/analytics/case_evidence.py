"""The numbers behind an objectivity case, as pure functions over small pandas frames.

For one work of the school (procedure × year × subject × grade) against the region:

- `score_distribution`: the share of pupils at each primary score, the school's and the region's,
  with the pupils on each mark boundary and one point below it;
- `journal_comparison`: the shares of pupils whose result was below / equal to / above their
  journal mark (lowered / confirmed / raised), the school's and the region's;
- `similar_schools` and `years_against_peers`: the school's result by year against the median
  and the interquartile range of schools of similar context;
- `task_comparison`: completion of each task by the school and the region, ordered by the
  region's completion (easy tasks first), with the hard tasks the school did better than easier ones.

Other schools appear only inside sums, shares and quartiles; no function returns another school's
code or value. A reference of fewer than MIN_PEERS schools is not given (it would show one school).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd

MIN_PEERS = 5  # fewer schools than this give no reference: a quartile of three is a school
DIFFICULTY_GAP = 0.10  # an easier task: the region completes it 10 points more often or more
INVERSION_GAP = 0.15  # a hard task done 15 points better than an easier one is an oddity


@dataclass(frozen=True)
class BoundaryCount:
    mark: int  # 3, 4 or 5
    score: int  # the lowest primary score of the mark
    school_at: float  # share of the school's pupils exactly on the boundary
    school_below: float  # … one point below it
    region_at: float
    region_below: float


@dataclass(frozen=True)
class Distribution:
    scores: list[int]  # 0 … max
    school: list[float]  # share of the school's pupils at each score
    region: list[float]
    school_n: int
    region_n: int
    boundaries: list[BoundaryCount]


@dataclass(frozen=True)
class JournalShares:
    pupils: int  # pupils with both marks
    lowered: float
    confirmed: float
    raised: float


@dataclass(frozen=True)
class Journal:
    school: JournalShares
    region: JournalShares


@dataclass(frozen=True)
class YearPoint:
    year: int
    school: float | None
    median: float | None
    q1: float | None
    q3: float | None
    peers: int  # schools of the reference with a value that year


@dataclass(frozen=True)
class Years:
    measure: str  # "mean_pct" (0–100) or "fail_share" (0–1)
    points: list[YearPoint]


@dataclass(frozen=True)
class TaskRow:
    task: int
    school: float  # completion 0–1
    region: float
    odd: bool  # harder than a task the school did worse on


@dataclass(frozen=True)
class Tasks:
    rows: list[TaskRow]  # the region's easiest first
    inversions: int  # (easier, harder) pairs where the school did the harder one better


def _shares(counts: pd.Series, scores: list[int]) -> tuple[list[float], int]:
    total = int(counts.sum())
    if total == 0:
        return [0.0] * len(scores), 0
    aligned = counts.reindex(scores, fill_value=0)
    return [float(v) / total for v in aligned], total


def score_distribution(counts: pd.DataFrame, school_code: str, max_score: int,
                       boundaries: Sequence[int | None]) -> Distribution | None:
    """Shares by primary score from `counts` (school_code, score, pupils: one row per school and
    score, every school of the region); None when the school has no pupil. `boundaries` are the
    lowest scores of the marks 3, 4, 5 (None: unset)."""
    if counts.empty:
        return None
    frame = counts.assign(score=pd.to_numeric(counts["score"]).round().astype("int64"),
                          pupils=pd.to_numeric(counts["pupils"]).astype("int64"))
    top = max(int(max_score), int(frame["score"].max()))
    scores = list(range(0, top + 1))
    own = frame[frame["school_code"].astype(str) == str(school_code)].groupby("score")["pupils"].sum()
    if int(own.sum()) == 0:
        return None
    school, school_n = _shares(own, scores)
    region, region_n = _shares(frame.groupby("score")["pupils"].sum(), scores)
    found = []
    for mark, edge in zip((3, 4, 5), boundaries, strict=False):
        if edge is None or not 0 < int(edge) <= top:
            continue
        e = int(edge)
        found.append(BoundaryCount(mark, e, school[e], school[e - 1], region[e], region[e - 1]))
    return Distribution(scores, school, region, school_n, region_n, found)


def counts_from_lists(rows: Sequence[tuple[str, Sequence[int]]]) -> pd.DataFrame:
    """(school_code, pupils by primary score 0..max) → the `counts` frame of `score_distribution`."""
    records = [(str(code), score, int(n)) for code, values in rows for score, n in enumerate(values or []) if n]
    return pd.DataFrame(records, columns=["school_code", "score", "pupils"])


def _journal_shares(lowered: float, confirmed: float, raised: float) -> JournalShares | None:
    total = lowered + confirmed + raised
    if total <= 0:
        return None
    return JournalShares(int(total), lowered / total, confirmed / total, raised / total)


def journal_comparison(frame: pd.DataFrame, school_code: str) -> Journal | None:
    """From per-school counts (school_code, lowered, confirmed, raised; missing = not compared):
    the school's shares and the region's (all its pupils with both marks); None without the school's."""
    columns = ["lowered", "confirmed", "raised"]
    if frame.empty:
        return None
    known = frame.dropna(subset=columns)
    values = known[columns].apply(pd.to_numeric).astype("float64")
    own = values[known["school_code"].astype(str) == str(school_code)].sum()
    school = _journal_shares(float(own["lowered"]), float(own["confirmed"]), float(own["raised"]))
    total = values.sum()
    region = _journal_shares(float(total["lowered"]), float(total["confirmed"]), float(total["raised"]))
    if school is None or region is None:
        return None
    return Journal(school, region)


def similar_schools(context: pd.DataFrame, school_code: str,
                    min_peers: int = MIN_PEERS) -> tuple[list[str], str]:
    """Schools of a context like the school's from the run's rows (school_code, swi_stanine,
    quality_group), the school itself left out, and on what they were chosen: "stanine" (social
    well-being within one stanine), "quality" (the same quality group) or "region" (every school)."""
    codes = context["school_code"].astype(str)
    others = context[codes != str(school_code)]
    own = context[codes == str(school_code)]
    if not own.empty:
        stanine = pd.to_numeric(own["swi_stanine"], errors="coerce").iloc[0]
        if pd.notna(stanine):
            near = others[(pd.to_numeric(others["swi_stanine"], errors="coerce") - stanine).abs() <= 1]
            if len(near) >= min_peers:
                return sorted(near["school_code"].astype(str)), "stanine"
        group = pd.to_numeric(own["quality_group"], errors="coerce").iloc[0]
        if pd.notna(group):
            same = others[pd.to_numeric(others["quality_group"], errors="coerce") == group]
            if len(same) >= min_peers:
                return sorted(same["school_code"].astype(str)), "quality"
    return sorted(others["school_code"].astype(str)), "region"


def years_against_peers(frame: pd.DataFrame, school_code: str, peers: Collection[str],
                        min_peers: int = MIN_PEERS) -> Years | None:
    """The school's result by year (frame: school_code, year, mean_pct, fail_share) against the
    median and quartiles of `peers` (codes; the school never counts among them). The mean percent
    when the school has one, else the fail share; None when the school has neither."""
    if frame.empty:
        return None
    codes = frame["school_code"].astype(str)
    own = frame[codes == str(school_code)]
    measure = next((m for m in ("mean_pct", "fail_share") if pd.to_numeric(own[m], errors="coerce").notna().any()),
                   None)
    if measure is None:
        return None
    wanted = {str(p) for p in peers} - {str(school_code)}
    values = pd.to_numeric(frame[measure], errors="coerce")
    points = []
    for year in sorted({int(y) for y in frame["year"]}):
        in_year = frame["year"].astype("int64") == year
        mine = values[in_year & (codes == str(school_code))].dropna()
        theirs = values[in_year & codes.isin(wanted)].dropna()
        enough = len(theirs) >= min_peers
        points.append(YearPoint(
            year=year, school=float(mine.iloc[0]) if len(mine) else None,
            median=float(theirs.median()) if enough else None,
            q1=float(theirs.quantile(0.25)) if enough else None,
            q3=float(theirs.quantile(0.75)) if enough else None,
            peers=len(theirs)))
    return Years(measure, points)


def task_comparison(frame: pd.DataFrame, school_code: str, difficulty_gap: float = DIFFICULTY_GAP,
                    inversion_gap: float = INVERSION_GAP) -> Tasks | None:
    """Completion by task (frame: school_code, task, participants, completion 0–1) of the school
    and of the region (weighted by participants), the region's easiest task first. A task is odd
    when the school did it `inversion_gap` better than a task the region finds `difficulty_gap`
    easier. None when the school has no task figures."""
    if frame.empty:
        return None
    data = frame.assign(task=frame["task"].astype("int64"),
                        participants=pd.to_numeric(frame["participants"]).astype("float64"),
                        completion=pd.to_numeric(frame["completion"]).astype("float64"))
    own = data[data["school_code"].astype(str) == str(school_code)].groupby("task")["completion"].mean()
    if own.empty:
        return None
    weighted = data.assign(done=data["completion"] * data["participants"]).groupby("task")[
        ["done", "participants"]].sum()
    region = (weighted["done"] / weighted["participants"].where(weighted["participants"] > 0)).dropna()
    tasks = [t for t in region.sort_values(ascending=False, kind="stable").index if t in own.index]
    odd: set[int] = set()
    inversions = 0
    for easy in tasks:
        for hard in tasks:
            if (region[easy] - region[hard] >= difficulty_gap - 1e-9
                    and own[hard] - own[easy] >= inversion_gap - 1e-9):
                inversions += 1
                odd.add(int(hard))
    rows = [TaskRow(int(t), float(own[t]), float(region[t]), int(t) in odd) for t in tasks]
    return Tasks(rows, inversions)
