"""Forms of the identification pages: the rule-set editor (a new version of the parameters), the
approval of a year's list and the manual decision on one school.

The editor shows each parameter of `opora.analytics.rules.RuleParams` that matters for the rule
set's method in the units people use (shares in %), and turns the input back into a complete
parameter dict: the current version's parameters with the edited fields laid over them, checked
by `RuleParams.from_dict`, so what is saved or previewed is exactly what the analytics accepts.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field
from opora.identification.models import OverrideAction, RuleKind

ALL_KINDS = frozenset(RuleKind.values)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Param:
    """One editable parameter: the form field's name, where it lives in the params dict, its
    display scale (100: a 0–1 share shown in %) and the kinds of rule set it matters for."""

    name: str
    path: tuple[str, ...]
    group: str
    kinds: frozenset[str] = ALL_KINDS
    scale: float = 1.0


GROUPS: dict[str, Promise] = {
    "scope": _("What is considered"),
    "rule": _("Selection rule"),
    "context": _("Social context and expected result"),
    "quality": _("Quality index and groups"),
    "decline": _("Decline risk"),
    "objectivity": _("Signs of non-objective results"),
}

FEDERAL = frozenset({RuleKind.FEDERAL.value})
MUNICIPAL = frozenset({RuleKind.MUNICIPAL.value})
QUALITY = frozenset({RuleKind.QUALITY.value})
CRITERIA = ("core_fail", "core_high", "other_fail", "inclusions", "objectivity")

PARAMS: tuple[Param, ...] = (
    Param("procedures", ("procedures",), "scope"),
    Param("subjects", ("subjects",), "scope"),
    Param("min_participants", ("min_participants",), "scope"),
    Param("fail_bar", ("fail_bar",), "rule", scale=100),
    Param("min_procedures", ("min_procedures",), "rule", FEDERAL),
    Param("connective", ("connective",), "rule", FEDERAL),
    Param("years", ("years",), "rule", MUNICIPAL),
    *(Param(f"weight_{c}", ("weights", c), "rule", MUNICIPAL) for c in CRITERIA),
    Param("select", ("select",), "rule", MUNICIPAL),
    Param("share", ("share",), "rule", MUNICIPAL, scale=100),
    Param("rank_threshold", ("rank_threshold",), "rule", MUNICIPAL, scale=100),
    Param("low_groups", ("low_groups",), "rule", QUALITY),
    Param("adverse_stanines", ("swi", "adverse_stanines"), "context"),
    Param("swi_min_indicators", ("swi", "min_indicators"), "context"),
    Param("expected_measure", ("expected_measure",), "context"),
    Param("quality_selection", ("quality_selection",), "quality"),
    Param("k", ("k",), "quality"),
    Param("decline_bar", ("decline_bar",), "decline", scale=100),
    Param("obj_procedures", ("objectivity", "procedures"), "objectivity"),
    Param("obj_confirm_procedures", ("objectivity", "confirm_procedures"), "objectivity"),
    Param("obj_min_participants", ("objectivity", "min_participants"), "objectivity"),
    Param("above_sd", ("objectivity", "above_sd"), "objectivity"),
    Param("hard_bar", ("objectivity", "hard_bar"), "objectivity", scale=100),
    Param("easy_bar", ("objectivity", "easy_bar"), "objectivity", scale=100),
    Param("rank_corr_min", ("objectivity", "rank_corr_min"), "objectivity"),
    Param("min_tasks", ("objectivity", "min_tasks"), "objectivity"),
    Param("peak_ratio", ("objectivity", "peak_ratio"), "objectivity"),
    Param("peak_min_participants", ("objectivity", "peak_min_participants"), "objectivity"),
    Param("journal_gap_share", ("objectivity", "journal_gap_share"), "objectivity", scale=100),
    Param("journal_min", ("objectivity", "journal_min"), "objectivity"),
    Param("imbalance_share", ("objectivity", "imbalance_share"), "objectivity", scale=100),
    Param("jump_sd", ("objectivity", "jump_sd"), "objectivity"),
)
BY_NAME = {p.name: p for p in PARAMS}
BY_PATH = {p.path: p.name for p in PARAMS}

STANINES = [(str(s), str(s)) for s in range(1, 10)]
_SELECTION_ITEM = re.compile(r"^\s*([a-z0-9_-]+)\s*:\s*([\d\s,]+)$")


def _int(label: StrOrPromise, low: int, high: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=low, max_value=high)


def _pct(label: StrOrPromise, *, zero: bool = False) -> forms.FloatField:
    """A share in %: (0, 100], or [0, 100] with `zero`."""
    return forms.FloatField(label=label, min_value=0 if zero else 0.01, max_value=100,
                            widget=forms.NumberInput(attrs={"step": "any"}))


def _float(label: StrOrPromise, low: float | None = None, high: float | None = None) -> forms.FloatField:
    return forms.FloatField(label=label, min_value=low, max_value=high, widget=forms.NumberInput(attrs={"step": "any"}))


def _codes(label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, required=required, help_text=help_text,
                                     widget=forms.CheckboxSelectMultiple)


def selection_text(selection: dict[str, Iterable[int]]) -> str:
    """{"vpr": [5, 6], "oge": [9]} → "vpr: 5, 6; oge: 9"."""
    return "; ".join(f"{p}: {', '.join(str(g) for g in grades)}" for p, grades in selection.items())


def selection_parse(text: str) -> dict[str, list[int]]:
    """"vpr: 5, 6; oge: 9" → {"vpr": [5, 6], "oge": [9]}; ValueError on anything else."""
    out: dict[str, list[int]] = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        match = _SELECTION_ITEM.match(item)
        if not match:
            raise ValueError(item)
        grades = [int(g) for g in re.split(r"[\s,]+", match.group(2).strip()) if g]
        if not grades or any(not 1 <= g <= 11 for g in grades):
            raise ValueError(item)
        out[match.group(1)] = grades
    if not out:
        raise ValueError(text)
    return out


def _get(params: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = params
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _set(params: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = params
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


class RuleSetVersionForm(forms.Form):
    """The parameters of a new version of a rule set, the comment, and where to preview it.

    `action`: "preview" needs a region and a year; "save" needs the comment."""

    procedures = _codes(_("Procedures"))
    subjects = _codes(_("Subjects"), required=False, help_text=_("None ticked: every subject."))
    min_participants = _int(_("Minimum participants in a work"), 1)
    fail_bar = _pct(_("Fail share bar, %"))
    min_procedures = _int(_("Procedures failing in the year, at least"), 1)
    connective = forms.ChoiceField(
        label=_("Connective of the two conditions"),
        choices=[("and", _("and: both conditions")), ("or", _("or: either condition"))],
        help_text=_("Condition 1: failing procedures this year; condition 2: the same procedure failing last "
                    "year and this year."))
    years = _int(_("Years considered, including the year under study"), 1, 10)
    weight_core_fail = _float(_("Weight: fail share in Russian and mathematics"), 0)
    weight_core_high = _float(_("Weight: share of «4» and «5» in Russian and mathematics"), 0)
    weight_other_fail = _float(_("Weight: fail share in other subjects"), 0)
    weight_inclusions = _float(_("Weight: earlier inclusions in the list"), 0)
    weight_objectivity = _float(_("Weight: objectivity index"), 0)
    select = forms.ChoiceField(label=_("Selection"), choices=[
        ("share", _("the worst share of schools")), ("threshold", _("past the composite rank threshold"))])
    share = _pct(_("Share of schools selected, %"))
    rank_threshold = _pct(_("Composite rank threshold, percentile"), zero=True)
    low_groups = _int(_("Lowest quality groups counted as low results"), 1, 50)
    adverse_stanines = forms.MultipleChoiceField(
        label=_("Stanines of social well-being counted as adverse context"), choices=STANINES,
        widget=forms.CheckboxSelectMultiple)
    swi_min_indicators = _int(_("Social passport indicators needed for the index, at least"), 1)
    expected_measure = forms.ChoiceField(label=_("Result compared with the expected one"), choices=[
        ("quality_index", _("quality index")), ("core_fail_share", _("fail share in Russian and mathematics"))])
    quality_selection = forms.CharField(
        label=_("Works of the quality index"), max_length=200,
        help_text=_("Procedure codes with grades, e.g. «vpr: 5, 6; oge: 9»."))
    k = _int(_("Number of quality groups (k)"), 1, 50)
    decline_bar = _pct(_("Rise of the fail share counted as negative dynamics, points"))
    obj_procedures = _codes(_("Procedures checked for signs"))
    obj_confirm_procedures = _codes(_("Procedures that confirm results"), required=False)
    obj_min_participants = _int(_("Minimum participants for a sign"), 1)
    above_sd = _float(_("Above the region by, standard deviations"), 0.01)
    hard_bar = _pct(_("Hard task: regional completion below, %"), zero=True)
    easy_bar = _pct(_("Easy task: regional completion above, %"), zero=True)
    rank_corr_min = _float(_("Rank correlation with the region, at least"), -1, 1)
    min_tasks = _int(_("Tasks needed for the difficulty sign, at least"), 3)
    peak_ratio = _float(_("Boundary peak: pupils at the boundary ÷ one point below, at least"), 1.01)
    peak_min_participants = _int(_("Participants needed for the boundary peak, at least"), 1)
    journal_gap_share = _pct(_("Share of pupils with work and journal marks 2 or more apart, %"))
    journal_min = _int(_("Pupils with journal marks needed, at least"), 1)
    imbalance_share = _pct(_("Imbalance of raised over lowered marks, %"))
    jump_sd = _float(_("Year-on-year jump, standard deviations of the region's changes"), 0.01)

    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    comment = forms.CharField(label=_("What changed"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data: Any = None, *, kind: str, base: dict[str, Any], procedures: list[tuple[str, str]],
                 subjects: list[tuple[str, str]], regions: list[tuple[str, str]], years: list[int],
                 action: str = "save") -> None:
        self.kind, self.base, self.action = kind, base, action
        super().__init__(data, initial=self.initial_from(base))
        for param in PARAMS:
            if kind not in param.kinds:
                del self.fields[param.name]
        # Codes used by the current version stay offered even without results loaded for them.
        known = dict(procedures)
        for code in [*(base.get("procedures") or []), *(_get(base, ("objectivity", "procedures")) or []),
                     *(_get(base, ("objectivity", "confirm_procedures")) or [])]:
            known.setdefault(code, code)
        for name in ("procedures", "obj_procedures", "obj_confirm_procedures"):
            choice_field(self, name).choices = list(known.items())
        named = dict(subjects)
        for code in base.get("subjects") or []:
            named.setdefault(code, code)
        choice_field(self, "subjects").choices = list(named.items())
        choice_field(self, "region").choices = regions
        choice_field(self, "year").choices = [(y, y) for y in years]
        if regions:
            self.fields["region"].initial = regions[0][0]
        if years:
            self.fields["year"].initial = years[0]

    @staticmethod
    def initial_from(params: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for param in PARAMS:
            value = _get(params, param.path)
            if value is None:
                continue
            if param.name == "quality_selection":
                value = selection_text(value)
            elif param.name == "adverse_stanines":
                value = [str(v) for v in value]
            elif param.scale != 1:
                value = round(float(value) * param.scale, 6)
            initial[param.name] = value
        return initial

    def groups(self) -> list[tuple[Promise, list[forms.BoundField]]]:
        """The fields by group, in the order of PARAMS (what the template lays out)."""
        out: dict[str, list[forms.BoundField]] = {}
        for param in PARAMS:
            if param.name in self.fields:
                out.setdefault(param.group, []).append(self[param.name])
        return [(GROUPS[g], fields) for g, fields in out.items()]

    def clean_quality_selection(self) -> dict[str, list[int]]:
        try:
            return selection_parse(self.cleaned_data["quality_selection"])
        except ValueError:
            raise forms.ValidationError(
                _("Write procedure codes with grades 1–11, e.g. «vpr: 5, 6; oge: 9».")) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a parent's clean() that returns nothing keeps cleaned_data
            data = self.cleaned_data
        if self.action == "save" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what changed in this version."))
        if self.action == "preview":
            if not data.get("region"):
                self.add_error("region", _("Choose the region to preview on."))
            if not data.get("year"):
                self.add_error("year", _("Choose the year to preview."))
        if "low_groups" in self.fields and data.get("low_groups") and data.get("k") \
                and data["low_groups"] > data["k"]:
            self.add_error("low_groups", _("There cannot be more low groups than quality groups."))
        if data.get("hard_bar") is not None and data.get("easy_bar") is not None \
                and data["hard_bar"] >= data["easy_bar"]:
            self.add_error("easy_bar", _("The easy-task bar must be above the hard-task bar."))
        if not self.errors:
            self._check_params()
        return data

    def _check_params(self) -> None:
        from opora.analytics.rules import RuleParams

        try:
            self.cleaned_data["params"] = RuleParams.from_dict(self.params()).to_dict()
        except (ValueError, TypeError) as error:
            name = error_field(str(error))
            if name in self.fields:
                self.add_error(name, _("This value is not accepted by the rule set."))
            else:
                self.add_error(None, _("The parameters are not accepted by the rule set."))

    def params(self) -> dict[str, Any]:
        """The base parameters with every edited field laid over them."""
        out = copy.deepcopy(self.base)
        out["kind"] = self.kind
        for param in PARAMS:
            if param.name not in self.fields or param.name not in self.cleaned_data:
                continue
            value = self.cleaned_data[param.name]
            if param.name in ("subjects", "procedures", "obj_procedures", "obj_confirm_procedures"):
                # The base's order is kept (a re-ticked list is not a change), new codes follow.
                before = _get(self.base, param.path) or []
                value = [c for c in before if c in value] + [c for c in value if c not in before]
                if param.name == "subjects":
                    value = value or None  # none ticked: every subject
            elif param.name == "adverse_stanines":
                value = sorted(int(v) for v in value)
            elif param.scale != 1 and value is not None:
                value = round(float(value) / param.scale, 8)
            _set(out, param.path, value)
        return out


def error_field(message: str) -> str | None:
    """The form field behind a RuleParams error "<field>: <problem>" (nested settings report
    "objectivity: hard_bar: …", "weights: core_high must …")."""
    parts = [part.strip() for part in message.split(":")]
    if len(parts) > 2 and (parts[0], parts[1]) in BY_PATH:
        return BY_PATH[(parts[0], parts[1])]
    if parts[0] == "weights":
        words = parts[1].split() if len(parts) > 1 else []
        return f"weight_{words[0]}" if words and words[0] in CRITERIA else "weight_core_fail"
    if parts[0] == "swi":
        return "adverse_stanines"
    return BY_PATH.get((parts[0],))


def param_label(name: str) -> str:
    """The field label of a parameter (for the comparison of versions)."""
    field = RuleSetVersionForm.base_fields.get(name)
    # Values are shown with their unit ("30,0%"), so the label drops the input's ", %".
    return str(field.label).removesuffix(", %") if field is not None else name


def params_changes(old: dict[str, Any], new: dict[str, Any],
                   display: Callable[[Param, Any], str]) -> list[tuple[str, str, str]]:
    """(label, old, new) for every editable parameter whose value differs."""
    out = []
    for param in PARAMS:
        before, after = _get(old, param.path), _get(new, param.path)
        if before != after:
            out.append((param_label(param.name), display(param, before), display(param, after)))
    return out


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class OverrideForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=OverrideAction.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("A reason is required for a manual decision.")})

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("A reason is required for a manual decision."))
        return reason
