"""Forms of the development pages: a plan, an item of it, a completed course."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import label_instances, model_choice_field
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.staff.models import DevelopmentPlan, PlanItem, PlanItemKind, StaffMember
from opora.support.models import Event, Mentoring

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GoalsForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanItemKind.choices)
    title = forms.CharField(label=_("What"), max_length=500, required=False)
    area = forms.CharField(label=_("Competence area addressed"), max_length=255, required=False)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=2000, required=False)
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE)
    due_on = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none(), required=False)
    mentoring = forms.ModelChoiceField(label=_("Mentoring pair"), queryset=Mentoring.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, plan: DevelopmentPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school = plan.staff.school
        model_choice_field(self, "event").queryset = (
            Event.objects.filter(region_id=school.municipality.region_id)
            .filter(Q(municipality__isnull=True) | Q(municipality_id=school.municipality_id))
            .order_by("-starts_on"))
        label_instances(self, "event", lambda e: f"{e.starts_on:%d.%m.%Y} — {e.title}")
        mentorings = Mentoring.objects.filter(mentee=plan.staff).select_related("mentor")
        model_choice_field(self, "mentoring").queryset = mentorings
        label_instances(self, "mentoring", lambda m: str(_("mentor: %(name)s") % {"name": m.mentor}))

    def item(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("kind", "title", "area", "hours", "starts_on", "due_on", "event",
                                                  "mentoring", "note")}

    @staticmethod
    def initial_for(item: PlanItem) -> dict[str, Any]:
        return {"kind": item.kind, "title": item.title, "area": item.area, "hours": item.hours,
                "starts_on": item.starts_on, "due_on": item.due_on, "event": item.event_id,
                "mentoring": item.mentoring_id, "note": item.note}


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Course"), max_length=500, required=False)
    provider = forms.CharField(label=_("Provider"), max_length=300, required=False)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=2000, required=False)
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    certificate = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    plan_item = forms.ModelChoiceField(label=_("Closes the plan item"), queryset=PlanItem.objects.none(),
                                       required=False)

    def __init__(self, *args: Any, staff: StaffMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = PlanItem.objects.filter(plan__staff=staff).select_related("plan")
        model_choice_field(self, "plan_item").queryset = items
        label_instances(self, "plan_item", lambda i: f"{i.plan.year}: {i.title}")


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DATE)
