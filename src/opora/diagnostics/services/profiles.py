"""Risk profiles: queueing their computation (done by the task with `diagnostics/computation.py`),
the verification by a curator or the municipality, and the school's choice of the factors it will
work on."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.diagnostics import selectors
from opora.diagnostics.models import (
    Campaign,
    Level,
    Profile,
    ProfileAction,
    ProfileEvent,
    ProfileFactor,
    ProfileStatus,
)
from opora.diagnostics.tasks import profiles_task
from opora.jobs.models import Job
from opora.jobs.services import job_create, job_enqueue


def profiles_compute_start(*, actor: User, campaign: Campaign) -> Job:
    """Queue the computation of the campaign's profiles as a background job."""
    if not selectors.may_manage_campaign(actor, campaign):
        raise AccessDenied(_("You may not compute the profiles of this campaign."))
    with transaction.atomic():
        title = _("Risk profiles of «%(title)s»") % {"title": campaign.title}
        job = job_create(kind="risk_profiles", title=title, user=actor, params={"campaign": campaign.pk})
        job_enqueue(job, profiles_task)
    return job


@transaction.atomic
def profile_confirm(*, actor: User, profile: Profile) -> Profile:
    """The verifier agrees with the profile (with the levels changed so far)."""
    if not selectors.may_verify(actor, profile):
        raise AccessDenied(_("You may not verify this profile."))
    if profile.computed_at is None:
        raise ValidationFailed(_("The profile has not been computed yet."))
    profile.status = ProfileStatus.VERIFIED
    profile.verified_by = actor
    profile.verified_at = timezone.now()
    profile.save(update_fields=["status", "verified_by", "verified_at"])
    ProfileEvent.objects.create(profile=profile, action=ProfileAction.CONFIRMED, actor=actor)
    return profile


@transaction.atomic
def factor_level_set(*, actor: User, profile: Profile, factor: str, level: str, reason: str) -> ProfileFactor:
    """The verifier sets a factor's level (the computed one is kept beside it), saying why."""
    if not selectors.may_verify(actor, profile):
        raise AccessDenied(_("You may not verify this profile."))
    row = ProfileFactor.objects.select_for_update().filter(profile=profile, factor=factor).first()
    if row is None:
        raise ValidationFailed(_("The profile has no such risk factor."))
    problems = []
    if level not in Level.values:
        problems.append(_("Choose the level: high, medium or low."))
    reason = (reason or "").strip()
    if not reason:
        problems.append(_("Say why the level is changed."))
    if problems:
        raise ValidationFailed(problems)
    old = row.final_level
    row.verified_level = level
    row.verified_reason = reason
    row.verified_by = actor
    row.verified_at = timezone.now()
    row.save(update_fields=["verified_level", "verified_reason", "verified_by", "verified_at"])
    ProfileEvent.objects.create(profile=profile, action=ProfileAction.LEVEL_CHANGED, factor=factor,
                                old_level=old, new_level=level, reason=reason, actor=actor)
    return row


@transaction.atomic
def factors_select(*, actor: User, profile: Profile, factors: list[str]) -> list[str]:
    """The factors the school will work on (replacing the earlier choice); the codes selected."""
    if not selectors.may_select(actor, profile):
        raise AccessDenied(_("You may not select the risk factors of this school."))
    if profile.status != ProfileStatus.VERIFIED:
        raise ValidationFailed(_("The factors can be selected once the profile is verified."))
    limit = settings.RISK_FACTORS_MAX
    wanted = list(dict.fromkeys(factors))
    if len(wanted) > limit:
        raise ValidationFailed(ngettext("Select at most %(n)s risk factor.", "Select at most %(n)s risk factors.",
                                        limit) % {"n": limit})
    rows = {f.factor: f for f in ProfileFactor.objects.select_for_update().filter(profile=profile)}
    unknown = [code for code in wanted if code not in rows]
    if unknown:
        raise ValidationFailed(_("The profile has no such risk factor: %(codes)s.") % {"codes": ", ".join(unknown)})
    now = timezone.now()
    changed: list[ProfileFactor] = []
    events: list[ProfileEvent] = []
    for code, row in rows.items():
        chosen = code in wanted
        if chosen == row.selected:
            continue
        row.selected = chosen
        row.selected_by = actor if chosen else None
        row.selected_at = now if chosen else None
        changed.append(row)
        events.append(ProfileEvent(profile=profile, factor=code, actor=actor,
                                   action=ProfileAction.SELECTED if chosen else ProfileAction.UNSELECTED))
    ProfileFactor.objects.bulk_update(changed, ["selected", "selected_by", "selected_at"])
    ProfileEvent.objects.bulk_create(events)
    return [code for code in rows if code in wanted]
