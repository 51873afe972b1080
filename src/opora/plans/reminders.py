"""Daily reminders and the curators' weekly digest (run from cron: `opora plans-remind`,
`opora plans-digest`). Every notification carries a key, so running twice sends nothing twice.

- a document due within PLANS_REMIND_DAYS days, not handed in yet → the school's heads;
- an overdue document → the heads and the reviewers;
- a document waiting for review more than REVIEW_WAIT_DAYS days → the reviewers;
- an overdue roadmap measure → the heads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core.models import Role, RoleAssignment, School, User
from opora.notifications.services import notify
from opora.plans import calendar
from opora.plans.models import DocState, Document, Measure
from opora.plans.notify import document_url, heads, named, reviewers

REVIEW_WAIT_DAYS = 7


def _day(value: date) -> str:
    return date_format(value, "j E Y")


def _with_dues(documents: QuerySet[Document]) -> list[tuple[Document, date]]:
    """The documents that have a due date, with it (a query per year, not per document)."""
    by_year: dict[int, list[Document]] = defaultdict(list)
    for document in documents.select_related("school__municipality"):
        by_year[document.year].append(document)
    found = []
    for year, docs in by_year.items():
        dues = calendar.dues_for({d.school_id: d.school for d in docs}.values(), year)
        found += [(d, dues[(d.school_id, d.kind)]) for d in docs if (d.school_id, d.kind) in dues]
    return found


def _waiting_days(document: Document, today: date) -> int | None:
    if document.state != DocState.SUBMITTED or document.submitted_at is None:
        return None
    return (today - timezone.localdate(document.submitted_at)).days


def _document_reminders(document: Document, due: date, today: date) -> int:
    sent = 0
    names, url, target = named(document), document_url(document), ("plans.document", document.pk)
    days = (due - today).days
    # Due soon: only what the school still has to hand in (a submitted document waits for its reviewer).
    if document.state in (DocState.DRAFT, DocState.RETURNED) and 0 <= days <= settings.PLANS_REMIND_DAYS:
        when = _("today") if days == 0 else ngettext("in %(n)s day", "in %(n)s days", days) % {"n": days}
        sent += notify(users=heads(document.school), verb="due_soon", url=url, target=target,
                       key=f"due_soon:{document.pk}:{due.isoformat()}",
                       subject=_("%(school)s: «%(title)s» is due %(when)s (%(date)s)")
                       % {**names, "when": when, "date": _day(due)})
    if calendar.is_late(document.kind, document.state, due, today):
        people = list(heads(document.school)) + list(reviewers(document.school))
        sent += notify(users=people, verb="overdue", url=url, target=target,
                       key=f"overdue:{document.pk}:{due.isoformat()}",
                       subject=_("%(school)s: «%(title)s» is overdue (it was due %(date)s)")
                       % {**names, "date": _day(due)})
    return sent


def _review_reminders(today: date) -> int:
    sent = 0
    for document in Document.objects.filter(state=DocState.SUBMITTED).select_related("school__municipality"):
        days = _waiting_days(document, today)
        if days is None or days <= REVIEW_WAIT_DAYS:
            continue
        since = timezone.localdate(document.submitted_at)
        sent += notify(users=reviewers(document.school), verb="review_waiting", url=document_url(document),
                       target=("plans.document", document.pk), key=f"review_waiting:{document.pk}:{since}",
                       subject=ngettext("%(school)s: «%(title)s» has been waiting for review for %(n)s day",
                                        "%(school)s: «%(title)s» has been waiting for review for %(n)s days", days)
                       % {**named(document), "n": days})
    return sent


def overdue_measures(today: date) -> QuerySet[Measure]:
    return (Measure.objects.filter(due_on__lt=today).exclude(status__in=calendar.MEASURE_CLOSED)
            .select_related("document__school"))


def _measure_reminders(today: date) -> int:
    sent = 0
    for measure in overdue_measures(today):
        document = measure.document
        sent += notify(users=heads(document.school), verb="measure_overdue", url=document_url(document),
                       target=("plans.measure", measure.pk), key=f"measure_overdue:{measure.pk}:{measure.due_on}",
                       subject=_("%(school)s: the measure «%(measure)s» is overdue (it was due %(date)s)")
                       % {"school": document.school.name, "measure": measure.title[:150],
                          "date": _day(measure.due_on)})  # type: ignore[arg-type]
    return sent


def remind(today: date) -> int:
    """Send the day's reminders; returns how many notifications were made."""
    sent = sum(_document_reminders(d, due, today)
               for d, due in _with_dues(Document.objects.exclude(state=DocState.APPROVED)))
    return sent + _review_reminders(today) + _measure_reminders(today)


# --- the weekly digest --------------------------------------------------------------------------


@dataclass
class Row:
    document: Document
    days: int = 0
    due: date | None = None


def _curators() -> dict[User, list[School]]:
    schools: dict[User, dict[int, School]] = defaultdict(dict)
    for a in (RoleAssignment.objects.filter(role=Role.CURATOR, user__is_active=True)
              .select_related("user").prefetch_related("schools")):
        schools[a.user].update({s.pk: s for s in a.schools.all()})
    return {user: sorted(by_pk.values(), key=lambda s: s.name) for user, by_pk in schools.items() if by_pk}


def digest_for(schools: list[School], today: date) -> dict[str, object]:
    """What one curator's digest lists: waiting documents (oldest first), overdue ones, late measures."""
    documents = Document.objects.filter(school__in=schools)
    waiting = [Row(d, _waiting_days(d, today) or 0)
               for d in documents.filter(state=DocState.SUBMITTED).select_related("school")]
    waiting.sort(key=lambda r: -r.days)
    overdue = [Row(d, due=due) for d, due in _with_dues(documents.exclude(state=DocState.APPROVED))
               if calendar.is_late(d.kind, d.state, due, today)]
    overdue.sort(key=lambda r: (r.due, r.document.school.name))
    measures = overdue_measures(today).filter(document__school__in=schools).count()
    return {"schools": schools, "waiting": waiting, "overdue": overdue, "measures": measures}


def digest(today: date) -> int:
    """One weekly digest per curator (in-app and e-mail); returns how many were sent."""
    week = today.isocalendar()
    sent = 0
    for user, schools in _curators().items():
        context = digest_for(schools, today)
        subject = _("Weekly digest: %(waiting)s waiting for your review, %(overdue)s overdue") % {
            "waiting": len(context["waiting"]), "overdue": len(context["overdue"])}  # type: ignore[arg-type]
        sent += notify(users=[user], verb="digest", subject=subject, url=reverse("plans:home"),
                       body=render_to_string("notifications/digest.txt", context).strip(),
                       key=f"digest:{week.year}-W{week.week:02d}")
    return sent
