"""Forms of the practices bank: the practice itself, the search, a file, the reviewer's comment."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.form_fields import choice_field
from opora.core.models import School
from opora.plans.services.attachments import ACCEPT


@lru_cache(maxsize=1)
def factor_choices() -> list[tuple[str, str]]:
    """Risk factors of the shipped instrument (code, Russian name)."""
    from opora.analytics.risk_definition import default_definition

    return [(f.code, f.name) for f in default_definition().factors]


def factor_names() -> dict[str, str]:
    return dict(factor_choices())


def subject_choices() -> list[tuple[str, str]]:
    from opora.results.models import Subject

    return list(Subject.objects.order_by("name").values_list("code", "name"))


class PracticeForm(forms.Form):
    school = forms.ChoiceField(label=_("School"))
    title = forms.CharField(label=_("Title"), max_length=500)
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What was wrong, in figures where possible."))
    actions = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Steps, people, timing: enough for another school to repeat it."))
    results = forms.CharField(label=_("Results"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What changed and how you know it."))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=800,
                           help_text=_("Comma-separated, e.g.: mentoring, reading literacy"))
    subjects = forms.MultipleChoiceField(label=_("Subjects"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    risk_factors = forms.MultipleChoiceField(label=_("Risk factors it addresses"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    is_public = forms.BooleanField(
        label=_("The school agrees to show the practice publicly (without login) once published"), required=False,
        help_text=_("The public page shows the school's name and the texts, never the author's name."))

    def __init__(self, *args: Any, schools: list[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "school").choices = [(str(s.pk), s.name) for s in schools]
        if len(schools) == 1:
            self.fields["school"].initial = str(schools[0].pk)
        choice_field(self, "subjects").choices = subject_choices()
        choice_field(self, "risk_factors").choices = factor_choices()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. mentoring")}))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    factor = forms.ChoiceField(label=_("Risk factor"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = ("", _("all"))
        choice_field(self, "subject").choices = [every, *subject_choices()]
        choice_field(self, "factor").choices = [every, *factor_choices()]
        choice_field(self, "municipality").choices = [every, *municipalities]


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
