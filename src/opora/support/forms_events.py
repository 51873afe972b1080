"""Forms of the plan of events (Russian labels through gettext)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.core.form_fields import choice_field, model_choice_field
from opora.core.imports.upload import UploadForm
from opora.core.models import School
from opora.support.models import Event, EventKind
from opora.support.plan_periods import PLAN_YEARS

REGION = "region"


class EventForm(forms.Form):
    territory = forms.ChoiceField(label=gettext_lazy("Whose plan"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EventKind.choices)
    starts_on = forms.DateField(label=gettext_lazy("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("End date"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    period_text = forms.CharField(label=gettext_lazy("Period as written in the plan"), max_length=200, required=False,
                                  help_text=gettext_lazy("for example «Август – октябрь» or «в течение года»"))
    venue_school = forms.ModelChoiceField(label=gettext_lazy("Host school"), queryset=School.objects.none(),
                                          required=False)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300, required=False)
    responsible = forms.CharField(label=gettext_lazy("Responsible"), max_length=500, required=False)
    expected_result = forms.CharField(label=gettext_lazy("Expected result"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, required=False,
                                  help_text=gettext_lazy("empty: not limited"))
    registration_open = forms.BooleanField(label=gettext_lazy("Registration open"), required=False, initial=True)

    def __init__(self, *args: Any, territories: list[tuple[str, str]], schools: Any,
                 event: Event | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "territory").choices = territories
        model_choice_field(self, "venue_school").queryset = schools
        if event is not None:
            del self.fields["territory"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be earlier than the start."))
        return data


def event_initial(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in (
        "title", "kind", "starts_on", "ends_on", "period_text", "venue_school", "place", "responsible",
        "expected_result", "description", "capacity", "registration_open")}


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=255)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=255, required=False)
    school = forms.ModelChoiceField(label=gettext_lazy("School"), queryset=School.objects.none(), required=False,
                                    empty_label=gettext_lazy("— not from a school —"))

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "school").queryset = schools


class PlanImportForm(UploadForm):
    """A plan of events as a table: whose plan and for which academic year."""

    field_order = ("territory", "year", "file")
    territory = forms.ChoiceField(label=gettext_lazy("Whose plan"))
    year = forms.IntegerField(label=gettext_lazy("Academic year (its first year)"), min_value=PLAN_YEARS[0],
                              max_value=PLAN_YEARS[1],
                              help_text=gettext_lazy("2023 means 1 September 2023 – 31 August 2024"))

    def __init__(self, *args: Any, territories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "territory").choices = territories
