"""Every write of an objectivity case: opening from a run, sending to the school, the school's
answer and files, the municipality's opinion, the region's decision with its consequences,
reopening, and the daily reminders.

The workflow is the table `TRANSITIONS`: a case is opened (`open`), sent to the school with an
answer deadline (`waiting`), answered — or taken for review without an answer — (`review`, with a
decision deadline) and decided (`decided`: confirmed / not confirmed / inconclusive). Each move
locks the row, refuses a stale `lock_version` (two coordinators acting at once never both win)
and leaves a history row. Notifications go out after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from opora.cases import selectors
from opora.cases.effects import works_of
from opora.cases.models import (
    CaseEvent,
    CaseFile,
    CaseState,
    EventKind,
    LowResultsEffect,
    ObjectivityCase,
    Outcome,
)
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.models import School, User
from opora.core.signals import figures_inputs_changed
from opora.identification.models import Run, RunSchool, RunStatus
from opora.notifications.services import notify
from opora.plans.services.attachments import check_upload, save_upload

ANSWER_DAYS = 14  # the school's time to answer, unless the coordinator sets another date
DECISION_DAYS = 14  # the municipality's and the region's time to decide once the case is under review
REMIND_DAYS = 3  # the head is reminded this many days before the answer is due
REASON_MAX = 5_000

OPENER, HEAD, MUNICIPALITY = "opener", "head", "municipality"
# (from state, to state) → who may do it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (CaseState.OPEN, CaseState.WAITING): OPENER,
    (CaseState.WAITING, CaseState.REVIEW): HEAD,  # the answer; the opener may also take it without one
    (CaseState.REVIEW, CaseState.DECIDED): OPENER,
    (CaseState.DECIDED, CaseState.REVIEW): OPENER,  # reopening
}


@dataclass
class Opened:
    created: list[ObjectivityCase] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # school names that already have a case


def _day(value: date) -> str:
    return date_format(value, "j E Y")


def case_url(case: ObjectivityCase) -> str:
    return reverse("cases:case", kwargs={"pk": case.pk})


def _procedure_works(row: RunSchool, procedure: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The works and present sign rows of `procedure` in the run row's evidence."""
    part = (row.evidence or {}).get("objectivity") or {}
    present = [r for r in part.get("present") or [] if isinstance(r, dict) and r.get("procedure") == procedure]
    works: dict[tuple[Any, Any], dict[str, Any]] = {}
    for r in present:
        works.setdefault((r.get("subject"), r.get("grade")), {"subject": r.get("subject"), "grade": r.get("grade")})
    return sorted(works.values(), key=lambda w: (str(w["subject"]), str(w["grade"]))), present


def _event(case: ObjectivityCase, kind: str, actor: User | None, text: str = "", from_state: str = "",
           to_state: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, text=text, from_state=from_state,
                                    to_state=to_state)


