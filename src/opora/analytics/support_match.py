"""Who could support a school: schools of a similar social context with clearly better results,
nearby first (no Django: plain rows in, ranked candidates with their numbers out).

Inputs are `MatchRow`s, one per school of the region: the municipality, the settlement and type,
the distance to the municipal centre, and — when an identification run exists — the social
well-being index (SWI, 1–9), the quality index (0–1) or, without it, the result, and the flags.

Two modes:
- "identification": the target school has an SWI and a quality figure. A candidate qualifies when
  its SWI is within `swi_tolerance` of the target's, its quality is better by at least the gap
  (`quality_gap` on the 0–1 quality index; `result_gap_share` of the target's result when only the
  result is known), and it is neither listed this year nor flagged low-results / decline-risk.
- "context": no identification data for the target. Candidates are ranked by the same
  municipality, the same settlement and type; only listed/flagged schools are left out.

Ranking in both modes: the same municipality first, then the nearer (distance band of 25 km via
the municipal centre), then the closer social context, then the larger gain in results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

IDENTIFICATION = "identification"
CONTEXT = "context"
QUALITY_INDEX = "quality_index"
RESULT = "result"
DISTANCE_BAND_KM = 25.0


@dataclass(frozen=True)
class MatchRow:
    school_id: int
    municipality_id: int
    settlement: str = ""
    school_type: str = ""
    distance_km: float | None = None  # to the municipal centre
    swi: float | None = None
    quality_index: float | None = None
    result: float | None = None
    low_results: bool = False
    decline_risk: bool = False
    resilient: bool = False
    listed: bool = False  # in the year's approved list
    active: bool = True


@dataclass(frozen=True)
class Candidate:
    """One suggested school and the numbers behind the suggestion."""

    school_id: int
    rank: int
    mode: str
    same_municipality: bool
    same_settlement: bool
    same_type: bool
    distance_km: float | None  # estimated road via the municipal centre (same municipality only)
    swi: float | None = None
    swi_diff: float | None = None  # |candidate − target|
    metric: str = ""  # quality_index | result
    quality: float | None = None
    quality_diff: float | None = None  # candidate − target (positive: better)
    resilient: bool = False


def _distance(target: MatchRow, row: MatchRow) -> float | None:
    if target.municipality_id != row.municipality_id:
        return None
    if target.distance_km is None or row.distance_km is None:
        return None
    return round(target.distance_km + row.distance_km, 1)


def _band(distance: float | None) -> int:
    return 10_000 if distance is None else int(distance // DISTANCE_BAND_KM)


def _metric(target: MatchRow) -> str:
    if target.swi is None:
        return ""
    if target.quality_index is not None:
        return QUALITY_INDEX
    if target.result is not None:
        return RESULT
    return ""


def _excluded(target: MatchRow, row: MatchRow) -> bool:
    return row.school_id == target.school_id or not row.active or row.listed or row.low_results or row.decline_risk


def rank_candidates(target: MatchRow, rows: Iterable[MatchRow], *, swi_tolerance: float = 1.0,
                    quality_gap: float = 0.05, result_gap_share: float = 0.05,
                    limit: int = 10) -> list[Candidate]:
    """Candidates for supporting `target`, best first (at most `limit`)."""
    metric = _metric(target)
    scored: list[tuple[tuple[float, ...], Candidate]] = []
    for row in rows:
        if _excluded(target, row):
            continue
        same_mun = row.municipality_id == target.municipality_id
        same_settlement = bool(target.settlement) and row.settlement == target.settlement
        same_type = bool(target.school_type) and row.school_type == target.school_type
        distance = _distance(target, row)
        if metric:
            value = getattr(row, metric)
            own = getattr(target, metric)
            if row.swi is None or value is None or own is None or target.swi is None:
                continue
            swi_diff = abs(row.swi - target.swi)
            gain = value - own
            gap = quality_gap if metric == QUALITY_INDEX else abs(own) * result_gap_share
            if swi_diff > swi_tolerance or gain < gap or gain <= 0:
                continue
            candidate = Candidate(
                school_id=row.school_id, rank=0, mode=IDENTIFICATION, same_municipality=same_mun,
                same_settlement=same_settlement, same_type=same_type, distance_km=distance,
                swi=row.swi, swi_diff=round(swi_diff, 2), metric=metric, quality=value,
                quality_diff=round(gain, 3), resilient=row.resilient)
            key: tuple[float, ...] = (not same_mun, _band(distance), round(swi_diff * 2) / 2, -gain, row.school_id)
        else:
            candidate = Candidate(
                school_id=row.school_id, rank=0, mode=CONTEXT, same_municipality=same_mun,
                same_settlement=same_settlement, same_type=same_type, distance_km=distance)
            key = (not same_mun, not same_settlement, not same_type, _band(distance), row.school_id)
        scored.append((key, candidate))
    scored.sort(key=lambda pair: pair[0])
    out = []
    for rank, (_key, candidate) in enumerate(scored[:limit], start=1):
        out.append(Candidate(**{**candidate.__dict__, "rank": rank}))
    return out


def mode_for(target: MatchRow) -> str:
    """Which mode `rank_candidates` uses for this target."""
    return IDENTIFICATION if _metric(target) else CONTEXT
