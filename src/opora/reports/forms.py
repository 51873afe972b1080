"""The order form: a territory the user sees whole, a year, a format."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field
from opora.reports.models import YEAR_LIMITS, ReportFormat
from opora.reports.selectors import orderable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OrderForm(forms.Form):
    scope = forms.ChoiceField(label=_("Territory"))
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_LIMITS[0], max_value=YEAR_LIMITS[1])
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices, initial=ReportFormat.DOCX)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions, municipalities, schools = orderable(user)
        choices: list[tuple[StrOrPromise, Any]] = []
        if regions:
            choices.append((_("Region"), [(f"region:{r.code}", r.name) for r in regions]))
        if municipalities:
            choices.append((_("Municipality"), [(f"municipality:{m.code}", m.name) for m in municipalities]))
        if schools:
            choices.append((_("School"), [(f"school:{s.code}", f"{s.name} ({s.municipality.name})")
                                          for s in schools]))
        choice_field(self, "scope").choices = choices
        self.fields["year"].initial = timezone.localdate().year
