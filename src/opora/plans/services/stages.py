"""The calendar of stages: a region (regional admin or coordinator) or a municipality (its
coordinator; regional users too) sets when each document kind is due, or removes the date."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Municipality, Region, User
from opora.core.years import is_valid_year
from opora.plans.models import DocumentKind, Stage


def may_manage(actor: User, region: Region, municipality: Municipality | None) -> bool:
    if municipality is not None:
        return access.can_on_municipality(actor, Perm.MANAGE_STAGES, municipality)
    return access.can_on_region(actor, Perm.MANAGE_STAGES, region)


@transaction.atomic
def stage_set(*, actor: User, region: Region, municipality: Municipality | None = None, year: int, kind: str,
              due_on: date, note: str = "") -> Stage:
    """Set (or move) the date `kind` is due in `year` for the region's or the municipality's schools."""
    if municipality is not None and municipality.region_id != region.pk:
        raise ValidationFailed(_("The municipality is not in this region."))
    if not may_manage(actor, region, municipality):
        raise AccessDenied(_("You may not set the deadlines here."))
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Unknown document kind."))
    if not is_valid_year(year) or not year - 1 <= due_on.year <= year + 1:
        raise ValidationFailed(_("The date must fall within the year of the stage or next to it."))
    stage, _created = Stage.objects.update_or_create(
        region=region, municipality=municipality, year=year, kind=kind,
        defaults={"due_on": due_on, "note": note.strip()[:500]},
    )
    return stage


@transaction.atomic
def stage_delete(*, actor: User, stage: Stage) -> None:
    if not may_manage(actor, stage.region, stage.municipality):
        raise AccessDenied(_("You may not set the deadlines here."))
    stage.delete()
