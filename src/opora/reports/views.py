"""Pages of analytical reports: order one, follow its progress, download it; the list as XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opora.core.form_fields import choice_field
from opora.core.service_errors import form_service_errors
from opora.core.xlsx import xlsx_response
from opora.jobs.models import JobStatus
from opora.reports.data import scope_parse
from opora.reports.files import file_name
from opora.reports.forms import OrderForm
from opora.reports.models import Report
from opora.reports.selectors import report_for, reports_for
from opora.reports.services import report_order


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    form = OrderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with form_service_errors(form) as refused:
            report = report_order(actor=request.user, scope=scope_parse(form.cleaned_data["scope"]),  # type: ignore[arg-type]
                                  year=form.cleaned_data["year"], fmt=form.cleaned_data["format"])
        if not refused.failed:
            messages.success(request, _("The report is being prepared."))
            return redirect("reports:detail", pk=report.pk)
    page = Paginator(reports_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "reports/home.html", {"form": form, "page": page,
                                                 "can_order": bool(choice_field(form, "scope").choices)})


def _get(request: HttpRequest, pk: int) -> Report:
    report = report_for(request.user, pk)
    if report is None:
        raise Http404
    return report


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get(request, pk)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "reports/_state.html", {"report": report})
    return render(request, "reports/detail.html", {"report": report})


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    report = _get(request, pk)
    if not report.file or (report.job and report.job.status != JobStatus.SUCCEEDED):
        raise Http404
    return FileResponse(report.file.open("rb"), as_attachment=True,
                         filename=file_name(report, report.year, report.format))


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    rows = ([r.get_scope_kind_display(), r.scope_label, r.year, r.format.upper(),
             r.created_at.strftime("%d.%m.%Y %H:%M"), str(r.created_by or ""),
             r.job.get_status_display() if r.job else ""] for r in reports_for(request.user)[:5000])
    return xlsx_response(filename="reports.xlsx", title=_("Analytical reports"),
                         headers=[_("Territory level"), _("Territory"), _("Year"), _("Format"), _("Ordered"),
                                  _("Ordered by"), _("Status")], rows=rows)
