"""Forms of the staff registry pages: a person, leaving, a vacancy, the upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field, label_instances, model_choice_field
from opora.core.imports.upload import UploadForm
from opora.core.models import School, User
from opora.results.models import Subject
from opora.staff.models import AgeGroup, PositionKind, QualificationCategory, StaffMember
from opora.staff.services.registry import MAX_EXPERIENCE, MemberData, account_candidates


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    external_id = forms.CharField(label=_("Staff number"), max_length=64, required=False,
                                  help_text=_("The school's number of the person; imports match people by it."))
    position_kind = forms.ChoiceField(label=_("Kind of position"), choices=PositionKind.choices)
    position = forms.CharField(label=_("Position as in the staff list"), max_length=255, required=False)
    subjects = forms.MultipleChoiceField(label=_("Subjects"), required=False,
                                         widget=forms.SelectMultiple(attrs={"size": 6}))
    other_subjects = forms.CharField(label=_("Other subjects"), max_length=300, required=False,
                                     help_text=_("Separated by commas, e.g. «начальные классы»."))
    qualification_category = forms.ChoiceField(label=_("Qualification category"),
                                               choices=QualificationCategory.choices)
    experience_years = forms.IntegerField(label=_("Teaching experience, years"), min_value=0,
                                          max_value=MAX_EXPERIENCE, required=False)
    age_group = forms.ChoiceField(label=_("Age group"), choices=[("", "—"), *AgeGroup.choices], required=False)
    user = forms.ModelChoiceField(label=_("Account in Opora"), queryset=User.objects.none(), required=False,
                                  empty_label="—",
                                  help_text=_("Link the person's account (a role at this school) so they see "
                                              "their own development plan."))

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = list(Subject.objects.order_by("name").values_list("code", "name"))
        self.known_codes = {code for code, _name in known}
        choice_field(self, "subjects").choices = known
        candidates = account_candidates(school)
        model_choice_field(self, "user").queryset = User.objects.filter(pk__in=[u.pk for u in candidates]).order_by(
            "full_name", "username")
        label_instances(self, "user", lambda u: u.full_name or u.username)

    @classmethod
    def initial_of(cls, member: StaffMember, known_codes: set[str]) -> dict[str, Any]:
        return {
            "full_name": member.full_name, "external_id": member.external_id, "position_kind": member.position_kind,
            "position": member.position, "subjects": [s for s in member.subjects if s in known_codes],
            "other_subjects": ", ".join(s for s in member.subjects if s not in known_codes),
            "qualification_category": member.qualification_category, "experience_years": member.experience_years,
            "age_group": member.age_group, "user": member.user_id,
        }

    def data_object(self) -> MemberData:
        d = self.cleaned_data
        other = [" ".join(s.split()) for s in d["other_subjects"].split(",") if s.strip()]
        return MemberData(full_name=d["full_name"], external_id=d["external_id"], position_kind=d["position_kind"],
                          position=d["position"], subjects=[*d["subjects"], *other],
                          qualification_category=d["qualification_category"],
                          experience_years=d["experience_years"], age_group=d["age_group"], user=d["user"])


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()


class VacancyForm(forms.Form):
    position_kind = forms.ChoiceField(label=_("Position"), choices=PositionKind.choices)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    rate = forms.DecimalField(label=_("Rate"), min_value=0.1, max_value=5, decimal_places=2, initial=1)
    opened_on = forms.DateField(label=_("Open since"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subjects = Subject.objects.order_by("name").values_list("code", "name")
        choice_field(self, "subject").choices = [("", "—"), *subjects]
        self.fields["opened_on"].initial = timezone.localdate()


class RegistryUploadForm(UploadForm):
    """The registry file (.xlsx or .csv)."""
