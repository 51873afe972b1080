"""Forms of the profile page: a verifier's change of a factor's level (a reason is required) and
the school's choice of the factors to work on (at most `settings.RISK_FACTORS_MAX`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from opora.core.form_fields import choice_field
from opora.diagnostics.models import Level


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    reason = forms.CharField(label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Say why the level is changed.")})


class SelectForm(forms.Form):
    factors = forms.MultipleChoiceField(label=_("Risk factors to work on"), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "factors").choices = choices

    def clean_factors(self) -> list[str]:
        chosen = self.cleaned_data["factors"]
        limit = settings.RISK_FACTORS_MAX
        if len(chosen) > limit:
            raise forms.ValidationError(ngettext("Select at most %(n)s risk factor.",
                                                 "Select at most %(n)s risk factors.", limit) % {"n": limit})
        return chosen
