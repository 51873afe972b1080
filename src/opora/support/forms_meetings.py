"""Forms of meetings and decisions. Rules live in `services/meetings.py`; forms only read input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field, model_choice_field
from opora.core.models import Municipality, School, User
from opora.plans.services.attachments import ACCEPT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
REGIONAL = "region"

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.username


class MeetingForm(forms.Form):
    unit = forms.ChoiceField(label=_("level"))
    title = forms.CharField(label=_("meeting"), max_length=500,
                            help_text=_("For example: meeting of the working group on low-result schools"))
    number = forms.CharField(label=_("protocol number"), max_length=32, required=False)
    held_on = forms.DateField(label=_("date"), widget=DATE)
    starts_at = forms.TimeField(label=_("time"), required=False, widget=TIME)
    place = forms.CharField(label=_("place"), max_length=300, required=False)
    topic = forms.CharField(label=_("topic"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    chair = forms.CharField(label=_("chair"), max_length=300, required=False)
    secretary = forms.CharField(label=_("secretary"), max_length=300, required=False)
    approver = forms.CharField(label=_("approved by"), max_length=500, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("The «УТВЕРЖДАЮ» block: position and name; empty if none."))
    attendees = UserChoice(label=_("attendees (users)"), queryset=User.objects.none(), required=False,
                           widget=forms.SelectMultiple(attrs={"size": 6}))
    attendees_text = forms.CharField(label=_("attendees (as in the protocol)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 5}),
                                     help_text=_("One line per person: name, position."))

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], regional: bool,
                 people: QuerySet[User], fixed_unit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, StrOrPromise]] = [(str(m.pk), m.name) for m in municipalities]
        if regional:
            choices.insert(0, (REGIONAL, _("regional meeting")))
        choice_field(self, "unit").choices = choices
        if fixed_unit:
            self.fields["unit"].disabled = True
            self.fields["unit"].required = False
        model_choice_field(self, "attendees").queryset = people

    def meeting_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("unit", "attendees")}


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("agenda item"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    speaker = forms.CharField(label=_("speaker"), max_length=300, required=False)
    heard = forms.CharField(label=_("heard"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=2, max_num=50)


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("item"), max_length=16, required=False)
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 4}))
    due_on = forms.DateField(label=_("deadline"), required=False, widget=DATE)
    owners_text = forms.CharField(label=_("responsible (as in the protocol)"), max_length=1000, required=False,
                                  help_text=_("As the protocol writes it: «отв. Плотникова Т.А.»"))


class OwnersForm(forms.Form):
    users = UserChoice(label=_("responsible people"), queryset=User.objects.none(), required=False,
                       widget=forms.SelectMultiple(attrs={"size": 6}))
    schools = forms.ModelMultipleChoiceField(label=_("responsible schools (their heads report)"),
                                             queryset=School.objects.none(), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 8}))
    year_list = forms.BooleanField(label=_("all schools of the year's list"), required=False)

    def __init__(self, *args: Any, people: QuerySet[User], schools: QuerySet[School], list_year: int | None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "users").queryset = people
        model_choice_field(self, "schools").queryset = schools
        if list_year is None:
            del self.fields["year_list"]
        else:
            self.fields["year_list"].label = _("all schools of the approved list of %(year)s") % {"year": list_year}


class DecisionOwnersForm(DecisionForm, OwnersForm):
    """A new decision and its owners in one form."""


class PartCloseForm(forms.Form):
    evidence = forms.CharField(label=_("what was done"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("file (PDF, DOCX, XLSX, PNG, JPEG)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class DecisionCloseForm(forms.Form):
    status = forms.ChoiceField(choices=[("done", _("done")), ("cancelled", _("cancelled")), ("open", _("reopen"))])
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
