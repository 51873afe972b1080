"""Every write of identification: rule sets and versions, runs (queued; their execution, which
the task calls, is in `execution.py`), the approved list of a year and manual inclusions/exclusions.
Access is checked here, not in views."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opora.cases.effects import included_schools
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Region, School, User
from opora.core.signals import figures_inputs_changed
from opora.identification.execution import BATCH
from opora.identification.models import (
    ListEntry,
    ListOverride,
    ListVersion,
    OverrideAction,
    RuleKind,
    RuleSet,
    RuleSetVersion,
    Run,
    RunSchool,
    RunStatus,
    YearList,
)
from opora.identification.tasks import identify_task
from opora.jobs.models import Job
from opora.jobs.services import job_create, job_enqueue

# The rule sets Opora ships (METHODS.md §5): code → (kind, name msgid, description msgid).
SHIPPED: dict[str, tuple[str, str, str]] = {
    "federal": (RuleKind.FEDERAL, gettext_noop("Federal risk indicator"),
                gettext_noop("Fail share of 30% or more in two or more procedures this year, and in the same procedure "
                "last year and this year (Rosobrnadzor, 2025).")),
    "municipal": (RuleKind.MUNICIPAL, gettext_noop("Municipal selection"),
                  gettext_noop("Ranks over the last two years: failing and high results in Russian and "
                               "mathematics, failing results in other subjects, earlier inclusions, objectivity; "
                               "the worst 10% are selected.")),
    "quality": (RuleKind.QUALITY, gettext_noop("Quality groups and typology"),
                gettext_noop("Quality index of Russian and mathematics (ВПР grades 5–6, ОГЭ), nine quality "
                             "groups by the pupils' marks; the lowest three groups are low results; "
                             "typology by social well-being.")),
}


def _params_valid(params: dict[str, Any]) -> dict[str, Any]:
    """Validated, complete parameters (defaults filled) or ValidationFailed with the field."""
    from opora.analytics.rules import RuleParams

    try:
        return RuleParams.from_dict(params).to_dict()
    except (ValueError, TypeError) as error:
        raise ValidationFailed(_("The rule set parameters are wrong: %(error)s") % {"error": error}) from error


def rule_sets_ensure() -> None:
    """Create the shipped rule sets with their default parameters as version 1 (idempotent)."""
    from opora.analytics.rules import DEFAULT_RULE_SETS

    for code, (kind, name, description) in SHIPPED.items():
        rule_set, created = RuleSet.objects.get_or_create(
            code=code, defaults={"kind": kind, "name": name, "description": description, "shipped": True})
        if created or not rule_set.versions.exists():
            RuleSetVersion.objects.create(rule_set=rule_set, number=1, params=_params_valid(DEFAULT_RULE_SETS[code]),
                                          comment=gettext_noop("Opora's defaults (METHODS.md §5)"))


def rule_sets_for(user: User) -> list[RuleSet]:
    """Rule sets the user may run or read: shipped ones and their regions' own."""
    regions = access.visible_regions(user)
    return list(RuleSet.objects.filter(region__isnull=True) | RuleSet.objects.filter(region__in=regions))


def _editable(actor: User, rule_set: RuleSet) -> RuleSet:
    """The rule set a new version goes to. A shipped rule set is shared by every region, so a
    regional administrator's edit goes to the region's own copy (created on first edit); only an
    installation administrator versions the shipped one itself."""
    if access.is_superuser(actor):
        return rule_set
    if (own_region := rule_set.region) is not None:
        if not access.can_on_region(actor, Perm.MANAGE_RULE_SETS, own_region):
            raise AccessDenied
        return rule_set
    regions = list(access.regions_for(actor, Perm.MANAGE_RULE_SETS))
    if not regions:
        raise AccessDenied
    if len(regions) > 1:
        raise ValidationFailed(_("You administer several regions: edit the rule set as an installation "
                                 "administrator or from a region's own copy."))
    region = regions[0]
    name = _(rule_set.name) if rule_set.shipped else rule_set.name
    copy, _created = RuleSet.objects.get_or_create(
        code=f"{rule_set.code}-{region.code}",
        defaults={"kind": rule_set.kind, "name": f"{name} — {region.name}", "region": region,
                  "description": _(rule_set.description) if rule_set.shipped else rule_set.description})
    return copy


