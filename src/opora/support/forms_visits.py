"""Forms of the visits pages (the services check the rules again and say what is wrong)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.models import School, User
from opora.support.models import VisitKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class SchoolField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class VisitForm(forms.Form):
    school = SchoolField(label=_("School"), queryset=School.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *VisitKind.choices])
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    participants = PeopleField(label=_("Who visited (users)"), queryset=User.objects.none(), required=False,
                               widget=forms.SelectMultiple(attrs={"size": 6}))
    participants_text = forms.CharField(label=_("Who else (names and positions)"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(label=_("Recommendations"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, schools: Any, people: Any, fixed_school: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.ModelChoiceField)
        school_field.queryset = schools
        people_field = self.fields["participants"]
        assert isinstance(people_field, forms.ModelMultipleChoiceField)
        people_field.queryset = people
        if fixed_school:
            school_field.disabled = True


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Follow-up measure"), max_length=1000)
    due_on = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    responsible = forms.CharField(label=_("Responsible"), max_length=300, required=False)


class VisitFilterForm(forms.Form):
    municipality = forms.CharField(required=False)
    school = forms.CharField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *VisitKind.choices])
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
