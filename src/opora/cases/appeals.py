"""Every write of an appeal against the approved list: filing (by the school's head or its
municipal coordinator, within the region's period after the approval), the region asking for more
information and the answer, the decision. An upheld appeal against the inclusion (or the exclusion)
changes the list through a manual decision with the appeal as its reason, so the list gets a new
version and the earlier one stays in its history; an appeal against a flag records the decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opora.cases import selectors
from opora.cases.models import Appeal, AppealEvent, AppealFile, AppealKind, AppealOutcome, AppealPeriod, AppealState
from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.models import Region, School, User
from opora.identification.explain.labels import FLAGS
from opora.identification.models import ListEntry, OverrideAction, YearList
from opora.notifications.services import notify
from opora.plans.services.attachments import check_upload, save_upload

APPEAL_DAYS = 30  # appeals are taken this many days after the approval, unless the region sets a date
DECISION_DAYS = 30  # the region decides within this many days of the filing
TEXT_MAX = 5_000


def appeal_url(appeal: Appeal) -> str:
    return reverse("cases:appeal", kwargs={"pk": appeal.pk})


def _day(value: date) -> str:
    return date_format(value, "j E Y")


def period_closes(region: Region, year: int) -> date | None:
    """The last day of appeals against the region's list of `year`; None while no list is approved."""
    year_list = YearList.objects.filter(region=region, year=year).first()
    if year_list is None:
        return None
    chosen = AppealPeriod.objects.filter(region=region, year=year).first()
    if chosen is not None:
        return chosen.closes_on
    return timezone.localdate(year_list.approved_at) + timedelta(days=APPEAL_DAYS)


def period_set(*, actor: User, region: Region, year: int, closes_on: date) -> AppealPeriod:
    if not access.can_on_region(actor, Perm.DECIDE_CASES, region):
        raise AccessDenied(_("The period of appeals is set by the regional coordinator."))
    if not YearList.objects.filter(region=region, year=year).exists():
        raise ValidationFailed(_("The list of %(year)s is not approved yet.") % {"year": year})
    period, _created = AppealPeriod.objects.update_or_create(region=region, year=year,
                                                             defaults={"closes_on": closes_on, "set_by": actor})
    return period


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message)
    if len(value) > TEXT_MAX:
        raise ValidationFailed(_("The text is longer than %(n)s characters.") % {"n": TEXT_MAX})
    return value


def _files(appeal: Appeal, actor: User, uploads: Iterable[UploadedFile]) -> None:
    for upload in uploads:
        name, kind = check_upload(upload)
        save_upload(AppealFile(appeal=appeal, name=name, content_type=kind.content_type, size=upload.size or 0,
                               uploaded_by=actor), upload)


def deciders(region: Region) -> QuerySet[User]:
    return selectors.regional_deciders(region)


def _concerned(appeal: Appeal) -> list[User]:
    """The filer, the school's heads and its municipal coordinators."""
    people = {u.pk: u for u in [*selectors.heads(appeal.school), *selectors.municipal_reviewers(appeal.school)]}
    if appeal.filed_by is not None:
        people[appeal.filed_by.pk] = appeal.filed_by
    return list(people.values())


@transaction.atomic
def appeal_file(*, actor: User, school: School, year: int, kind: str, reasons: str, flag: str = "",
                uploads: Iterable[UploadedFile] = ()) -> Appeal:
    if not access.can_on_school(actor, Perm.FILE_APPEALS, school):
        raise AccessDenied(_("An appeal is filed by the school's head or its municipal coordinator."))
    region = school.municipality.region
    closes = period_closes(region, year)
    if closes is None:
        raise ValidationFailed(_("The list of %(year)s is not approved yet.") % {"year": year})
    if timezone.localdate() > closes:
        raise ValidationFailed(_("Appeals against the list of %(year)s were taken until %(day)s.")
                               % {"year": year, "day": _day(closes)})
    if kind not in AppealKind.values:
        raise ValidationFailed(_("Choose what is appealed."))
    listed = ListEntry.objects.filter(year_list__region=region, year_list__year=year, school=school).exists()
    if kind == AppealKind.INCLUSION and not listed:
        raise ValidationFailed(_("The school is not on the list of %(year)s.") % {"year": year})
    if kind == AppealKind.EXCLUSION and listed:
        raise ValidationFailed(_("The school is on the list of %(year)s.") % {"year": year})
    if kind == AppealKind.FLAG and flag not in FLAGS:
        raise ValidationFailed(_("Choose the flag that is appealed."))
    if Appeal.objects.filter(school=school, year=year, kind=kind, flag=flag if kind == AppealKind.FLAG else "") \
            .exclude(state=AppealState.DECIDED).exists():
        raise ValidationFailed(_("The school already has such an appeal under consideration."))
    appeal = Appeal.objects.create(
        region=region, school=school, year=year, kind=kind, flag=flag if kind == AppealKind.FLAG else "",
        reasons=_text(reasons, _("Write the reasons of the appeal.")), filed_by=actor,
        decision_due=timezone.localdate() + timedelta(days=DECISION_DAYS))
    _files(appeal, actor, uploads)
    AppealEvent.objects.create(appeal=appeal, kind="filed", text=appeal.reasons, actor=actor)
    url, people = appeal_url(appeal), list(deciders(region))
    transaction.on_commit(lambda: notify(
        users=people, verb="appeal_filed", url=url, target=("cases.appeal", appeal.pk),
        subject=_("%(school)s appeals %(kind)s (%(year)s)") % {
            "school": school.name, "kind": appeal.get_kind_display(), "year": year},
        body=_("The decision is due %(day)s.") % {"day": _day(appeal.decision_due)}))
    return appeal


