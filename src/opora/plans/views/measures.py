"""The roadmap's measures: the table (on the roadmap's and the reports' pages, and as a page of its
own), pulling measures from the programmes (or prefilling a report), adding,
editing and deleting measures while the plan is editable, and reporting execution at any time.

No permission to see documents at all → 403; a document outside the user's scope → 404;
a forbidden action → 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.http import UserRequest
from opora.core.service_errors import form_service_errors
from opora.plans import selectors
from opora.plans.measure_forms import LockForm, MeasureForm, ReportForm
from opora.plans.models import Document, DocumentKind, Measure
from opora.plans.services import measures as services
from opora.plans.templatetags.plans_measures import measures_table

KINDS = (DocumentKind.ROADMAP, *services.REPORT_KINDS)


# --- lookups -------------------------------------------------------------------------------------


def _document_or_404(request: UserRequest, pk: int, *, roadmap: bool = False) -> Document:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_PLANS):
        raise PermissionDenied
    try:
        document = selectors.document_get(request.user, pk)
    except AccessDenied as error:
        raise Http404 from error
    if document.kind not in KINDS or (roadmap and document.kind != DocumentKind.ROADMAP):
        raise Http404
    return document


def _measure_or_404(document: Document, measure_id: int) -> Measure:
    measure = document.measures.filter(pk=measure_id).first()
    if measure is None:
        raise Http404
    measure.document = document
    return measure


def _require_edit(request: UserRequest, document: Document) -> None:
    if not selectors.may_edit(request.user, document):
        raise PermissionDenied


def _back(document: Document) -> str:
    return reverse("plans:document", args=[document.pk]) + "#measures"


def _next_or(request: UserRequest, url: str, fallback: str) -> str:
    ok = url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure())
    return url if ok else fallback


def _errors(request: UserRequest, error: ValidationFailed) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- the table -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def measure_list(request: UserRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    context = {"document": document, "t": measures_table(request.user, document)}
    if request.htmx:
        return render(request, "plans/measure_table.html", context)
    return render(request, "plans/measure_list.html", context)


@login_required
@require_POST
def measures_pull(request: UserRequest, pk: int) -> HttpResponse:
    """On the roadmap: copy the programmes' measures. On a report: fill indicators and risk levels."""
    document = _document_or_404(request, pk)
    _require_edit(request, document)
    form = LockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page is out of date; open it again."))
        return redirect(_back(document))
    lock_version = form.cleaned_data["lock_version"]
    try:
        if document.kind == DocumentKind.ROADMAP:
            added = services.measures_pull(actor=request.user, roadmap=document, lock_version=lock_version)
        else:
            services.report_prefill(actor=request.user, document=document, lock_version=lock_version)
    except ValidationFailed as error:
        _errors(request, error)
        return redirect(_back(document))
    if document.kind != DocumentKind.ROADMAP:
        messages.success(request, _("The indicators and the risk levels are filled from the programmes "
                                    "and the risk profiles."))
    elif added:
        messages.success(request, ngettext("%(n)d measure was added from the programmes.",
                                           "%(n)d measures were added from the programmes.", added) % {"n": added})
    else:
        messages.info(request, _("No new measures in the programmes."))
    return redirect(_back(document))


def _form_page(request: UserRequest, document: Document, form: MeasureForm, measure: Measure | None,
               status: int = 200) -> HttpResponse:
    return render(request, "plans/measure_form.html",
                  {"document": document, "form": form, "measure": measure, "back": _back(document)}, status=status)


def _plan_form(request: UserRequest, document: Document, measure: Measure | None) -> HttpResponse:
    _require_edit(request, document)
    if not services.plan_editable(document):
        messages.error(request, _("The plan of measures can be changed only while the roadmap is a draft "
                                  "or returned for revision."))
        return redirect(_back(document))
    factors = services.factor_names(document.school, document.year)
    if request.method != "POST":
        initial: dict[str, Any] = {"lock_version": document.lock_version}
        if measure is not None:
            initial |= {k: getattr(measure, k) for k in services.PLAN_FIELDS}
        return _form_page(request, document, MeasureForm(initial=initial, factors=factors), measure)
    form = MeasureForm(request.POST, factors=factors, initial={"factor": measure.factor if measure else ""})
    if not form.is_valid():
        return _form_page(request, document, form, measure, status=400)
    lock_version = form.cleaned_data["lock_version"]
    try:
        if measure is None:
            services.measure_add(actor=request.user, roadmap=document, lock_version=lock_version, **form.plan())
        else:
            services.measure_update(actor=request.user, measure=measure, lock_version=lock_version, **form.plan())
    except Conflict as error:
        # Keep what the user typed; the form now carries the current version, so saving again is deliberate.
        data = request.POST.copy()
        data["lock_version"] = str(Document.objects.get(pk=document.pk).lock_version)
        form = MeasureForm(data, factors=factors, initial={"factor": measure.factor if measure else ""})
        form.is_valid()
        _errors(request, error)
        return _form_page(request, document, form, measure, status=409)
    except ValidationFailed as error:
        for message in error.messages:
            form.add_error(None, message)
        return _form_page(request, document, form, measure, status=400)
    messages.success(request, _("The measure is saved."))
    return redirect(_back(document))


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request: UserRequest, pk: int) -> HttpResponse:
    return _plan_form(request, _document_or_404(request, pk, roadmap=True), None)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: UserRequest, pk: int, measure_id: int) -> HttpResponse:
    document = _document_or_404(request, pk, roadmap=True)
    return _plan_form(request, document, _measure_or_404(document, measure_id))


@login_required
@require_http_methods(["GET", "POST"])
def measure_delete(request: UserRequest, pk: int, measure_id: int) -> HttpResponse:
    document = _document_or_404(request, pk, roadmap=True)
    measure = _measure_or_404(document, measure_id)
    _require_edit(request, document)
    if request.method != "POST":
        return render(request, "plans/measure_delete.html",
                      {"document": document, "measure": measure, "back": _back(document)})
    form = LockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page is out of date; open it again."))
        return redirect(_back(document))
    try:
        services.measure_delete(actor=request.user, measure=measure, lock_version=form.cleaned_data["lock_version"])
    except ValidationFailed as error:
        _errors(request, error)
    else:
        messages.success(request, _("The measure is deleted."))
    return redirect(_back(document))


@login_required
@require_http_methods(["GET", "POST"])
def measure_report(request: UserRequest, pk: int, measure_id: int) -> HttpResponse:
    document = _document_or_404(request, pk, roadmap=True)
    measure = _measure_or_404(document, measure_id)
    _require_edit(request, document)
    if request.method != "POST":
        form = ReportForm(initial={"status": measure.status, "done_on": measure.done_on, "fact": measure.fact,
                                   "evidence": measure.evidence, "next": request.GET.get("next", "")})
        status = 200
    else:
        form = ReportForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with form_service_errors(form) as refused:
                services.measure_report(actor=request.user, measure=measure, status=data["status"],
                                        done_on=data["done_on"], fact=data["fact"], evidence=data["evidence"])
            if not refused.failed:
                messages.success(request, _("The execution of the measure is saved."))
                return redirect(_next_or(request, data["next"], _back(document)))
    back = _next_or(request, form["next"].value() or "", _back(document))
    return render(request, "plans/measure_report.html",
                  {"document": document, "measure": measure, "form": form, "back": back}, status=status)
