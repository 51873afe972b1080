"""The upload form of an edited workbook, the words the instrument pages show for codes, and what
changed between two versions (a structured comparison the version page lists)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.analytics.risk_definition import Definition


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Edited workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    comment = forms.CharField(label=gettext_lazy("What changed"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=gettext_lazy("Kept with the version, so others know why it was made."))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() != ".xlsx":
            raise forms.ValidationError(_("Upload an .xlsx file."))
        if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large: at most %(size)s.")
                                        % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)})
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload


# --- words for codes -------------------------------------------------------------------------


def group_label(group: str) -> str:
    labels = {"head": _("the school head"), "teacher": _("the teachers"), "pupil": _("the pupils"),
              "parent": _("the parents")}
    return labels.get(group, group)


def basis_label(basis: str) -> str:
    labels = {"one": _("one person"), "teachers": _("the teachers in the social passport"),
              "enrolment": _("the pupils enrolled")}
    return labels.get(basis, basis)


def direction_label(direction: int) -> str:
    return _("the higher the answer, the higher the risk") if direction == 1 else \
        _("the higher the answer, the lower the risk")


def number(value: Any) -> str:
    return number_format(value) if isinstance(value, float) else str(value)


def share(value: float) -> str:
    percent = round(value * 100, 1)
    return f"{number_format(int(percent) if percent.is_integer() else percent)}\u00a0%"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


# --- what changed ----------------------------------------------------------------------------


@dataclass
class Change:
    part: str  # which part of the instrument, shown as a heading
    action: str  # added | removed | changed
    code: str
    title: str = ""  # the name or text, so the user need not know the codes
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (what, before, after)


def _compare(part: str, old: dict[str, Any], new: dict[str, Any], shown: dict[str, Any],
             title: Any) -> list[Change]:
    """Items keyed by code: added, removed, and changed with each differing field shown."""
    out: list[Change] = []
    for code, item in new.items():
        if code not in old:
            out.append(Change(part, "added", code, title(item)))
            continue
        fields = [(label, show(old[code]), show(item)) for label, show in shown.items()
                  if show(old[code]) != show(item)]
        if fields:
            out.append(Change(part, "changed", code, title(item), fields))
    out += [Change(part, "removed", code, title(item)) for code, item in old.items() if code not in new]
    return out


def _options(scale: Any) -> str:
    return "; ".join(f"{o.value} — {o.label}" for o in scale.options)


def version_changes(old: Definition, new: Definition) -> list[Change]:
    """What changed from `old` to `new`: factors, questions, their links to factors, scales,
    group rules, then the level and quality rules."""
    # Names and texts for the links of questions to factors (the new ones win).
    factors = {f.code: f.name for d in (old, new) for f in d.factors}
    texts = {q.code: q.text for d in (old, new) for q in d.questions}
    changes = _compare(
        _("Risk factors"), {f.code: f for f in old.factors}, {f.code: f for f in new.factors},
        {_("name"): lambda f: f.name, _("description"): lambda f: f.description}, lambda f: f.name)
    changes += _compare(
        _("Questions"), {q.code: q for q in old.questions}, {q.code: q for q in new.questions},
        {_("respondents"): lambda q: group_label(q.group), _("section"): lambda q: q.section,
         _("text"): lambda q: q.text, _("scale"): lambda q: q.scale}, lambda q: q.text)
    changes += _compare(
        _("Questions measuring factors"),
        {f"{i.factor} ← {i.question}": i for i in old.indicators},
        {f"{i.factor} ← {i.question}": i for i in new.indicators},
        {_("weight"): lambda i: number(i.weight), _("direction"): lambda i: direction_label(i.direction)},
        lambda i: f"«{factors.get(i.factor, i.factor)}» ← «{texts.get(i.question, i.question)}»")
    changes += _compare(_("Answer scales"), {s.code: s for s in old.scales}, {s.code: s for s in new.scales},
                        {_("answers"): _options}, _options)
    changes += _compare(
        _("Respondent groups"), {g.group: g for g in old.groups}, {g.group: g for g in new.groups},
        {_("expected respondents"): lambda g: basis_label(g.basis), _("share"): lambda g: share(g.share),
         _("minimum respondents"): lambda g: str(g.min_respondents),
         _("minimum response rate"): lambda g: share(g.min_rate), _("anonymous"): lambda g: yes_no(g.anonymous)},
        lambda g: group_label(g.group))
    rules = [(label, show(old), show(new)) for label, show in rule_rows_shown().items() if show(old) != show(new)]
    if rules:
        changes.append(Change(_("Levels and quality checks"), "changed", "", "", rules))
    return changes


def rule_rows_shown() -> dict[str, Any]:
    """The level and quality rules as (label → value of a definition), in the order shown."""
    return {
        _("levels by"): lambda d: _("percentile among the schools computed together")
        if d.levels.method == "percentile" else _("cut-offs of the factor score"),
        _("high level from the score"): lambda d: number(d.levels.high),
        _("medium level from the score"): lambda d: number(d.levels.medium),
        _("high level from the percentile"): lambda d: number(d.levels.high_percentile),
        _("medium level from the percentile"): lambda d: number(d.levels.medium_percentile),
        _("too fast: fewer seconds per answered question than"): lambda d: number(d.quality.min_seconds_per_question),
        _("straight-lining checked in sections of at least this many questions"):
            lambda d: str(d.quality.straightline_min_questions),
        _("a group's answers are weak when more are flagged than"): lambda d: share(d.quality.max_flagged_share),
        _("the head's picture diverges when a factor's scores differ by at least"):
            lambda d: number(d.quality.divergence),
    }
