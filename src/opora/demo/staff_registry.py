"""Demo: the staff registry and vacancies of the demo schools (not built yet)."""

from __future__ import annotations


def staff_registry_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    return {}
