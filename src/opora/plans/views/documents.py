"""The school's documents of a year, one document (read-only, with review, comments, attachments
and measures included from their own templates), its edit form, and the pre-submission check.

No `VIEW_PLANS` anywhere → 403; a school or document outside the user's scope → 404; an action the
user may not do (editing without `EDIT_PLANS`) → 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.http import UserRequest
from opora.core.models import School
from opora.core.years import is_valid_year
from opora.plans import checks, forms, selectors
from opora.plans.calendar import dues_for
from opora.plans.content import CYCLE, SECTIONS
from opora.plans.models import DocState, Document, DocumentKind
from opora.plans.services import documents as services


def require_view(request: UserRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_PLANS):
        raise PermissionDenied


def document_or_404(request: UserRequest, pk: int) -> Document:
    require_view(request)
    try:
        return selectors.document_get(request.user, pk)
    except AccessDenied as error:
        raise Http404 from error


def school_or_404(request: UserRequest, code: str, year: int) -> School:
    require_view(request)
    school = School.objects.select_related("municipality").filter(code=code).first()
    if school is None or not is_valid_year(year) or not selectors.may_view_school(request.user, school):
        raise Http404
    return school


def editable(request: UserRequest, document: Document) -> bool:
    return document.state in services.EDITABLE_STATES and selectors.may_edit(request.user, document)


# --- the school's year -------------------------------------------------------------------------


@login_required
@require_GET
def school_year(request: UserRequest, code: str, year: int) -> HttpResponse:
    school = school_or_404(request, code, year)
    docs = list(Document.objects.filter(school=school, year=year).select_related("updated_by"))
    factors = services.selected_factors(school, year)
    dues = dues_for([school], year)
    rows: list[dict[str, Any]] = []
    for kind in CYCLE:
        of_kind = [d for d in docs if d.kind == kind]
        row: dict[str, Any] = {"kind": kind, "label": DocumentKind(kind).label, "documents": of_kind,
                               "due": dues.get((school.pk, kind))}
        if kind == DocumentKind.ANTIRISK:
            have = {d.factor for d in of_kind}
            row["missing_factors"] = [f for f in factors if f.factor not in have]
            row["missing"] = bool(row["missing_factors"])
        else:
            row["missing"] = not of_kind
        rows.append(row)
    context = {"school": school, "year": year, "rows": rows, "factors": factors,
               "can_edit": access.can_on_school(request.user, Perm.EDIT_PLANS, school),
               "years": [year - 1, year + 1]}
    return render(request, "plans/school_year.html", context)


def _roadmap_ensure() -> Any:
    try:
        from opora.plans.services.measures import roadmap_ensure
    except ImportError:  # helper M's module not there yet: a plain document
        return None
    return roadmap_ensure


@login_required
@require_POST
def document_new(request: UserRequest, code: str, year: int, kind: str) -> HttpResponse:
    school = school_or_404(request, code, year)
    if kind not in DocumentKind.values:
        raise Http404
    try:
        if kind == DocumentKind.ANTIRISK:
            created = services.antirisk_ensure(actor=request.user, school=school, year=year)
            messages.success(request, _("The anti-risk programmes are ready: one per selected risk factor."))
            return redirect("plans:document", pk=created[0].pk) if len(created) == 1 else \
                redirect("plans:school_year", code=school.code, year=year)
        ensure = _roadmap_ensure() if kind == DocumentKind.ROADMAP else None
        if ensure is not None:
            document = ensure(actor=request.user, school=school, year=year)
            return redirect("plans:document", pk=document.pk)
        document = services.document_create(actor=request.user, school=school, year=year, kind=kind)
    except ValidationFailed as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans:school_year", code=school.code, year=year)
    return redirect("plans:document_edit", pk=document.pk)


# --- one document ------------------------------------------------------------------------------


RISK_COLUMNS = {"name": gettext_lazy("Risk factor"), "entry": gettext_lazy("At entry"), "exit": gettext_lazy("At exit")}


def _shown(field: Any, value: Any) -> Any:
    """A date field's ISO text as a date (the page formats it in Russian); other values as they are."""
    if field.type == "date" and isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _readonly(document: Document) -> list[dict[str, Any]]:
    content = document.content or {}
    returned = document.returned_sections if document.state == DocState.RETURNED else []
    result = []
    for s in SECTIONS[document.kind]:
        value = content.get(s.key)
        entry: dict[str, Any] = {"section": s, "key": s.key, "value": value, "returned": s.key in returned,
                                 "rows": [], "columns": [], "table": len(s.fields) > 1}
        if s.type == "list":
            items = value if isinstance(value, list) else []
            entry["rows"] = [[_shown(f, item.get(f.key, "")) if isinstance(item, dict) else "" for f in s.fields]
                             for item in items]
        elif s.type == "risks" and isinstance(value, list) and value and isinstance(value[0], dict):
            keys = list(value[0].keys())
            entry["columns"] = [RISK_COLUMNS.get(k, k) for k in keys]
            entry["rows"] = [[item.get(c, "") for c in keys] for item in value if isinstance(item, dict)]
        result.append(entry)
    return result


@login_required
@require_GET
def document_detail(request: UserRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    can_edit = editable(request, document)
    context = {"document": document, "school": document.school, "sections": _readonly(document),
               "can_edit": can_edit, "has_form": bool(services.editable_sections(document)),
               "problems": checks.submit_problems(document) if can_edit else [],
               "whole_returned": document.state == DocState.RETURNED and not document.returned_sections}
    return render(request, "plans/document.html", context)


@login_required
def document_edit(request: UserRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    if not selectors.may_edit(request.user, document):
        raise PermissionDenied
    if document.state not in services.EDITABLE_STATES:
        messages.error(request, _("The document is %(state)s: it cannot be changed now.")
                       % {"state": document.get_state_display()})
        return redirect("plans:document", pk=document.pk)
    keys = services.editable_sections(document)
    content = dict(document.content or {})
    lock_version = document.lock_version
    errors: list[str] = []
    if request.method == "POST":
        typed = forms.parse(document.kind, request.POST, keys)
        content.update(typed)
        try:
            lock_version = int(request.POST.get("lock_version", ""))
        except ValueError:
            lock_version = -1
        if request.POST.get("add"):
            forms.add_row(document.kind, content, request.POST["add"])
        elif request.POST.get("remove"):
            forms.remove_row(content, request.POST["remove"])
        else:
            try:
                services.document_save(actor=request.user, document=document, content=typed,
                                       lock_version=lock_version)
            except Conflict as error:
                errors = error.messages
                # The next save is a deliberate overwrite of the version the user was told about.
                document.refresh_from_db()
                lock_version = document.lock_version
            except ValidationFailed as error:
                errors = error.messages
            else:
                messages.success(request, _("Saved."))
                return redirect("plans:document", pk=document.pk)
    context = {"document": document, "school": document.school, "errors": errors, "lock_version": lock_version,
               "sections": forms.build(document.kind, content, keys),
               "restricted": len(keys) < len([s for s in SECTIONS[document.kind] if s.type in ("text", "list")])}
    return render(request, "plans/document_edit.html", context)


@login_required
@require_GET
def document_check(request: UserRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    titles = {s.key: s.title for s in SECTIONS[document.kind]}
    problems = [{"problem": p, "title": titles.get(p.section, p.section)} for p in checks.submit_problems(document)]
    context = {"document": document, "school": document.school, "problems": problems,
               "can_edit": editable(request, document)}
    return render(request, "plans/check.html", context)
