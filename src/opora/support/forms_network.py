"""Forms of the curators, partners and mentoring pages (labels in English msgids, shown in Russian)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")



class CuratorForm(forms.Form):
    curator = forms.TypedChoiceField(label=_("Curator"), coerce=int)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "curator").choices = [("", "—"), *choices]
        self.fields["starts_on"].initial = timezone.localdate()


class PartnerForm(forms.Form):
    partner = forms.CharField(label=_("Partner school (code)"), max_length=32)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("End"), widget=DATE, required=False)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()


class MentoringForm(forms.Form):
    mentee = forms.TypedChoiceField(label=_("Mentee"), coerce=int)
    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int)
    partnership = forms.TypedChoiceField(label=_("Within the partnership"), coerce=int, required=False,
                                         empty_value=None)
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("End"), widget=DATE, required=False)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, mentees: list[tuple[int, str]], mentors: list[tuple[int, str]],
                 partnerships: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "mentee").choices = [("", "—"), *mentees]
        choice_field(self, "mentor").choices = [("", "—"), *mentors]
        choice_field(self, "partnership").choices = [("", "—"), *partnerships]
        self.fields["starts_on"].initial = timezone.localdate()


class EditForm(forms.Form):
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class EndForm(forms.Form):
    ends_on = forms.DateField(label=_("End"), widget=DATE, required=False)
