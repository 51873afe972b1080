"""Writes of programmes: create one with its schools and indicators, set yearly targets."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Municipality, Region, School, User
from opora.identification.models import ListEntry
from opora.programmes.catalogue import CATALOGUE, DEFAULT_CODES, default_target
from opora.programmes.models import KpiTarget, Programme, ProgrammeKpi, ProgrammeSchool


def _require_manage(actor: User, region: Region, municipality: Municipality | None) -> None:
    allowed = (access.can_on_municipality(actor, Perm.MANAGE_PROGRAMMES, municipality) if municipality
               else access.can_on_region(actor, Perm.MANAGE_PROGRAMMES, region))
    if not allowed:
        raise AccessDenied(_("You may not manage programmes of this territory."))


def list_schools(region: Region, municipality: Municipality | None, year: int) -> list[School]:
    """The approved list of `year` in the territory (the programme's default schools)."""
    entries = ListEntry.objects.filter(year_list__region=region, year_list__year=year)
    if municipality is not None:
        entries = entries.filter(school__municipality=municipality)
    return [e.school for e in entries.select_related("school")]


@transaction.atomic
def programme_create(*, actor: User, region: Region, municipality: Municipality | None, code: str, title: str,
                     start_year: int, end_year: int, goals: str = "", tasks: str = "",
                     schools: list[School] | None = None, kpi_codes: tuple[str, ...] = DEFAULT_CODES,
                     default_targets: bool = True, is_public: bool = False) -> Programme:
    """A programme over `schools` (default: the approved list of `start_year` in its territory) with
    the indicators of `kpi_codes` and, with `default_targets`, their shipped yearly targets."""
    _require_manage(actor, region, municipality)
    errors = []
    if municipality is not None and municipality.region_id != region.pk:
        errors.append(_("The municipality is not in the region."))
    if end_year < start_year:
        errors.append(_("The last year comes before the first."))
    if Programme.objects.filter(code=code).exists():
        errors.append(_("A programme with the code «%(code)s» already exists.") % {"code": code})
    unknown = [c for c in kpi_codes if c not in CATALOGUE]
    if unknown:
        errors.append(_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)})
    if schools is None:
        schools = list_schools(region, municipality, start_year)
        source = "list"
    else:
        source = "manual"
    outside = [s for s in schools if s.municipality.region_id != region.pk
               or (municipality is not None and s.municipality_id != municipality.pk)]
    if outside:
        errors.append(_("Schools outside the programme's territory: %(names)s.")
                      % {"names": ", ".join(s.name for s in outside[:5])})
    if errors:
        raise ValidationFailed(errors)
    programme = Programme.objects.create(region=region, municipality=municipality, code=code, title=title,
                                         start_year=start_year, end_year=end_year, goals=goals, tasks=tasks,
                                         is_public=is_public, created_by=actor)
    ProgrammeSchool.objects.bulk_create([ProgrammeSchool(programme=programme, school=s, source=source)
                                         for s in schools])
    for position, kpi_code in enumerate(kpi_codes):
        kpi = ProgrammeKpi.objects.create(programme=programme, code=kpi_code, position=position)
        if default_targets:
            for index, year in enumerate(programme.years):
                value = default_target(kpi_code, index)
                if value is not None:
                    KpiTarget.objects.create(kpi=kpi, year=year, value=Decimal(str(value)))
    return programme


@transaction.atomic
def target_set(*, actor: User, kpi: ProgrammeKpi, year: int, value: Decimal | None) -> None:
    """Set (or, with None, remove) the indicator's target for `year`, in percent."""
    programme = kpi.programme
    _require_manage(actor, programme.region, programme.municipality)
    if year not in programme.years:
        raise ValidationFailed(_("The year %(year)d is outside the programme's period.") % {"year": year})
    if value is None:
        KpiTarget.objects.filter(kpi=kpi, year=year).delete()
        return
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationFailed(_("A target is a percentage from 0 to 100."))
    KpiTarget.objects.update_or_create(kpi=kpi, year=year, defaults={"value": value})


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, title: str, goals: str, tasks: str,
                     is_public: bool, kpi_codes: list[str] | None = None) -> Programme:
    """Change the programme's title, goals, tasks, whether the public pages show it and, with
    `kpi_codes`, its indicators: an added one gets the shipped yearly targets, a removed one goes
    with its targets and stored figures."""
    _require_manage(actor, programme.region, programme.municipality)
    errors = []
    if not title.strip():
        errors.append(_("The programme needs a title."))
    if kpi_codes is not None:
        unknown = [c for c in kpi_codes if c not in CATALOGUE]
        if unknown:
            errors.append(_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)})
        if not kpi_codes:
            errors.append(_("Choose at least one indicator."))
    if errors:
        raise ValidationFailed(errors)
    programme.title, programme.goals, programme.tasks, programme.is_public = title.strip(), goals, tasks, is_public
    programme.save(update_fields=["title", "goals", "tasks", "is_public", "updated_at"])
    if kpi_codes is not None:
        current = {k.code: k for k in programme.kpis.all()}
        ProgrammeKpi.objects.filter(pk__in=[k.pk for c, k in current.items() if c not in kpi_codes]).delete()
        top = max((k.position for k in current.values()), default=-1)
        for kpi_code in [c for c in CATALOGUE if c in kpi_codes and c not in current]:
            top += 1
            kpi = ProgrammeKpi.objects.create(programme=programme, code=kpi_code, position=top)
            for index, year in enumerate(programme.years):
                value = default_target(kpi_code, index)
                if value is not None:
                    KpiTarget.objects.create(kpi=kpi, year=year, value=Decimal(str(value)))
    return programme

