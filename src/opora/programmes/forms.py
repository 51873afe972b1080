"""Forms of the programme pages (the services check the rules again and say what is wrong)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from opora.core.models import Municipality, Region, School
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.programmes.catalogue import CATALOGUE, DEFAULT_CODES
from opora.programmes.models import ProgrammeKpi


class SchoolsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


def territory_choices(regions: list[Region], municipalities: list[Municipality]) -> list[tuple[str, str]]:
    """`region:<pk>` and `municipality:<pk>` choices of the territories the user may run programmes for."""
    choices = [(f"region:{r.pk}", str(_("%(region)s (regional programme)") % {"region": r.name})) for r in regions]
    choices += [(f"municipality:{m.pk}", m.name) for m in municipalities]
    return choices


class ProgrammeForm(forms.Form):
    territory = forms.ChoiceField(label=_("Territory"))
    code = forms.SlugField(label=_("Code"), max_length=64,
                           help_text=_("Latin letters, digits and hyphens, e.g. m1-shnor-2025."))
    title = forms.CharField(label=_("Title"), max_length=500)
    start_year = forms.IntegerField(label=_("First year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    end_year = forms.IntegerField(label=_("Last year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tasks = forms.CharField(label=_("Tasks"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    schools = SchoolsField(label=_("Schools"), queryset=School.objects.none(), required=False,
                           widget=forms.SelectMultiple(attrs={"size": 8}),
                           help_text=_("Leave empty to take the approved list of the first year "
                                       "(exits stay counted in the indicators)."))
    kpis = forms.MultipleChoiceField(label=_("Indicators"), widget=forms.CheckboxSelectMultiple,
                                     choices=[(code, d.title) for code, d in CATALOGUE.items()],
                                     initial=list(DEFAULT_CODES))
    default_targets = forms.BooleanField(label=_("Fill in the shipped yearly targets (they can be changed later)"),
                                         required=False, initial=True)
    is_public = forms.BooleanField(label=_("Show on the public pages"), required=False)

    def __init__(self, *args: Any, territories: list[tuple[str, str]], schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        territory = self.fields["territory"]
        assert isinstance(territory, forms.ChoiceField)
        territory.choices = territories
        schools_field = self.fields["schools"]
        assert isinstance(schools_field, forms.ModelMultipleChoiceField)
        schools_field.queryset = schools

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The last year comes before the first."))
        return data


class ProgrammeEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tasks = forms.CharField(label=_("Tasks"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    kpis = forms.MultipleChoiceField(label=_("Indicators"), widget=forms.CheckboxSelectMultiple,
                                     choices=[(code, d.title) for code, d in CATALOGUE.items()],
                                     help_text=_("An indicator added gets the shipped yearly targets; one removed "
                                                 "loses its targets."))
    is_public = forms.BooleanField(label=_("Show on the public pages"), required=False)


def target_field_name(kpi: ProgrammeKpi, year: int) -> str:
    return f"t_{kpi.pk}_{year}"


class TargetsForm(forms.Form):
    """One percent field per indicator and year of the programme; empty removes the target."""

    def __init__(self, *args: Any, kpis: list[ProgrammeKpi], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpis, self.years = kpis, years
        for kpi in kpis:
            current = {t.year: t.value for t in kpi.targets.all()}
            for year in years:
                self.fields[target_field_name(kpi, year)] = forms.DecimalField(
                    label=str(year), required=False, max_digits=5, decimal_places=1,
                    validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
                    initial=current.get(year),
                    widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}))

    def rows(self) -> list[tuple[ProgrammeKpi, str, list[forms.BoundField]]]:
        return [(kpi, str(CATALOGUE[kpi.code].title), [self[target_field_name(kpi, year)] for year in self.years])
                for kpi in self.kpis]

    def changes(self) -> list[tuple[ProgrammeKpi, int, Decimal | None]]:
        """The (indicator, year, value) cells that differ from what is stored."""
        out = []
        for kpi in self.kpis:
            current = {t.year: t.value for t in kpi.targets.all()}
            for year in self.years:
                value = self.cleaned_data.get(target_field_name(kpi, year))
                if value != current.get(year):
                    out.append((kpi, year, value))
        return out
