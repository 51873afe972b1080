"""The periodic jobs the scheduler runs. Each returns a one-line summary for the schedule page."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.jobs.models import Job, JobStatus


def _command(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out, stderr=io.StringIO())
    return " ".join(out.getvalue().split())[:500]


def plans_remind() -> str:
    """Deadline reminders of the schools' documents and events (the `plans_remind` command)."""
    return _command("plans_remind")


def plans_digest() -> str:
    """Each curator's weekly digest (the `plans_digest` command)."""
    return _command("plans_digest")


def refresh_figures() -> str:
    """Recompute the stored school indicators of every procedure and year in the results store, then
    every programme's stored indicators (their figures read those)."""
    from opora.results.models import ResultPart
    from opora.results.rollups import indicators_refresh

    pairs = sorted(set(ResultPart.objects.filter(active=True).values_list("procedure__code", "year")))
    for procedure, year in pairs:
        indicators_refresh(procedure_code=procedure, year=year)
    from opora.programmes.figures import figures_refresh, programmes_in

    programmes = programmes_in()
    for programme in programmes:
        figures_refresh(programme)
    return _("Indicators recomputed for %(count)s procedure-years; programme indicators for %(programmes)s "
             "programmes.") % {"count": len(pairs), "programmes": len(programmes)}


def jobs_cleanup() -> str:
    """Delete finished background jobs (and their task rows) older than OPORA_JOBS_KEEP_DAYS days,
    and uploaded files kept for a column mapping longer than OPORA_IMPORT_KEEP_DAYS."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from opora.core.imports.upload import uploads_sweep

    files = uploads_sweep(settings.IMPORT_KEEP_DAYS)

    cutoff = timezone.now() - timedelta(days=settings.JOBS_KEEP_DAYS)
    jobs, _rows = Job.objects.filter(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED],
                                     finished_at__lt=cutoff).delete()
    DBTaskResult.objects.filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
                                finished_at__lt=cutoff).delete()
    return _("Finished jobs deleted: %(count)s; uploaded files no longer needed: %(files)s.") % {
        "count": jobs, "files": files}


def decisions_remind() -> str:
    """Once per open part of a meeting decision past its deadline: its owners and the organiser."""
    from opora.support.decision_notify import overdue_notify

    sent = overdue_notify(timezone.localdate())
    return _("Reminders of overdue decisions sent: %(count)s.") % {"count": sent}


def cases_remind() -> str:
    """The day's reminders on objectivity cases: answers due soon, overdue answers and decisions
    (the `opora cases remind` command); keys make a second run the same day send nothing."""
    from opora.cases.services import cases_remind as remind

    sent = remind(timezone.localdate())
    return _("Reminders on objectivity cases sent: %(count)s.") % {"count": sent}


PERIODIC_JOBS: dict[str, Callable[[], str]] = {
    "plans_remind": plans_remind,
    "decisions_remind": decisions_remind,
    "cases_remind": cases_remind,
    "plans_digest": plans_digest,
    "refresh_figures": refresh_figures,
    "jobs_cleanup": jobs_cleanup,
}
JOB_TITLES = {
    "plans_remind": gettext_lazy("Deadline reminders"),
    "decisions_remind": gettext_lazy("Reminders of overdue meeting decisions"),
    "cases_remind": gettext_lazy("Reminders on objectivity cases"),
    "plans_digest": gettext_lazy("Curators' weekly digest"),
    "refresh_figures": gettext_lazy("Nightly refresh of school indicators"),
    "jobs_cleanup": gettext_lazy("Clean-up of old finished jobs"),
}
