"""The settings of the objectivity signs (a rule set may edit every field) and the sign codes."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

ABOVE_REGION = "above_region"
INVERTED_DIFFICULTY = "inverted_difficulty"
BOUNDARY_PEAK = "boundary_peak"
JOURNAL_GAP = "journal_gap"
UNSTABLE_JUMP = "unstable_jump"
SIGNS = (ABOVE_REGION, INVERTED_DIFFICULTY, BOUNDARY_PEAK, JOURNAL_GAP, UNSTABLE_JUMP)


def _check_number(name: str, value: Any, *, integer: bool = False, low: float | None = None,
                  high: float | None = None, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(float(value)):
        raise ValueError(f"{name}: must be a number")
    if integer and value != int(value):
        raise ValueError(f"{name}: must be a whole number")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name}: must be {'greater than' if low_open else 'at least'} {low:g}")
    if high is not None and value > high:
        raise ValueError(f"{name}: must be at most {high:g}")
    return int(value) if integer else float(value)


def _check_codes(name: str, value: Any, *, empty: bool) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{name}: must be a list of procedure codes")
    if not empty and not value:
        raise ValueError(f"{name}: must not be empty")
    if any(not isinstance(code, str) or not code for code in value):
        raise ValueError(f"{name}: every code must be a non-empty string")
    return tuple(value)


@dataclass(frozen=True)
class ObjectivityConfig:
    """The thresholds of the five signs (a rule set may edit every field)."""

    procedures: tuple[str, ...] = ("vpr",)
    confirm_procedures: tuple[str, ...] = ("oge", "ege")
    min_participants: int = 10
    above_sd: float = 1.5
    hard_bar: float = 0.30
    easy_bar: float = 0.70
    rank_corr_min: float = 0.3
    min_tasks: int = 8
    peak_ratio: float = 3.0
    peak_min_participants: int = 30
    journal_gap_share: float = 0.15
    journal_min: int = 10
    imbalance_share: float = 0.30
    jump_sd: float = 2.0
    # The share of ordinary schools a sign marks by chance (calibration.py): the bar of each sign.
    false_positive_rate: float = 0.01
    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIGNS, 1.0))

    def __post_init__(self) -> None:
        checked: dict[str, Any] = {
            "procedures": _check_codes("procedures", self.procedures, empty=False),
            "confirm_procedures": _check_codes("confirm_procedures", self.confirm_procedures, empty=True),
            "min_participants": _check_number("min_participants", self.min_participants, integer=True, low=1),
            "above_sd": _check_number("above_sd", self.above_sd, low=0, low_open=True),
            "hard_bar": _check_number("hard_bar", self.hard_bar, low=0, high=1),
            "easy_bar": _check_number("easy_bar", self.easy_bar, low=0, high=1),
            "rank_corr_min": _check_number("rank_corr_min", self.rank_corr_min, low=-1, high=1),
            "min_tasks": _check_number("min_tasks", self.min_tasks, integer=True, low=3),
            "peak_ratio": _check_number("peak_ratio", self.peak_ratio, low=1, low_open=True),
            "peak_min_participants": _check_number("peak_min_participants", self.peak_min_participants,
                                                   integer=True, low=1),
            "journal_gap_share": _check_number("journal_gap_share", self.journal_gap_share, low=0, high=1,
                                               low_open=True),
            "journal_min": _check_number("journal_min", self.journal_min, integer=True, low=1),
            "imbalance_share": _check_number("imbalance_share", self.imbalance_share, low=0, high=1,
                                             low_open=True),
            "jump_sd": _check_number("jump_sd", self.jump_sd, low=0, low_open=True),
            "false_positive_rate": _check_number("false_positive_rate", self.false_positive_rate, low=0,
                                                 high=0.2, low_open=True),
        }
        if checked["hard_bar"] >= checked["easy_bar"]:
            raise ValueError("hard_bar: must be below easy_bar")
        if not isinstance(self.weights, Mapping):
            raise ValueError("weights: must map sign codes to numbers")
        unknown = sorted(str(k) for k in self.weights if k not in SIGNS)
        if unknown:
            raise ValueError(f"weights: unknown sign {', '.join(unknown)}")
        weights = dict.fromkeys(SIGNS, 1.0)  # a sign left out keeps its default weight
        weights.update({k: _check_number(f"weights.{k}", v, low=0) for k, v in self.weights.items()})
        checked["weights"] = weights
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["procedures"] = list(self.procedures)
        data["confirm_procedures"] = list(self.confirm_procedures)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ObjectivityConfig:
        """A config from a (partial) dict; missing fields keep their defaults."""
        if not isinstance(data, Mapping):
            raise ValueError("objectivity: must be a mapping of settings")
        names = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in data if k not in names)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown setting")
        return cls(**dict(data))


