from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.api.services import NAME_MAX_LENGTH


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("For example, the script or program that will use it."),
    )
