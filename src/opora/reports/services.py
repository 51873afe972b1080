"""Ordering an analytical report and building its file (the page, the task and the command call these)."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.core.models import User
from opora.jobs.services import job_create, job_enqueue
from opora.reports.content import Scope
from opora.reports.data import Progress, build, check_order, territory_line
from opora.reports.models import YEAR_LIMITS, Report, ReportFormat

KIND = "report"


def check_year(year: int) -> None:
    if not YEAR_LIMITS[0] <= year <= YEAR_LIMITS[1]:
        raise ValidationFailed(_("The year must be between %(low)s and %(high)s.")
                               % {"low": YEAR_LIMITS[0], "high": YEAR_LIMITS[1]})


def check_format(fmt: str) -> None:
    if fmt not in ReportFormat.values:
        raise ValidationFailed(_("The format must be docx or pdf."))


def report_bytes(scope: Scope, year: int, fmt: str, *, today: date | None = None,
                 progress: Progress | None = None) -> bytes:
    """The report's file: the same content for both formats (no access check: callers check)."""
    check_year(year)
    check_format(fmt)
    data = build(scope, year, today=today, progress=progress)
    if fmt == ReportFormat.PDF:
        from opora.reports.pdf import report_pdf

        return report_pdf(data)
    from opora.reports.docx import report_docx

    return report_docx(data)


def file_name(scope: Scope | Report, year: int, fmt: str) -> str:
    unit = scope.scope_object if isinstance(scope, Report) else scope.unit
    return f"spravka-{scope.scope_kind if isinstance(scope, Report) else scope.kind}-{unit.code}-{year}.{fmt}"


def report_order(*, actor: User, scope: Scope, year: int, fmt: str) -> Report:
    """Store the order and start building it in the background (a Job with progress by section)."""
    check_order(actor, scope)
    check_year(year)
    check_format(fmt)
    from opora.reports.tasks import build_report_task

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


def report_store(report: Report, content: bytes) -> None:
    report.file.save(file_name(report, report.year, report.format), ContentFile(content), save=False)
    report.save(update_fields=["file"])