def rule_set_version_create(*, actor: User, rule_set: RuleSet, params: dict[str, Any],
                            comment: str) -> RuleSetVersion:
    """A new version of a rule set (versions are never edited: past runs keep theirs). Editing a
    shipped rule set as a regional administrator versions the region's own copy; the returned
    version's rule_set says which."""
    if not (access.is_superuser(actor) or access.has_perm_anywhere(actor, Perm.MANAGE_RULE_SETS)):
        raise AccessDenied
    if not comment.strip():
        raise ValidationFailed(_("Say what changed in this version."))
    clean = _params_valid(params)
    if clean.get("kind") != rule_set.kind:
        raise ValidationFailed(_("A new version must keep the rule set's method."))
    with transaction.atomic():
        rule_set = _editable(actor, rule_set)
        last = RuleSetVersion.objects.select_for_update().filter(rule_set=rule_set).order_by("-number").first()
        return RuleSetVersion.objects.create(rule_set=rule_set, number=(last.number + 1) if last else 1,
                                             params=clean, comment=comment.strip(), created_by=actor)


def run_create(*, actor: User | None, region: Region, year: int, rule_set: RuleSet,
               params: dict[str, Any] | None = None, enqueue: bool = True) -> Run:
    """Queue a run for the region and year. With `params` it is a preview of unsaved parameters.

    `actor=None` is the command line (an operator of the installation)."""
    if actor is not None and not access.can_on_region(actor, Perm.RUN_IDENTIFICATION, region):
        raise AccessDenied
    if rule_set.region_id and rule_set.region_id != region.pk:
        raise ValidationFailed(_("This rule set belongs to another region."))
    version = rule_set.current()
    if version is None:
        raise ValidationFailed(_("The rule set has no version yet."))
    preview = params is not None
    used = _params_valid(params) if params is not None else version.params
    with transaction.atomic():
        run = Run.objects.create(region=region, year=year, rule_set=rule_set, version=None if preview else version,
                                 params=used, preview=preview, created_by=actor)
        if enqueue:
            title = (_("Preview of rule set «%(name)s», %(year)s") if preview
                     else _("Identification «%(name)s», %(year)s")) % {"name": rule_set.name, "year": year}
            job = job_create(kind="identification", title=title, user=actor, params={"run": run.pk})
            run.job = job
            run.save(update_fields=["job"])
            job_enqueue(job, identify_task)
    return run


def run_recompute(*, actor: User | None, run: Run, enqueue: bool = True) -> Run:
    """Compute a past run again with the same version and parameters on today's data, so the
    two can be compared (the data may have been re-imported since)."""
    if actor is not None and not access.can_on_region(actor, Perm.RUN_IDENTIFICATION, run.region):
        raise AccessDenied
    with transaction.atomic():
        again = Run.objects.create(region=run.region, year=run.year, rule_set=run.rule_set, version=run.version,
                                   params=run.params, preview=run.preview, created_by=actor)
        if enqueue:
            title = _("Recomputation of run %(number)s, %(year)s") % {"number": run.pk, "year": run.year}
            job = job_create(kind="identification", title=title, user=actor, params={"run": again.pk})
            again.job = job
            again.save(update_fields=["job"])
            job_enqueue(job, identify_task)
    return again


# --- The year's list ------------------------------------------------------------------------------


def _can_approve(actor: User, region: Region) -> None:
    if not access.can_on_region(actor, Perm.APPROVE_LIST, region):
        raise AccessDenied


def _entries_rebuild(year_list: YearList, *, reason: str = "", actor: User | None = None) -> None:
    """The list = the run's proposal, plus schools a confirmed objectivity case puts on it (the
    region's rule for such cases), plus manual inclusions, minus manual exclusions."""
    proposed = set(RunSchool.objects.filter(run=year_list.run, included=True).values_list("school_id", flat=True))
    overrides = {o.school_id: o for o in ListOverride.objects.filter(region=year_list.region, year=year_list.year)}
    wanted: dict[int, tuple[bool, str]] = {pk: (False, "") for pk in proposed}
    for pk, case in included_schools(year_list.region_id, year_list.year).items():
        wanted.setdefault(pk, (True, _("Confirmed signs of non-objective results (%(procedure)s %(year)s): %(reason)s")
                                % {"procedure": case.procedure.upper(), "year": case.year, "reason": case.reason}))
    for pk, o in overrides.items():
        if o.action == OverrideAction.INCLUDE:
            wanted[pk] = (True, o.reason)
        else:
            wanted.pop(pk, None)
    ListEntry.objects.filter(year_list=year_list).delete()
    ListEntry.objects.bulk_create(
        [ListEntry(year_list=year_list, school_id=pk, manual=manual, reason=reason)
         for pk, (manual, reason) in wanted.items()], batch_size=BATCH)
    _version_record(year_list, reason, actor)


