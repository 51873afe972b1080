"""Forms of the campaign pages: a new campaign (and the choices it offers), a link's limit, the
answers upload."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opora.core import access
from opora.core.access import Perm
from opora.core.form_fields import choice_field
from opora.core.imports.upload import UploadForm
from opora.core.models import Municipality, Region, School, User
from opora.core.years import FIRST_YEAR, LAST_YEAR
from opora.diagnostics.models import InstrumentVersion, Wave
from opora.diagnostics.services.campaigns import MAX_LIMIT
from opora.diagnostics.services.instruments import instruments_for
from opora.identification.models import ListEntry, YearList


class CampaignForm(forms.Form):
    """The choices (territories, questionnaires, schools) come from the view: they depend on the
    user and on the chosen territory."""

    area = forms.ChoiceField(label=_("Municipality"))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    wave = forms.ChoiceField(label=_("Wave"), choices=Wave.choices, initial=Wave.ENTRY)
    title = forms.CharField(label=_("Title"), max_length=255)
    version = forms.ChoiceField(label=_("Questionnaires"))
    schools = forms.MultipleChoiceField(label=_("Schools"), required=False)
    closes_on = forms.DateField(label=_("Answers accepted until"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: object, areas: list[tuple[str, str]], versions: list[tuple[str, str]],
                 schools: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choice_field(self, "area").choices = areas
        choice_field(self, "version").choices = versions
        choice_field(self, "schools").choices = schools
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year


def default_title(year: int, wave: str) -> str:
    return str(_("Risk profile survey %(year)s, %(wave)s wave")) % {
        "year": year, "wave": dict(Wave.choices).get(wave, wave)}


def campaign_areas(user: User) -> dict[str, Municipality | Region]:
    """Territories the user may open a campaign in: municipalities, then whole regions."""
    areas: dict[str, Municipality | Region] = {}
    for m in access.municipalities_for(user, Perm.MANAGE_CAMPAIGNS).select_related("region").order_by(
            "region__name", "name"):
        areas[f"m{m.pk}"] = m
    for r in access.regions_for(user, Perm.MANAGE_CAMPAIGNS).order_by("name"):
        areas[f"r{r.pk}"] = r
    return areas


def area_label(area: Municipality | Region) -> str:
    if isinstance(area, Region):
        return gettext("%(region)s — the whole region") % {"region": area.name}
    return area.name


def usable_versions(user: User, region: Region | None) -> dict[str, InstrumentVersion]:
    """Current versions of the questionnaires usable in the region (shipped or the region's own)."""
    out: dict[str, InstrumentVersion] = {}
    for instrument in instruments_for(user):
        if instrument.region_id is not None and (region is None or instrument.region_id != region.pk):
            continue
        current = instrument.current()
        if current is not None:
            out[str(current.pk)] = current
    return out


def school_choices(area: Municipality | Region | None, year: int) -> tuple[list[School], set[int]]:
    """Active schools of the territory, and those in the region's latest approved list ≤ year."""
    if area is None:
        return [], set()
    region = area if isinstance(area, Region) else area.region
    schools = School.objects.filter(is_active=True).select_related("municipality").order_by("municipality__name",
                                                                                             "code")
    schools = schools.filter(municipality__region=region) if isinstance(area, Region) else schools.filter(
        municipality=area)
    year_list = YearList.objects.filter(region=region, year__lte=year).order_by("-year").first()
    listed = set(ListEntry.objects.filter(year_list=year_list).values_list("school_id", flat=True)) if year_list \
        else set()
    return list(schools), listed


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
