"""Programme indicators (METHODS.md §8) from per-school contributions: pure, no Django.

Every indicator is a share: a numerator over a denominator summed over the programme's schools.
A school contributes its own numerator and denominator (1 and 1 for "the school has positive
dynamics", its diagnosed teachers and its teachers for "share of teachers diagnosed") or nothing
when its data is missing. Missing data is reported, never read as zero: schools without data are
listed, and an indicator with no school holding data has no value at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Contribution:
    """One school's part: `numerator` of `denominator`; both None when its data is missing."""

    school_id: int
    numerator: float | None
    denominator: float | None
    missing: str = ""  # what is missing, for the explanation («нет результатов за 2025 год»)

    @property
    def has_data(self) -> bool:
        return self.numerator is not None and self.denominator is not None and self.denominator > 0


@dataclass(frozen=True)
class Fact:
    value: float | None  # 0–1; None: no school has data
    numerator: float
    denominator: float
    counted: list[int] = field(default_factory=list)  # schools with data, in the order given
    hits: list[int] = field(default_factory=list)  # of them, schools with a non-zero numerator
    missing: dict[int, str] = field(default_factory=dict)  # school → what is missing

    @property
    def complete(self) -> bool:
        return not self.missing


def aggregate(contributions: Iterable[Contribution]) -> Fact:
    """Sum the schools' parts into the indicator's fact.

    >>> aggregate([Contribution(1, 1, 1), Contribution(2, 0, 1), Contribution(3, None, None, "x")]).value
    0.5
    """
    numerator = denominator = 0.0
    counted: list[int] = []
    hits: list[int] = []
    missing: dict[int, str] = {}
    for c in contributions:
        if not c.has_data:
            missing[c.school_id] = c.missing
            continue
        assert c.numerator is not None and c.denominator is not None
        numerator += c.numerator
        denominator += c.denominator
        counted.append(c.school_id)
        if c.numerator > 0:
            hits.append(c.school_id)
    value = numerator / denominator if denominator > 0 else None
    return Fact(value=value, numerator=numerator, denominator=denominator, counted=counted, hits=hits,
                missing=missing)


ACHIEVED, NOT_ACHIEVED, NO_DATA, NO_TARGET = "achieved", "not_achieved", "no_data", "no_target"


def judge(value: float | None, target: float | None, *, higher_is_better: bool = True) -> str:
    """Plan against fact: value and target are shares 0–1."""
    if value is None:
        return NO_DATA
    if target is None:
        return NO_TARGET
    # Percent with one decimal, as targets are written: 79.96% meets an 80% target.
    value_pct, target_pct = round(value * 100, 1), round(target * 100, 1)
    met = value_pct >= target_pct if higher_is_better else value_pct <= target_pct
    return ACHIEVED if met else NOT_ACHIEVED
