"""Forms of the roadmap's measures: the plan of one measure, and the report on its execution."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field
from opora.plans.models import MeasureStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("measure"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("start"), required=False, widget=DATE)
    due_on = forms.DateField(label=_("deadline"), required=False, widget=DATE)
    responsible = forms.CharField(label=_("responsible"), max_length=300, required=False)
    indicator = forms.CharField(label=_("indicator"), max_length=500, required=False)
    target = forms.CharField(label=_("target value"), max_length=200, required=False)
    factor = forms.ChoiceField(label=_("risk factor"), required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, factors: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not tied to a risk factor —"))] + sorted((factors or {}).items(), key=lambda c: c[1])
        current = self.initial.get("factor") or ""
        if current and current not in dict(choices):
            choices.append((current, current))
        choice_field(self, "factor").choices = choices

    def plan(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "lock_version"}


class ReportForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=MeasureStatus.choices)
    done_on = forms.DateField(label=_("done on"), required=False, widget=DATE)
    fact = forms.CharField(label=_("what was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("evidence (links)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class LockForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
