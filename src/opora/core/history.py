"""Readable change history (who, when, what changed) from django-simple-history records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str  # created | changed | deleted
    subject: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model: type[models.Model], name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        f = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - m2m or removed field: show the raw value
        return str(value)
    if isinstance(f, models.Field) and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, list):  # m2m: a list of through-rows as dicts
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    try:
        f = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return name
    return str(f.verbose_name) if isinstance(f, models.Field) else name  # a relation's other end: no label


def entries_for(
    records: list[Any], *, model: type[models.Model], subject: str, hidden: set[str] | None = None
) -> list[HistoryEntry]:
    """Turn one object's historical records (oldest first) into entries with field diffs."""
    hidden = (hidden or set()) | {"id"}
    result: list[HistoryEntry] = []
    previous = None
    for record in records:
        who = str(record.history_user) if record.history_user else _("system")
        entry = HistoryEntry(
            when=record.history_date, who=who, action=ACTIONS[record.history_type], subject=subject
        )
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden:
                    continue
                entry.changes.append(
                    FieldChange(
                        label=_label(model, change.field),
                        old=_display(model, change.field, change.old),
                        new=_display(model, change.field, change.new),
                    )
                )
            if not entry.changes:
                previous = record
                continue
        elif record.history_type == "+":
            for f in model._meta.concrete_fields:
                if f.name in hidden or f.name == "password":
                    continue
                value = getattr(record, f.attname, None)
                if value not in (None, ""):
                    if f.is_relation:
                        value = getattr(record, f.name, value)
                    entry.changes.append(
                        FieldChange(label=str(f.verbose_name), old="", new=_display(model, f.name, value))
                    )
        result.append(entry)
        previous = record
    return result


def merged(*groups: list[HistoryEntry]) -> list[HistoryEntry]:
    """Entries of several objects, newest first."""
    return sorted((e for g in groups for e in g), key=lambda e: e.when, reverse=True)
