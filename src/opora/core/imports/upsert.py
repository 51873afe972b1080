"""Writing imported rows: create the new, update only what changed, leave the rest untouched.

Untouched rows get no history row, so applying the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from opora.core.models import User

M = TypeVar("M", bound=models.Model)
BATCH_SIZE = 500


@dataclass(frozen=True)
class UpsertCounts:
    created: int
    updated: int
    unchanged: int


def upsert(
    *,
    model: type[M],
    actor: User,
    items: Iterable[tuple[M | None, dict[str, Any], dict[str, Any]]],
) -> UpsertCounts:
    """Apply `items`: (the stored object or None, its key fields, the values it should have).

    Runs inside the caller's transaction; history rows are attributed to `actor`.
    """
    to_create: list[M] = []
    to_update: list[M] = []
    changed: set[str] = set()
    unchanged = 0
    for current, keys, values in items:
        if current is None:
            to_create.append(model(**keys, **values))
            continue
        diff = {name for name, value in values.items() if getattr(current, name) != value}
        if not diff:
            unchanged += 1
            continue
        for name in diff:
            setattr(current, name, values[name])
        changed |= diff
        to_update.append(current)
    if to_create:
        bulk_create_with_history(to_create, model, batch_size=BATCH_SIZE, default_user=actor)
    if to_update:
        bulk_update_with_history(
            to_update, model, sorted(changed), batch_size=BATCH_SIZE, default_user=actor
        )
    return UpsertCounts(created=len(to_create), updated=len(to_update), unchanged=unchanged)
