"""The forms of the appeals pages (the services check every rule again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.cases.forms import DATE
from opora.cases.models import AppealKind, AppealOutcome
from opora.identification.explain.labels import FLAGS
from opora.plans.services.attachments import ACCEPT

FILE_LABEL = _("File (PDF, DOCX, XLSX, PNG, JPEG)")


class AppealForm(forms.Form):
    school = forms.ChoiceField(label=_("School"))
    year = forms.TypedChoiceField(label=_("List of the year"), coerce=int)
    kind = forms.ChoiceField(label=_("What is appealed"), choices=AppealKind.choices, widget=forms.RadioSelect)
    flag = forms.ChoiceField(label=_("Flag (for an appeal against a flag)"), required=False,
                             choices=[("", "—"), *((k, v) for k, v in FLAGS.items())])
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 6}))
    file = forms.FileField(label=FILE_LABEL, required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args: Any, schools: list[tuple[str, str]], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("school", schools), ("year", [(y, str(y)) for y in years])):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices


class AskForm(forms.Form):
    question = forms.CharField(label=_("What information is needed"), widget=forms.Textarea(attrs={"rows": 3}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("The information asked"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=FILE_LABEL, required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class JudgeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=AppealOutcome.choices, widget=forms.RadioSelect)
    decision = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class PeriodForm(forms.Form):
    closes_on = forms.DateField(label=_("Appeals are taken until"), widget=DATE)