def _lock(appeal: Appeal, lock_version: int) -> Appeal:
    locked = Appeal.objects.select_for_update(of=("self",)).select_related("school__municipality", "region",
                                                                            "filed_by").get(pk=appeal.pk)
    if locked.lock_version != lock_version:
        raise Conflict(_("Someone changed the appeal while you were reading it; nothing was saved, here is its "
                         "current state."))
    return locked


def _save(appeal: Appeal, kind: str, text: str, actor: User) -> None:
    appeal.lock_version += 1
    appeal.save()
    AppealEvent.objects.create(appeal=appeal, kind=kind, text=text, actor=actor)


@transaction.atomic
def appeal_ask(*, actor: User, appeal: Appeal, lock_version: int, question: str) -> Appeal:
    locked = _lock(appeal, lock_version)
    if not access.can_on_region(actor, Perm.DECIDE_CASES, locked.region):
        raise AccessDenied
    if locked.state != AppealState.FILED:
        raise ValidationFailed(_("More information is asked while the appeal is under consideration."))
    locked.question = _text(question, _("Write what information is needed."))
    locked.state = AppealState.INFO
    _save(locked, "asked", locked.question, actor)
    url, people = appeal_url(locked), _concerned(locked)
    transaction.on_commit(lambda: notify(
        users=people, verb="appeal_asked", url=url, target=("cases.appeal", locked.pk),
        subject=_("%(school)s: the region asks for more information on the appeal") % {"school": locked.school.name},
        body=locked.question))
    return locked


def may_reply(user: User, appeal: Appeal) -> bool:
    return access.can_on_school(user, Perm.FILE_APPEALS, appeal.school)


@transaction.atomic
def appeal_reply(*, actor: User, appeal: Appeal, lock_version: int, reply: str,
                 uploads: Iterable[UploadedFile] = ()) -> Appeal:
    locked = _lock(appeal, lock_version)
    if not may_reply(actor, locked):
        raise AccessDenied
    if locked.state != AppealState.INFO:
        raise ValidationFailed(_("The region has not asked for more information."))
    locked.reply = _text(reply, _("Write the information asked."))
    locked.state = AppealState.FILED
    _save(locked, "replied", locked.reply, actor)
    _files(locked, actor, uploads)
    url, people = appeal_url(locked), list(deciders(locked.region))
    transaction.on_commit(lambda: notify(
        users=people, verb="appeal_replied", url=url, target=("cases.appeal", locked.pk),
        subject=_("%(school)s answered on the appeal") % {"school": locked.school.name}))
    return locked


@transaction.atomic
def appeal_decide(*, actor: User, appeal: Appeal, lock_version: int, outcome: str, decision: str) -> Appeal:
    from opora.identification.services import override_apply

    locked = _lock(appeal, lock_version)
    if not access.can_on_region(actor, Perm.DECIDE_CASES, locked.region):
        raise AccessDenied(_("The regional coordinator decides the appeal."))
    if locked.state == AppealState.DECIDED:
        raise ValidationFailed(_("The appeal is already decided."))
    if outcome not in AppealOutcome.values:
        raise ValidationFailed(_("Choose the decision: upheld or rejected."))
    locked.outcome, locked.decision = outcome, _text(decision, _("Write the reason."))
    locked.state, locked.decided_by, locked.decided_at = AppealState.DECIDED, actor, timezone.now()
    if outcome == AppealOutcome.UPHELD and locked.kind in (AppealKind.INCLUSION, AppealKind.EXCLUSION):
        action = OverrideAction.EXCLUDE if locked.kind == AppealKind.INCLUSION else OverrideAction.INCLUDE
        override_apply(actor=actor, region=locked.region, year=locked.year, school=locked.school, action=action,
                       reason=_("Appeal %(n)s upheld: %(reason)s") % {"n": locked.pk, "reason": locked.decision})
        year_list = YearList.objects.get(region=locked.region, year=locked.year)
        latest = year_list.versions.order_by("-number").first()
        locked.list_version = latest.number if latest else None
    _save(locked, "decided", f"{locked.get_outcome_display()}: {locked.decision}", actor)
    url, people = appeal_url(locked), _concerned(locked)
    transaction.on_commit(lambda: notify(
        users=people, verb="appeal_decided", url=url, target=("cases.appeal", locked.pk),
        subject=_("%(school)s: the appeal is %(outcome)s") % {
            "school": locked.school.name, "outcome": locked.get_outcome_display()},
        body=locked.decision))
    return locked


def appeals_for(user: User, *, year: int | None = None) -> QuerySet[Appeal]:
    """Appeals of the schools the user sees (a head: the school's; the region: all of its)."""
    qs = Appeal.objects.filter(school__in=access.schools_for(user, Perm.VIEW_IDENTIFICATION))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("school__municipality", "region", "filed_by", "decided_by")


def appeal_get(user: User, pk: int) -> Appeal:
    appeal = appeals_for(user).filter(pk=pk).first()
    if appeal is None:
        raise AccessDenied
    return appeal


def appeal_overdue(appeal: Appeal, today: date) -> bool:
    return appeal.state != AppealState.DECIDED and appeal.decision_due < today


def filing_schools(user: User) -> QuerySet[School]:
    return access.schools_for(user, Perm.FILE_APPEALS).select_related("municipality__region").order_by("name")
