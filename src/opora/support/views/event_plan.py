"""The plan of events from a file: the upload page (a Job) and its template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from opora.core.imports.upload import upload_save
from opora.jobs.models import Job
from opora.jobs.services import job_create, job_enqueue
from opora.support import import_kinds  # noqa: F401 (declares the imports the mapping page may map)
from opora.support import selectors_events as selectors
from opora.support.forms_events import PlanImportForm
from opora.support.imports_events import IMPORT_JOB_KIND as PLAN_JOB_KIND
from opora.support.imports_events import plan_template
from opora.support.plan_periods import academic_year_of
from opora.support.tasks import import_events_plan_task
from opora.support.views.events import XLSX, event_territories


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    """A municipality's (or the region's) plan of events from a table, checked and loaded as a Job."""
    if not selectors.can_create_events(request.user):
        raise PermissionDenied
    territories = event_territories(request.user)
    initial = {"year": academic_year_of(timezone.localdate()), "territory": territories[0][0] if territories else ""}
    form = PlanImportForm(request.POST or None, request.FILES or None, territories=territories, initial=initial)
    if request.method == "POST" and form.is_valid():
        path, shown = upload_save(form.cleaned_data["file"])
        territory, year = form.cleaned_data["territory"], form.cleaned_data["year"]
        job = job_create(kind=PLAN_JOB_KIND, user=request.user,  # type: ignore[arg-type]
                         title=_("Plan of events %(year)d/%(next)d, %(territory)s: %(file)s") % {
                             "year": year, "next": year + 1, "territory": dict(territories)[territory],
                             "file": shown},
                         params={"path": str(path), "filename": shown, "territory": territory, "year": year})
        job_enqueue(job, import_events_plan_task)
        return redirect(f"{reverse('events:plan_import')}?job={job.pk}")
    jobs = Job.objects.filter(kind=PLAN_JOB_KIND, params__territory__in=[code for code, _name in territories]) \
        .select_related("created_by").order_by("-created_at")[:10]
    current = None
    job_id = request.GET.get("job", "")
    if job_id:
        current = next((j for j in jobs if str(j.pk) == job_id and j.created_by_id == request.user.pk), None)
    return render(request, "support/events/plan_import.html", {"form": form, "jobs": jobs, "current": current})


@login_required
@require_GET
def plan_template_download(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create_events(request.user):
        raise PermissionDenied
    response = HttpResponse(plan_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="opora-events-plan.xlsx"'
    return response
