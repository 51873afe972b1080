from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opora.core.form_fields import choice_field
from opora.public.services import BODY_MAX, TITLE_MAX


class NewsForm(forms.Form):
    territory = forms.ChoiceField(label=_("territory"))
    title = forms.CharField(label=pgettext_lazy("news", "headline"), max_length=TITLE_MAX)
    body = forms.CharField(label=pgettext_lazy("news", "text"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Plain text; an empty line starts a new paragraph. "
                                       "Do not write people's names, phones or e-mails: the page is public."))
    publish = forms.BooleanField(label=_("publish now"), required=False)

    def __init__(self, *args: Any, territories: list[tuple[str, str]] | None = None, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["territory"]
            del self.fields["publish"]
        else:
            choice_field(self, "territory").choices = territories or []
