"""Tolerant reads of a school's stored evidence (the JSON of `opora.analytics.identify`): a key
missing or of an unexpected shape reads as empty rather than breaking the page."""

from __future__ import annotations

from typing import Any, TypeGuard


def is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value \
        and value not in (float("inf"), float("-inf"))


def as_dict(value: Any) -> dict[str, Any]:
    """A mapping read from a run's stored JSON, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def records(value: Any) -> list[dict[str, Any]]:
    """The dict items of an evidence list (anything else: none)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def part_of(row: Any, key: str) -> dict[str, Any]:
    """One flag's part of a row's evidence."""
    evidence = getattr(row, "evidence", None)
    return as_dict(as_dict(evidence).get(key))
