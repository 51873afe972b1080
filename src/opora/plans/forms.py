"""The edit form of a document, built from `content.SECTIONS`.

A text section is a form with one textarea (prefix: the section key); a list section is a formset
(prefix: the section key) whose rows can be added and removed with plain POST buttons: the page
re-renders with everything typed kept. Nothing is required here: the service checks types on save,
`checks.submit_problems` checks completeness on submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import formset_factory

from opora.plans.content import SECTIONS, Section

MAX_ROWS = 200


class TextSectionForm(forms.Form):
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6}))


def _field(f: Any) -> forms.Field:
    if f.type == "text":
        return forms.CharField(label=f.label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    if f.type == "date":
        # A CharField: a mistyped date comes back as typed and the service names it.
        return forms.CharField(label=f.label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
    if f.type == "number":
        return forms.CharField(label=f.label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    return forms.CharField(label=f.label, required=False)


def item_form_class(section: Section) -> type[forms.Form]:
    return type(f"{section.key.title()}ItemForm", (forms.Form,), {f.key: _field(f) for f in section.fields})


@dataclass
class SectionForm:
    section: Section
    editable: bool
    form: forms.Form | None = None
    formset: Any = None
    value: Any = None  # read-only sections: the stored value


def build(kind: str, content: dict[str, Any], editable: list[str]) -> list[SectionForm]:
    """Unbound forms filled with `content` (the stored one, or what the user typed)."""
    result = []
    for s in SECTIONS[kind]:
        value = content.get(s.key)
        if s.key not in editable or s.type not in ("text", "list"):
            result.append(SectionForm(s, False, value=value))
        elif s.type == "text":
            result.append(SectionForm(s, True, form=TextSectionForm(prefix=s.key, initial={"text": value or ""})))
        else:
            formset_class = formset_factory(item_form_class(s), extra=0)
            rows = value if isinstance(value, list) else []
            result.append(SectionForm(s, True, formset=formset_class(prefix=s.key, initial=rows)))
    return result


def _count(data: Any, prefix: str) -> int:
    try:
        return max(0, min(MAX_ROWS, int(data.get(f"{prefix}-TOTAL_FORMS", 0))))
    except (TypeError, ValueError):
        return 0


def parse(kind: str, data: Any, editable: list[str]) -> dict[str, Any]:
    """The editable sections as the user typed them (rows kept even when empty, for re-rendering)."""
    content: dict[str, Any] = {}
    for s in SECTIONS[kind]:
        if s.key not in editable:
            continue
        if s.type == "text":
            content[s.key] = data.get(f"{s.key}-text", "")
        elif s.type == "list":
            content[s.key] = [{f.key: data.get(f"{s.key}-{i}-{f.key}", "") for f in s.fields}
                              for i in range(_count(data, s.key))]
    return content


def add_row(kind: str, content: dict[str, Any], key: str) -> None:
    s = next((s for s in SECTIONS[kind] if s.key == key and s.type == "list"), None)
    if s is not None and key in content and len(content[key]) < MAX_ROWS:
        content[key].append({f.key: "" for f in s.fields})


def remove_row(content: dict[str, Any], target: str) -> None:
    """`target` is "<section key>:<row index>"."""
    key, _, index = target.rpartition(":")
    rows = content.get(key)
    if isinstance(rows, list) and index.isdigit() and int(index) < len(rows):
        del rows[int(index)]
