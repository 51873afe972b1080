"""Demo: meetings with decisions, owners and evidence (not built yet)."""

from __future__ import annotations


def meetings_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    return {}
