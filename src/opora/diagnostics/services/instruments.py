"""Writes of instruments: the shipped one, and new versions (a region's edit of the shipped
instrument goes to the region's own copy, so no region changes another's questionnaires)."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Region, User
from opora.diagnostics.models import Instrument, InstrumentVersion

SHIPPED_CODE = "fioko-500"
SHIPPED_NAME = gettext_noop("Risk profile questionnaires (Opora's approximation of FIOKO «500+»)")
SHIPPED_DESCRIPTION = gettext_noop(
    "Twelve risk factors of the 2021–2023 cycles measured by questionnaires of the head, teachers, pupils and "
    "parents; each answer is scored 0–1 in the risk direction, the factor score is the weighted mean, levels by "
    "the cut-offs 0.6 and 0.4 (METHODS.md §7).")


def definition_valid(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition normalised (defaults filled) or ValidationFailed saying what is wrong."""
    from opora.analytics.risk_definition import Definition

    try:
        # Through JSON, so the result compares equal to what the database gives back (lists, not tuples).
        return json.loads(Definition.from_dict(definition).to_json())
    except ValueError as error:
        raise ValidationFailed(_("The questionnaires are wrong: %(error)s") % {"error": error}) from error


def instruments_ensure() -> None:
    """Create the shipped instrument with Opora's default definition as version 1 (idempotent)."""
    from opora.analytics.risk_definition import default_definition

    instrument, created = Instrument.objects.get_or_create(
        code=SHIPPED_CODE, defaults={"name": SHIPPED_NAME, "description": SHIPPED_DESCRIPTION, "shipped": True})
    if created or not instrument.versions.exists():
        InstrumentVersion.objects.create(instrument=instrument, number=1, definition=default_definition().to_dict(),
                                         comment=gettext_noop("Opora's defaults (METHODS.md §7)"))


def instruments_for(user: User) -> list[Instrument]:
    """Instruments the user may use or read: shipped ones and their regions' own."""
    regions = access.visible_regions(user)
    return list(Instrument.objects.filter(region__isnull=True) | Instrument.objects.filter(region__in=regions))


@transaction.atomic
def instrument_version_create(*, actor: User, instrument: Instrument, definition: dict[str, Any],
                              comment: str, region: Region | None = None) -> InstrumentVersion:
    """Save an edited definition as a new version.

    A regional administrator's edit of a shipped instrument creates (or continues) the region's
    copy `<code>-<region code>`; `region` says which region when the actor administers several.
    """
    if not comment.strip():
        raise ValidationFailed(_("Say what changed in this version."))
    normalised = definition_valid(definition)
    if (region := instrument.region) is not None:
        if not access.can_on_region(actor, Perm.MANAGE_INSTRUMENTS, region):
            raise AccessDenied(_("You may not change these questionnaires."))
        target = instrument
    else:
        regions = list(access.regions_for(actor, Perm.MANAGE_INSTRUMENTS))
        if region is not None:
            regions = [r for r in regions if r.pk == region.pk]
        if not regions:
            raise AccessDenied(_("You may not change these questionnaires."))
        own = regions[0]
        target, _created = Instrument.objects.get_or_create(
            code=f"{instrument.code}-{own.code}".lower()[:64],
            defaults={"name": f"{_(instrument.name)} ({own.name})", "description": _(instrument.description),
                      "region": own})
    last = target.versions.order_by("-number").first()
    if last is None and target.pk != instrument.pk:
        # The region's copy starts from the shipped versions' latest, so its history reads on.
        base = instrument.current()
        if base is not None and base.definition == normalised:
            raise ValidationFailed(_("Nothing changed."))
    elif last is not None and last.definition == normalised:
        raise ValidationFailed(_("Nothing changed."))
    return InstrumentVersion.objects.create(instrument=target, number=(last.number + 1) if last else 1,
                                            definition=normalised, comment=comment.strip(), created_by=actor)
