"""Demo: visits and consultations with follow-ups (not built yet)."""

from __future__ import annotations


def visits_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    return {}