def _clean_reason(text: str, *, required: bool, answer: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed(_("Write the answer.") if answer else _("Write the reason."))
    if len(text) > REASON_MAX:
        raise ValidationFailed(_("The text is longer than %(n)s characters.") % {"n": REASON_MAX})
    return text


@transaction.atomic
def cases_open(*, actor: User, run: Run, procedure: str, schools: Iterable[School] = (),
               min_index: float | None = None, answer_due: date | None = None, send: bool = True) -> Opened:
    """Open a case for each chosen school, or for each school of the run whose objectivity index
    reaches `min_index` and which has a sign present in `procedure`. A school that already has a
    case for the year and procedure is skipped (and named)."""
    if not selectors.may_open(actor, run.region):
        raise AccessDenied(_("Cases are opened by the regional coordinator."))
    if run.preview or run.status != RunStatus.DONE:
        raise ValidationFailed(_("Cases are opened from a finished identification run."))
    procedure = (procedure or "").strip()
    if not procedure:
        raise ValidationFailed(_("Choose the procedure."))
    chosen = list(schools)
    if not chosen and min_index is None:
        raise ValidationFailed(_("Choose the schools or the level of the objectivity index."))
    rows = RunSchool.objects.filter(run=run).select_related("school__municipality")
    if chosen:
        rows = rows.filter(school__in=chosen)
        if rows.count() != len({s.pk for s in chosen}):
            raise ValidationFailed(_("Some of the chosen schools are not in this run."))
    else:
        rows = rows.filter(objectivity_index__gte=min_index)
    today = timezone.localdate()
    due = answer_due or today + timedelta(days=ANSWER_DAYS)
    if send and due <= today:
        raise ValidationFailed(_("The answer deadline must be after today."))
    existing = set(ObjectivityCase.objects.filter(year=run.year, procedure=procedure, region=run.region)
                   .values_list("school_id", flat=True))
    opened = Opened()
    for row in rows.order_by("school__municipality__name", "school__name"):
        works, present = _procedure_works(row, procedure)
        if not chosen and not present:
            continue  # by level: only schools with a sign in this procedure
        if row.school_id in existing:
            opened.skipped.append(row.school.name)
            continue
        statuses = ((row.evidence or {}).get("objectivity") or {}).get("statuses") or {}
        case = ObjectivityCase.objects.create(
            region=run.region, school=row.school, year=run.year, procedure=procedure, run=run, works=works,
            signs=present, statuses=statuses, objectivity_index=row.objectivity_index, opened_by=actor)
        _event(case, EventKind.OPENED, actor, to_state=CaseState.OPEN)
        if send:
            _send(case, actor, due)
        opened.created.append(case)
    if not opened.created and not opened.skipped:
        raise ValidationFailed(_("No school of the run has a sign of non-objective results in this procedure at "
                                 "this level."))
    return opened


def _lock(case: ObjectivityCase, lock_version: int | None) -> ObjectivityCase:
    locked = ObjectivityCase.objects.select_for_update(of=("self",)).select_related(
        "school__municipality", "region").get(pk=case.pk)
    if lock_version is not None and locked.lock_version != lock_version:
        raise Conflict(_("Someone changed the case while you were reading it; nothing was saved, here is its "
                         "current state."))
    return locked


def _move(case: ObjectivityCase, to_state: str, actor: User | None, kind: str, text: str = "",
          **fields: Any) -> ObjectivityCase:
    if (case.state, to_state) not in TRANSITIONS:
        raise ValidationFailed(_("The case is %(state)s: this step is not possible now.")
                               % {"state": case.get_state_display()})
    from_state = case.state
    case.state = to_state
    for name, value in fields.items():
        setattr(case, name, value)
    case.lock_version += 1
    case.save()
    _event(case, kind, actor, text, from_state, to_state)
    return case


def _send(case: ObjectivityCase, actor: User, due: date) -> None:
    _move(case, CaseState.WAITING, actor, EventKind.SENT, _("Answer due %(day)s.") % {"day": _day(due)},
          answer_due=due)
    url, school = case_url(case), case.school
    transaction.on_commit(lambda: notify(
        users=selectors.heads(school), verb="case_sent", url=url, target=("cases.case", case.pk),
        subject=_("%(school)s: signs of non-objective results (%(procedure)s %(year)s) to answer by %(day)s")
        % {"school": school.name, "procedure": case.procedure.upper(), "year": case.year, "day": _day(due)},
        body=_("The region asks the school to explain the organisation of the assessment and the checking of "
               "the works. Answer in the case, with files if needed.")))


@transaction.atomic
def case_send(*, actor: User, case: ObjectivityCase, lock_version: int, answer_due: date) -> ObjectivityCase:
    locked = _lock(case, lock_version)
    if not selectors.may_decide(actor, locked):
        raise AccessDenied
    if answer_due <= timezone.localdate():
        raise ValidationFailed(_("The answer deadline must be after today."))
    _send(locked, actor, answer_due)
    return locked


def _to_review(case: ObjectivityCase, actor: User, kind: str, text: str, **fields: Any) -> ObjectivityCase:
    due = timezone.localdate() + timedelta(days=DECISION_DAYS)
    _move(case, CaseState.REVIEW, actor, kind, text, decision_due=due, **fields)
    url, school = case_url(case), case.school
    people = list(selectors.municipal_reviewers(school)) + list(selectors.regional_deciders(case.region))
    subject = (_("%(school)s answered on the signs of non-objective results") if kind == EventKind.ANSWERED
               else _("%(school)s: the case on signs of non-objective results is under review"))
    transaction.on_commit(lambda: notify(
        users=people, verb="case_review", url=url, target=("cases.case", case.pk),
        subject=subject % {"school": school.name},
        body=_("The decision is due %(day)s.") % {"day": _day(due)}))
    return case


@transaction.atomic
def case_answer(*, actor: User, case: ObjectivityCase, lock_version: int, text: str,
                uploads: Iterable[UploadedFile] = ()) -> ObjectivityCase:
    """The head's answer (and its files): the case goes under review."""
    locked = _lock(case, lock_version)
    if not selectors.may_answer(actor, locked):
        raise AccessDenied(_("The school head answers the case."))
    if locked.state != CaseState.WAITING:
        raise ValidationFailed(_("The case is not waiting for the school's answer."))
    text = _clean_reason(text, required=True, answer=True)
    for upload in uploads:
        _file_add(locked, actor, upload)
    return _to_review(locked, actor, EventKind.ANSWERED, text, answer=text, answered_by=actor,
                      answered_at=timezone.now())


def _file_add(case: ObjectivityCase, actor: User, upload: UploadedFile) -> CaseFile:
    name, kind = check_upload(upload)
    item = save_upload(CaseFile(case=case, name=name, content_type=kind.content_type, size=upload.size or 0,
                                uploaded_by=actor), upload)
    _event(case, EventKind.FILE, actor, name)
    return item


@transaction.atomic
def case_file_add(*, actor: User, case: ObjectivityCase, upload: UploadedFile) -> CaseFile:
    """A file of the school's answer, while the case waits for it."""
    locked = _lock(case, None)
    if not selectors.may_answer(actor, locked):
        raise AccessDenied(_("The school head attaches the files of the answer."))
    if locked.state != CaseState.WAITING:
        raise ValidationFailed(_("Files are attached while the case waits for the school's answer."))
    return _file_add(locked, actor, upload)


@transaction.atomic
def case_take(*, actor: User, case: ObjectivityCase, lock_version: int, comment: str) -> ObjectivityCase:
    """The coordinator takes a case for review without the school's answer (a missed deadline)."""
    locked = _lock(case, lock_version)
    if not selectors.may_decide(actor, locked):
        raise AccessDenied
    if locked.state != CaseState.WAITING:
        raise ValidationFailed(_("The case is not waiting for the school's answer."))
    comment = _clean_reason(comment, required=True)
    return _to_review(locked, actor, EventKind.TAKEN, comment)


def _outcome(value: str) -> str:
    if value not in Outcome.values:
        raise ValidationFailed(_("Choose the decision: confirmed, not confirmed or inconclusive."))
    return value


@transaction.atomic
def case_municipal_opinion(*, actor: User, case: ObjectivityCase, lock_version: int, outcome: str,
                           reason: str) -> ObjectivityCase:
    locked = _lock(case, lock_version)
    if not selectors.may_review(actor, locked):
        raise AccessDenied(_("The municipal coordinator gives the municipality's opinion."))
    if locked.state != CaseState.REVIEW:
        raise ValidationFailed(_("The municipality gives its opinion while the case is under review."))
    locked.municipal_outcome = _outcome(outcome)
    locked.municipal_reason = _clean_reason(reason, required=True)
    locked.municipal_by, locked.municipal_at = actor, timezone.now()
    locked.lock_version += 1
    locked.save()
    _event(locked, EventKind.MUNICIPAL, actor, f"{locked.get_municipal_outcome_display()}: {locked.municipal_reason}")
    people, url, school = list(selectors.regional_deciders(locked.region)), case_url(locked), locked.school
    transaction.on_commit(lambda: notify(
        users=people, verb="case_municipal", url=url, target=("cases.case", locked.pk),
        subject=_("%(school)s: the municipality's opinion on the case is given") % {"school": school.name}))
    return locked


@transaction.atomic
def case_decide(*, actor: User, case: ObjectivityCase, lock_version: int, outcome: str, reason: str,
                mark_results: bool = True, low_results_effect: str = LowResultsEffect.EXCLUDE,
                enhanced_control: bool = True) -> ObjectivityCase:
    """The region's decision. A confirmed case carries its consequences (the results marked, the
    effect on the determination, enhanced control); the others carry none."""
    locked = _lock(case, lock_version)
    if not selectors.may_decide(actor, locked):
        raise AccessDenied(_("The regional coordinator decides the case."))
    outcome = _outcome(outcome)
    if locked.state == CaseState.REVIEW and not locked.municipal_outcome \
            and selectors.municipal_reviewers(locked.school).exists():
        raise ValidationFailed(_("The municipality has not given its opinion yet: the region decides after it."))
    if low_results_effect not in LowResultsEffect.values:
        raise ValidationFailed(_("Choose the effect on the low-result determination."))
    reason = _clean_reason(reason, required=True)
    confirmed = outcome == Outcome.CONFIRMED
    _move(locked, CaseState.DECIDED, actor, EventKind.DECIDED, f"{Outcome(outcome).label}: {reason}",
          outcome=outcome, reason=reason, decided_by=actor, decided_at=timezone.now(),
          mark_results=confirmed and mark_results, enhanced_control=confirmed and enhanced_control,
          low_results_effect=low_results_effect if confirmed else LowResultsEffect.NONE)
    _after_decision(locked)
    return locked


def _after_decision(case: ObjectivityCase) -> None:
    from opora.identification.services import list_refresh

    list_refresh(region=case.region, year=case.year, actor=case.decided_by,
                 reason=_("%(school)s: objectivity case decided: %(outcome)s.") % {
                     "school": case.school.name, "outcome": case.get_outcome_display() or _("reopened")})
    people = list(selectors.heads(case.school)) + list(selectors.municipal_reviewers(case.school))
    url, school, region_id = case_url(case), case.school, case.region_id
    subject = _("%(school)s: the case on signs of non-objective results is decided: %(outcome)s") % {
        "school": school.name, "outcome": case.get_outcome_display() or _("reopened")}
    transaction.on_commit(lambda: notify(users=people, verb="case_decided", url=url, subject=subject,
                                         target=("cases.case", case.pk)))
    transaction.on_commit(lambda: figures_inputs_changed.send(sender=ObjectivityCase, region_id=region_id))


@transaction.atomic
def case_reopen(*, actor: User, case: ObjectivityCase, lock_version: int, reason: str) -> ObjectivityCase:
    locked = _lock(case, lock_version)
    if not selectors.may_decide(actor, locked):
        raise AccessDenied
    reason = _clean_reason(reason, required=True)
    _move(locked, CaseState.REVIEW, actor, EventKind.REOPENED, reason, outcome="", reason="", decided_by=None,
          decided_at=None, decision_due=timezone.localdate() + timedelta(days=DECISION_DAYS))
    _after_decision(locked)
    return locked


def cases_remind(today: date | None = None) -> int:
    """Daily: the head before the answer is due; the head, the municipality and the region when an
    answer or a decision is overdue. Keys make a second run the same day send nothing."""
    today = today or timezone.localdate()
    sent = 0
    soon = ObjectivityCase.objects.filter(state=CaseState.WAITING, answer_due__gte=today,
                                          answer_due__lte=today + timedelta(days=REMIND_DAYS))
    for case in soon.select_related("school"):
        sent += notify(
            users=selectors.heads(case.school), verb="case_due", url=case_url(case), target=("cases.case", case.pk),
            key=f"case-due-{case.pk}-{case.answer_due}",
            subject=_("%(school)s: the answer on signs of non-objective results is due %(day)s")
            % {"school": case.school.name, "day": _day(case.answer_due or today)})
    late = ObjectivityCase.objects.filter(selectors.overdue_filter(today)).select_related("school", "region")
    for case in late:
        if case.state == CaseState.WAITING:
            people = [*selectors.heads(case.school), *selectors.municipal_reviewers(case.school),
                      *selectors.regional_deciders(case.region)]
            subject = _("%(school)s: the answer on signs of non-objective results was due %(day)s") % {
                "school": case.school.name, "day": _day(case.answer_due or today)}
            key = f"case-late-answer-{case.pk}-{case.answer_due}"
        else:
            people = [*selectors.municipal_reviewers(case.school), *selectors.regional_deciders(case.region)]
            subject = _("%(school)s: the decision on the case was due %(day)s") % {
                "school": case.school.name, "day": _day(case.decision_due or today)}
            key = f"case-late-decision-{case.pk}-{case.decision_due}"
        made = notify(users=people, verb="case_overdue", url=case_url(case), target=("cases.case", case.pk),
                      key=key, subject=subject)
        if made:
            _event(case, EventKind.REMINDED, None, subject)
        sent += made
    return sent


def works_label(case: ObjectivityCase) -> str:
    parts = []
    for work in works_of(case):
        if work.subject is None:
            parts.append(_("all works"))
        else:
            parts.append(f"{work.subject} {work.grade or ''}".strip())
    return ", ".join(parts)
