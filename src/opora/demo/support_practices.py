"""Demo: practices in the bank, published and under review (not built yet)."""

from __future__ import annotations


def practices_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    return {}
