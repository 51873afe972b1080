"""Ordering an analytical report: stored, then built in the background by the task (`tasks.py`,
which writes the file with `files.py`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.models import User
from opora.jobs.services import job_create, job_enqueue
from opora.reports.content import Scope
from opora.reports.data import check_order, territory_line
from opora.reports.files import check_format, check_year
from opora.reports.models import Report
from opora.reports.tasks import build_report_task

KIND = "report"


def report_order(*, actor: User, scope: Scope, year: int, fmt: str) -> Report:
    """Store the order and start building it in the background (a Job with progress by section)."""
    check_order(actor, scope)
    check_year(year)
    check_format(fmt)
    with transaction.atomic():
        job = job_create(kind=KIND, user=actor, params={},
                         title=_("Analytical report: %(territory)s, %(year)s") % {
                             "territory": territory_line(scope), "year": year})
        report = Report.objects.create(
            scope_kind=scope.kind, year=year, format=fmt, job=job, created_by=actor,
            school=scope.school_unit, municipality=scope.municipality_unit, region=scope.region_unit)
        job.params = {"report": report.pk}
        job.save(update_fields=["params"])
        job_enqueue(job, build_report_task)
    return report
