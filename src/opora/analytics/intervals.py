"""Wilson score intervals for shares, as plain numbers and as Ibis expressions."""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

Z95 = 1.96


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson interval of the share k/n. With n = 0 nothing is known: (0, 1)."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_expr(k: ir.NumericValue, n: ir.NumericValue, z: float = Z95) -> tuple[ir.FloatingValue, ir.FloatingValue]:
    """The same interval for columns of counts (n > 0 assumed: groups are never empty)."""
    nf = n.cast("float64")
    p = k.cast("float64") / nf
    z2 = z * z
    denominator = 1 + z2 / nf
    centre = (p + z2 / (2 * nf)) / denominator
    half = z * (p * (1 - p) / nf + z2 / (4 * nf * nf)).sqrt() / denominator
    low = ibis.greatest(centre - half, 0.0)
    high = ibis.least(centre + half, 1.0)
    return low, high
