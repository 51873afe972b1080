"""The forms of the cases pages. The services check every rule again, so each way in obeys them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.cases.models import CaseState, LowResultsEffect, Outcome
from opora.plans.services.attachments import ACCEPT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the ISO value a date input needs


class CaseFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(label=_("Status"), required=False,
                              choices=[("", _("any status")), *CaseState.choices, ("overdue", _("overdue"))])
    municipality = forms.CharField(label=_("Municipality"), required=False)

    def __init__(self, *args: Any, years: list[int], municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", _("all years")), *((y, str(y)) for y in years)]
        self.fields["municipality"].widget = forms.Select(choices=[("", _("all municipalities")), *municipalities])


class OpenForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"))
    min_index = forms.FloatField(label=_("Objectivity index from"), required=False, min_value=0, max_value=1,
                                 help_text=_("all schools whose index reaches it and which have a sign in the "
                                             "procedure"))
    schools = forms.MultipleChoiceField(label=_("Or the chosen schools"), required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 8}))
    answer_due = forms.DateField(label=_("The school answers by"), widget=DATE)

    def __init__(self, *args: Any, procedures: list[tuple[str, str]], schools: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("procedure", procedures), ("schools", schools)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("min_index") is None and not data.get("schools"):
            raise forms.ValidationError(_("Choose the schools or the level of the objectivity index."))
        return data


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("The school's answer"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("how the assessment was organised and the works checked: observers, "
                                       "video, re-marking"))
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, PNG, JPEG)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, PNG, JPEG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class TakeForm(forms.Form):
    comment = forms.CharField(label=_("Why without the school's answer"), widget=forms.Textarea(attrs={"rows": 2}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class SendForm(forms.Form):
    answer_due = forms.DateField(label=_("The school answers by"), widget=DATE)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class OpinionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Opinion"), choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    mark_results = forms.BooleanField(label=_("Mark the works' results as not objective"), required=False,
                                      initial=True)
    low_results_effect = forms.ChoiceField(label=_("Effect on the low-result determination"),
                                           choices=LowResultsEffect.choices, initial=LowResultsEffect.EXCLUDE)
    enhanced_control = forms.BooleanField(label=_("Enhanced control at the next assessment (independent observers, "
                                                  "re-marking)"), required=False, initial=True)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why the case is reopened"), widget=forms.Textarea(attrs={"rows": 2}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
