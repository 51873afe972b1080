"""What changed between two revisions of a document, section by section (pure: no database).

Text sections get a word-level diff (runs of kept, inserted and deleted words); list sections and
the roadmap's measures are compared item by item by position: added, removed, or changed with
each changed field shown old → new. Unchanged sections are marked so the page can collapse them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opora.plans.content import MEASURES, SECTIONS, Field
from opora.plans.models import MeasureStatus

# The fields of a serialised measure (services.review.measures_snapshot) beyond the plan's fields.
MEASURE_EXTRA = (Field("factor", _("risk factor"), required=False), Field("status", _("status"), required=False))
TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Run:
    op: str  # "same" | "ins" | "del"
    text: str


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str | Promise
    old: str
    new: str


@dataclass
class ItemDiff:
    index: int  # 1-based position
    status: str  # "added" | "removed" | "changed" | "same"
    title: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    values: list[FieldChange] = field(default_factory=list)  # every field (for added/removed items)


@dataclass
class SectionDiff:
    key: str
    title: str | Promise
    type: str
    changed: bool = False
    runs: list[Run] = field(default_factory=list)  # text sections
    items: list[ItemDiff] = field(default_factory=list)  # list and measures sections

    @property
    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for item in self.items:
            if item.status in out:
                out[item.status] += 1
        return out


def text_runs(old: str, new: str) -> list[Run]:
    """Word-level diff of two texts as runs. Whitespace between two changes joins them, so «одну
    смену» → «две смены» reads as one deletion and one insertion."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    groups: list[list[str]] = []  # [kind, deleted or kept text, inserted text]
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        kept = "".join(a[i1:i2])
        between = 0 < n < len(opcodes) - 1 and not kept.strip()
        if op == "equal" and not between:
            groups.append(["same", kept, ""])
            continue
        deleted, inserted = "".join(a[i1:i2]), "".join(b[j1:j2])
        if groups and groups[-1][0] == "change":
            groups[-1][1] += deleted
            groups[-1][2] += inserted
        else:
            groups.append(["change", deleted, inserted])
    runs: list[Run] = []
    for kind, first, second in groups:
        if kind == "same":
            runs.append(Run("same", first))
            continue
        runs += [Run("del", first)] if first else []
        runs += [Run("ins", second)] if second else []
    return runs


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _shown(item: dict[str, Any], key: str) -> str:
    value = _str(item.get(key))
    if key == "status" and value in MeasureStatus.values:
        return str(MeasureStatus(value).label)
    return value


def _title(item: dict[str, Any], fields: tuple[Field, ...]) -> str:
    for key in ("title", "name", "text"):
        if _str(item.get(key)).strip():
            return _str(item.get(key)).strip()
    return next((_str(item.get(f.key)) for f in fields if _str(item.get(f.key)).strip()), "")


def list_items(old: list[Any], new: list[Any], fields: tuple[Field, ...]) -> list[ItemDiff]:
    out = []
    for i in range(max(len(old), len(new))):
        a = old[i] if i < len(old) and isinstance(old[i], dict) else None
        b = new[i] if i < len(new) and isinstance(new[i], dict) else None
        if a is None and b is not None:
            out.append(ItemDiff(i + 1, "added", _title(b, fields),
                                values=[FieldChange(f.key, f.label, "", _shown(b, f.key)) for f in fields]))
        elif b is None and a is not None:
            out.append(ItemDiff(i + 1, "removed", _title(a, fields),
                                values=[FieldChange(f.key, f.label, _shown(a, f.key), "") for f in fields]))
        elif a is not None and b is not None:
            changes = [FieldChange(f.key, f.label, _shown(a, f.key), _shown(b, f.key))
                       for f in fields if _str(a.get(f.key)) != _str(b.get(f.key))]
            out.append(ItemDiff(i + 1, "changed" if changes else "same", _title(b, fields), changes))
    return out


def revision_diff(old: dict[str, Any], new: dict[str, Any], kind: str) -> list[SectionDiff]:
    """Per section of the kind (in order): the text runs or the item changes from `old` to `new`."""
    out = []
    for section in SECTIONS[kind]:
        a, b = (old or {}).get(section.key), (new or {}).get(section.key)
        diff = SectionDiff(section.key, section.title, section.type)
        if section.type in ("list", "measures"):
            fields = section.fields if section.type == "list" else MEASURES + MEASURE_EXTRA
            diff.items = list_items(a if isinstance(a, list) else [], b if isinstance(b, list) else [], fields)
            diff.changed = any(item.status != "same" for item in diff.items)
        elif section.type == "text" or isinstance(a, str) or isinstance(b, str):
            diff.runs = text_runs(_str(a), _str(b))
            diff.changed = any(run.op != "same" for run in diff.runs)
        else:  # read-only data (risk levels): only whether it changed
            diff.changed = a != b
        out.append(diff)
    return out
