"""Demo: the municipal plan of events, invitations and attendance (not built yet)."""

from __future__ import annotations


def events_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    return {}
