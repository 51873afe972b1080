"""The calendar page's form: where (the region or one municipality), which document, by when."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field
from opora.core.models import Municipality, Region
from opora.plans.models import DocumentKind

Area = Region | Municipality


def area_key(area: Area) -> str:
    return f"{'m' if isinstance(area, Municipality) else 'r'}{area.pk}"


def area_label(area: Area) -> str:
    if isinstance(area, Municipality):
        return str(area.name)
    return _("%(region)s (the whole region)") % {"region": area.name}


class StageForm(forms.Form):
    area = forms.ChoiceField(label=_("For the schools of"))
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: object, areas: dict[str, Area], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.areas = areas
        choice_field(self, "area").choices = [(k, area_label(a)) for k, a in areas.items()]

    def chosen_area(self) -> Area:
        return self.areas[self.cleaned_data["area"]]