def _version_record(year_list: YearList, reason: str, actor: User | None) -> ListVersion | None:
    """A new version of the list when its schools or their reasons changed (the first one always)."""
    entries = [{"school": code, "name": name, "manual": manual, "reason": why}
               for code, name, manual, why in ListEntry.objects.filter(year_list=year_list)
               .order_by("school__code").values_list("school__code", "school__name", "manual", "reason")]
    last = year_list.versions.order_by("-number").first()
    if last is not None and last.entries == entries:
        return None
    return ListVersion.objects.create(year_list=year_list, number=(last.number + 1) if last else 1, entries=entries,
                                      reason=reason, created_by=actor)


def list_refresh(*, region: Region, year: int, reason: str = "", actor: User | None = None) -> None:
    """Rebuild the approved list of the year (if there is one) after a change in what it rests on."""
    year_list = YearList.objects.filter(region=region, year=year).first()
    if year_list is not None:
        _entries_rebuild(year_list, reason=reason, actor=actor)


def list_approve(*, actor: User, run: Run, comment: str = "") -> YearList:
    """Approve the run's proposal (with the manual decisions) as the region's list for the year."""
    _can_approve(actor, run.region)
    if run.preview or run.status != RunStatus.DONE:
        raise ValidationFailed(_("Only a finished identification run can be approved."))
    with transaction.atomic():
        year_list, _created = YearList.objects.update_or_create(
            region=run.region, year=run.year,
            defaults={"run": run, "comment": comment.strip(), "approved_by": actor})
        why = _("Approved from run %(run)s.") % {"run": run.pk}
        _entries_rebuild(year_list, reason=f"{why} {comment.strip()}".strip(), actor=actor)
    figures_inputs_changed.send(sender=YearList, region_id=run.region_id)
    return year_list


def override_set(*, actor: User, region: Region, year: int, school: School, action: str, reason: str) -> ListOverride:
    """Include or exclude a school by hand, with a reason; an approved list follows at once."""
    _can_approve(actor, region)
    if school.municipality.region_id != region.pk:
        raise ValidationFailed(_("The school is not in this region."))
    if action not in OverrideAction.values:
        raise ValidationFailed(_("Choose to include or to exclude the school."))
    if not reason.strip():
        raise ValidationFailed(_("A reason is required for a manual decision."))
    return override_apply(actor=actor, region=region, year=year, school=school, action=action, reason=reason)


def override_apply(*, actor: User, region: Region, year: int, school: School, action: str, reason: str) -> ListOverride:
    """The manual decision without the access check: for a caller that checked its own rule (an
    upheld appeal is decided by the region's coordinator)."""
    with transaction.atomic():
        override, _created = ListOverride.objects.update_or_create(
            region=region, year=year, school=school,
            defaults={"action": action, "reason": reason.strip(), "created_by": actor})
        year_list = YearList.objects.filter(region=region, year=year).first()
        if year_list is not None:
            _entries_rebuild(year_list, reason=f"{school.name}: {OverrideAction(action).label}. {reason.strip()}",
                             actor=actor)
    figures_inputs_changed.send(sender=ListOverride, region_id=region.pk)
    return override


def override_remove(*, actor: User, region: Region, year: int, school: School) -> None:
    _can_approve(actor, region)
    with transaction.atomic():
        ListOverride.objects.filter(region=region, year=year, school=school).delete()
        year_list = YearList.objects.filter(region=region, year=year).first()
        if year_list is not None:
            _entries_rebuild(year_list, reason=_("%(school)s: the manual decision is withdrawn.")
                             % {"school": school.name}, actor=actor)
    figures_inputs_changed.send(sender=ListOverride, region_id=region.pk)


def job_run(job: Job) -> Run | None:
    return Run.objects.filter(job=job).first()
