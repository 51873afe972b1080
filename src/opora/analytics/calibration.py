"""Judging a school's number against the region's own schools, at a stated false-positive rate.

A school's statistic x_i (its change, its standing, its excess at a boundary …) is noisy in two
ways: sampling noise of its own pupils (variance v_i, known from the counts) and the real
variation ordinary schools show (variance τ², the same for all: cohorts differ, schools differ).
Under that model an ordinary school's z_i = (x_i − m) / √(τ² + v_i) is about standard normal,
so marking z_i ≥ z_α marks a share α of ordinary schools, whatever their size.

m and τ² are read off the region's schools robustly, so that the few unusual schools the flag is
looking for do not widen the yardstick: m is the median of x, and τ² the smallest value ≥ 0 for
which the median of |x_i − m| / √(τ² + v_i) is 0.6745, the median of |z| for a standard normal
(the MAD equation with known sampling variances). When sampling noise alone explains the spread,
τ² = 0. Fewer than MIN_SCHOOLS schools give no yardstick (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

MIN_SCHOOLS = 10  # a spread read off fewer schools is no yardstick
_HALF_NORMAL_MEDIAN = float(norm.ppf(0.75))  # 0.6745
_ROUNDS = 60


@dataclass(frozen=True)
class Yardstick:
    """The region's centre, real variance between ordinary schools and the schools it was read from."""

    centre: float
    tau2: float
    schools: int

    @property
    def known(self) -> bool:
        return bool(np.isfinite(self.centre) and np.isfinite(self.tau2))

    def z(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        """(x − centre) / √(τ² + v); NaN where x is unknown or without a yardstick."""
        x = np.asarray(x, dtype=float)
        v = np.nan_to_num(np.asarray(v, dtype=float), nan=0.0)
        if not self.known:
            return np.full(x.shape, np.nan)
        total = self.tau2 + np.maximum(v, 0.0)
        deviation = x - self.centre
        with np.errstate(divide="ignore", invalid="ignore"):
            # No spread and no noise: a school on the centre is at 0, any other infinitely far.
            flat = np.where(np.abs(deviation) <= 1e-12, 0.0, np.sign(deviation) * np.inf)
            return np.where(total > 0, deviation / np.sqrt(total), np.where(np.isnan(x), np.nan, flat))


def yardstick(x: np.ndarray, v: np.ndarray | None = None) -> Yardstick:
    """The robust centre and between-school variance of the statistics `x` with sampling variances
    `v` (None or NaN: no sampling noise known)."""
    x = np.asarray(x, dtype=float)
    v = np.zeros_like(x) if v is None else np.nan_to_num(np.asarray(v, dtype=float), nan=0.0)
    keep = np.isfinite(x)
    x, v = x[keep], np.maximum(v[keep], 0.0)
    if len(x) < MIN_SCHOOLS:
        return Yardstick(float("nan"), float("nan"), int(len(x)))
    centre = float(np.median(x))
    dev = np.abs(x - centre)

    def spread(tau2: float) -> float:
        total = tau2 + v
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(total > 0, dev / np.sqrt(total), np.where(dev > 0, np.inf, 0.0))
        return float(np.median(ratio))

    if spread(0.0) <= _HALF_NORMAL_MEDIAN:
        return Yardstick(centre, 0.0, int(len(x)))
    high = max(float(np.median(dev) / _HALF_NORMAL_MEDIAN) ** 2, 1e-12)
    while spread(high) > _HALF_NORMAL_MEDIAN:
        high *= 4.0
    low = 0.0
    for _ in range(_ROUNDS):
        mid = (low + high) / 2
        if spread(mid) > _HALF_NORMAL_MEDIAN:
            low = mid
        else:
            high = mid
    return Yardstick(centre, high, int(len(x)))


def bar(rate: float) -> float:
    """The one-sided z a share `rate` of ordinary schools passes by chance."""
    return float(norm.isf(rate))
