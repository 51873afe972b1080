"""Forms of the campaign pages: a new campaign and a link's limit."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opora.core.imports.upload import UploadForm
from opora.diagnostics.models import Wave
from opora.diagnostics.services.campaigns import MAX_LIMIT


class CampaignForm(forms.Form):
    """The choices (territories, questionnaires, schools) come from the view: they depend on the
    user and on the chosen territory."""

    area = forms.ChoiceField(label=_("Municipality"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    wave = forms.ChoiceField(label=_("Wave"), choices=Wave.choices, initial=Wave.ENTRY)
    title = forms.CharField(label=_("Title"), max_length=255)
    version = forms.ChoiceField(label=_("Questionnaires"))
    schools = forms.MultipleChoiceField(label=_("Schools"), required=False)
    closes_on = forms.DateField(label=_("Answers accepted until"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: object, areas: list[tuple[str, str]], versions: list[tuple[str, str]],
                 schools: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].choices = areas
        self.fields["version"].choices = versions
        self.fields["schools"].choices = schools
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year


def default_title(year: int, wave: str) -> str:
    return str(_("Risk profile survey %(year)s, %(wave)s wave")) % {
        "year": year, "wave": dict(Wave.choices).get(wave, wave)}


class LinkForm(forms.Form):
    max_responses = forms.IntegerField(label=_("Response limit"), min_value=1, max_value=MAX_LIMIT)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class AnswersUploadForm(UploadForm):
    """The answers come as a workbook only: a sheet per group of respondents."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].label = _("File (.xlsx)")
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self) -> UploadedFile:
        upload = super().clean_file()
        if Path(upload.name or "").suffix.lower() != ".xlsx":
            raise forms.ValidationError(_("Upload the answers as an .xlsx workbook (see the template)."))
        return upload
