"""The calendar of stages (`/plans/calendar/?year=`): when each document is due, the region's date
and the municipalities' own dates; holders of MANAGE_STAGES set and remove dates here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import ValidationFailed
from opora.core.models import Municipality, Region
from opora.core.years import is_valid_year
from opora.plans.content import CYCLE
from opora.plans.models import DocumentKind, Stage
from opora.plans.services import stages as services
from opora.plans.stage_forms import Area, StageForm, area_key


@dataclass
class KindRow:
    kind: str
    label: str
    region_stage: Stage | None = None
    overrides: list[Stage] = field(default_factory=list)


@dataclass
class RegionBlock:
    region: Region
    rows: list[KindRow]
    manage_region: bool


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if is_valid_year(year) else timezone.localdate().year


def _manageable(request: HttpRequest) -> dict[str, Area]:
    areas: dict[str, Area] = {}
    for region in access.regions_for(request.user, Perm.MANAGE_STAGES):
        areas[area_key(region)] = region
    for municipality in access.municipalities_for(request.user, Perm.MANAGE_STAGES).select_related("region"):
        areas[area_key(municipality)] = municipality
    return areas


def _blocks(request: HttpRequest, year: int, manageable: dict[str, Area]) -> list[RegionBlock]:
    schools = access.schools_for(request.user, Perm.VIEW_PLANS)
    municipalities = Municipality.objects.filter(pk__in=schools.values("municipality_id"))
    visible = set(municipalities.values_list("pk", flat=True))
    regions = Region.objects.filter(pk__in=municipalities.values("region_id")).order_by("name")
    stages = Stage.objects.filter(year=year, region__in=regions).select_related("municipality")
    blocks = []
    for region in regions:
        rows: dict[str, KindRow] = {kind: KindRow(kind, str(DocumentKind(kind).label)) for kind in CYCLE}
        for stage in stages:
            if stage.region_id != region.pk:
                continue
            if stage.municipality_id is None:
                rows[stage.kind].region_stage = stage
            elif stage.municipality_id in visible and stage.municipality is not None:
                stage.manageable = area_key(stage.municipality) in manageable  # type: ignore[attr-defined]  # for the page
                rows[stage.kind].overrides.append(stage)
        for row in rows.values():
            row.overrides.sort(key=lambda s: s.municipality.name if s.municipality else "")
        blocks.append(RegionBlock(region, list(rows.values()), area_key(region) in manageable))
    return blocks


def _post(request: HttpRequest, year: int, form: StageForm, manageable: dict[str, Area]) -> bool:
    """Act on the posted form; True when done (the page redirects)."""
    try:
        if request.POST.get("action") == "delete":
            stage = Stage.objects.select_related("region", "municipality").filter(
                pk=request.POST.get("stage") or 0).first()
            if stage is None:
                return True
            services.stage_delete(actor=request.user, stage=stage)  # type: ignore[arg-type]
            messages.success(request, _("The date is removed."))
            return True
        if not form.is_valid():
            return False
        area = form.chosen_area()
        region = area if isinstance(area, Region) else area.region
        services.stage_set(actor=request.user, region=region,  # type: ignore[arg-type]
                           municipality=area if isinstance(area, Municipality) else None, year=year,
                           kind=form.cleaned_data["kind"], due_on=form.cleaned_data["due_on"],
                           note=form.cleaned_data["note"])
    except ValidationFailed as error:
        for message in error.messages:
            form.add_error(None, message)
        return False
    messages.success(request, _("The date is saved."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_PLANS):
        raise PermissionDenied
    year = _year(request)
    manageable = _manageable(request)
    form = StageForm(request.POST or None, areas=manageable, initial={"year": year})
    if request.method == "POST":
        if not manageable:
            raise PermissionDenied
        if _post(request, year, form, manageable):
            return redirect(f"{reverse('plans:calendar')}?year={year}")
    return render(request, "plans/calendar.html", {
        "year": year, "years": [year - 1, year + 1], "blocks": _blocks(request, year, manageable),
        "form": form if manageable else None,
    })
