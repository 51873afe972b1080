"""Dating the demo's document history in the past.

The demo's schools wrote and reviewed their documents over the year, but the loader runs now, and
`time_machine` is a test-only dependency. So the loader calls the services normally (they stamp
`now`), remembers at which plausible past moment each step happened, and then moves the stamps of
one school in one bulk update per table: transitions, revisions, comments, documents. The
notifications the transitions cause are made after the commit (`transaction.on_commit`), so they
are re-dated by a callback registered after them; the demo's e-mails go to a dummy backend (a
production mail server must not mail the demo's example.org addresses).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from opora.notifications.models import Notification
from opora.plans.models import Comment, Document, Revision, Transition

READ_AFTER = timedelta(days=7)  # notifications older than this have been read


def moment(day: date, hour: int = 11) -> datetime:
    """`day` at `hour` local time, never later than an hour ago (a step never happens in the future)."""
    at = timezone.make_aware(datetime.combine(day, time(hour, (hour * 7) % 60)))
    latest = timezone.now() - timedelta(hours=1)
    return min(at, latest)


class Clock:
    """Collects when each step of one school happened; `apply` writes the stamps."""

    def __init__(self) -> None:
        self.transitions: dict[int, datetime] = {}
        self.comments: dict[int, datetime] = {}
        self.resolved: dict[int, datetime] = {}
        self.created: dict[int, datetime] = {}  # document pk → created at

    def transition(self, row: Transition, at: datetime) -> None:
        self.transitions[row.pk] = at

    def comment(self, row: Comment, at: datetime) -> None:
        self.comments[row.pk] = at

    def resolve(self, row: Comment, at: datetime) -> None:
        self.resolved[row.pk] = at

    def document(self, row: Document, at: datetime) -> None:
        self.created.setdefault(row.pk, at)

    def apply(self) -> None:
        rows = list(Transition.objects.filter(pk__in=self.transitions).select_related("revision"))
        for row in rows:
            row.at = self.transitions[row.pk]
        Transition.objects.bulk_update(rows, ["at"])
        revisions = [Revision(pk=r.revision_id, created_at=r.at) for r in rows if r.revision_id
                     and r.to_state == "submitted"]
        Revision.objects.bulk_update(revisions, ["created_at"])
        comments = [Comment(pk=pk, created_at=at) for pk, at in self.comments.items()]
        Comment.objects.bulk_update(comments, ["created_at"])
        resolved = [Comment(pk=pk, resolved_at=at) for pk, at in self.resolved.items()]
        Comment.objects.bulk_update(resolved, ["resolved_at"])
        self._documents(rows)
        self.transitions.clear()
        self.comments.clear()
        self.resolved.clear()
        self.created.clear()

    def _documents(self, rows: list[Transition]) -> None:
        by_document: dict[int, list[Transition]] = {}
        for row in sorted(rows, key=lambda r: (r.at, r.pk)):
            by_document.setdefault(row.document_id, []).append(row)
        documents = list(Document.objects.filter(pk__in=set(self.created) | set(by_document)))
        for d in documents:
            steps = by_document.get(d.pk, [])
            submitted = [t.at for t in steps if t.to_state == "submitted"]
            approved = [t.at for t in steps if t.to_state == "approved"]
            d.submitted_at = submitted[-1] if submitted else None
            d.approved_at = approved[-1] if approved and d.state == "approved" else None
            d.created_at = self.created.get(d.pk) or (steps[0].at - timedelta(days=9) if steps else d.created_at)
            d.updated_at = steps[-1].at if steps else d.created_at + timedelta(days=2)
        Document.objects.bulk_update(documents, ["submitted_at", "approved_at", "created_at", "updated_at"])


def quiet_mail_until_commit() -> Callable[[], None]:
    """The demo's notifications are made when the demo commits: send their e-mails nowhere then, and
    date them like the transitions they tell of (registered before any transition and after all)."""
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    transaction.on_commit(quiet.enable)

    def after() -> None:
        try:
            notifications_redate()
        finally:
            quiet.disable()

    return after


def notifications_redate() -> None:
    at = {f"transition:{pk}": stamp for pk, stamp in Transition.objects.values_list("pk", "at")}
    rows = list(Notification.objects.filter(key__startswith="transition:"))
    now = timezone.now()
    for n in rows:
        n.created_at = at.get(n.key, n.created_at)
        n.emailed_at = n.created_at if n.emailed_at else None
        n.read_at = n.created_at + timedelta(days=1) if now - n.created_at > READ_AFTER else None
    Notification.objects.bulk_update(rows, ["created_at", "emailed_at", "read_at"])
