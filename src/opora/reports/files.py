"""A report's file: the year and the format checked, the bytes built (the same content for DOCX
and PDF), its name, and storing it on its order. The task, the command and the page call these."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.reports.content import Scope
from opora.reports.data import Progress, build
from opora.reports.models import YEAR_LIMITS, Report, ReportFormat


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


def report_store(report: Report, content: bytes) -> None:
    report.file.save(file_name(report, report.year, report.format), ContentFile(content), save=False)
    report.save(update_fields=["file"])
