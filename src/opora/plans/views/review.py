"""Review pages: submitting, returning and approving a document, comments, earlier revisions and
what changed between two of them. Without `VIEW_PLANS` anywhere: 403; a document outside the
user's scope: 404; an action the user may not take: 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, Conflict, ValidationFailed
from opora.core.http import UserRequest
from opora.core.service_errors import message_service_errors
from opora.plans import selectors
from opora.plans.content import MEASURES, SECTIONS
from opora.plans.diff import MEASURE_EXTRA
from opora.plans.diff import revision_diff as compare
from opora.plans.models import Comment, Document, Measure, Revision
from opora.plans.services import review as services


def document_or_404(request: UserRequest, pk: int) -> Document:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_PLANS):
        raise PermissionDenied
    try:
        return selectors.document_get(request.user, pk)
    except AccessDenied as error:
        raise Http404 from error


def _lock_version(request: UserRequest) -> int:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return -1  # a form without it is as stale as it gets: Conflict


def _to_document(document: Document, anchor: str = "") -> HttpResponse:
    return redirect(reverse("plans:document", args=[document.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def document_submit(request: UserRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    try:
        services.document_submit(actor=request.user, document=document, lock_version=_lock_version(request))
    except Conflict as error:
        messages.error(request, error.messages[0])
    except ValidationFailed as error:
        messages.error(request, _("The document cannot be submitted yet:"))
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The document is sent for review."))
    return _to_document(document, "review")


@login_required
@require_POST
def document_return(request: UserRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    comment = request.POST.get("comment", "")
    sections = request.POST.getlist("sections")
    try:
        services.document_return(actor=request.user, document=document, comment=comment, sections=sections,
                                 lock_version=_lock_version(request))
    except ValidationFailed as error:
        # Keep what the reviewer typed: the diff page with the review panel, the message on top.
        document.refresh_from_db()
        context = _diff_context(request, document)
        context.update(return_comment=comment, return_sections=sections, review_errors=error.messages)
        return render(request, "plans/diff.html", context, status=409 if isinstance(error, Conflict) else 400)
    messages.success(request, _("The document is returned for revision."))
    return _to_document(document, "review")


@login_required
@require_POST
def document_approve(request: UserRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    with message_service_errors(request) as refused:
        services.document_approve(actor=request.user, document=document, lock_version=_lock_version(request),
                                  comment=request.POST.get("comment", ""))
    if not refused.failed:
        messages.success(request, _("The document is approved."))
    return _to_document(document, "review")


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@login_required
@require_POST
def comment_add(request: UserRequest, pk: int) -> HttpResponse:
    document = document_or_404(request, pk)
    parent = measure = None
    if (parent_id := _int(request.POST.get("parent"))) is not None:
        parent = Comment.objects.filter(document=document, pk=parent_id).first()
        if parent is None:
            raise Http404
    if (measure_id := _int(request.POST.get("measure"))) is not None:
        measure = Measure.objects.filter(document=document, pk=measure_id).first()
        if measure is None:
            raise Http404
    section = request.POST.get("section", "")
    try:
        comment = services.comment_add(actor=request.user, document=document, text=request.POST.get("text", ""),
                                       section=section, measure=measure, parent=parent)
    except ValidationFailed as error:
        for message in error.messages:
            messages.error(request, message)
        return _to_document(document, f"comments-{section or 'document'}")
    return _to_document(document, f"comment-{comment.pk}")


@login_required
@require_POST
def comment_resolve(request: UserRequest, pk: int, comment_id: int) -> HttpResponse:
    document = document_or_404(request, pk)
    comment = Comment.objects.filter(document=document, pk=comment_id).select_related("document__school").first()
    if comment is None:
        raise Http404
    services.comment_resolve(actor=request.user, comment=comment)
    return _to_document(document, f"comment-{comment.pk}")


# --- revisions -----------------------------------------------------------------------------------


def _revision_or_404(document: Document, number: Any) -> Revision:
    wanted = _int(str(number))
    revision = (document.revisions.filter(number=wanted).select_related("created_by").first()
                if wanted is not None else None)
    if revision is None:
        raise Http404
    return revision


def rendered_sections(kind: str, content: dict[str, Any]) -> list[dict[str, Any]]:
    """The content by section for a read-only page: text, or items as (label, value) rows."""
    out = []
    for section in SECTIONS[kind]:
        value = content.get(section.key)
        entry: dict[str, Any] = {"key": section.key, "title": section.title, "type": section.type,
                                 "text": value if isinstance(value, str) else "", "items": []}
        if isinstance(value, list):
            fields = section.fields if section.type == "list" else MEASURES + MEASURE_EXTRA
            entry["items"] = [[(f.label, item.get(f.key) or "") for f in fields if item.get(f.key)]
                              for item in value if isinstance(item, dict)]
        out.append(entry)
    return out


@login_required
@require_GET
def revision_detail(request: UserRequest, pk: int, number: int) -> HttpResponse:
    document = document_or_404(request, pk)
    revision = _revision_or_404(document, number)
    numbers = list(document.revisions.order_by("number").values_list("number", flat=True))
    return render(request, "plans/revision.html", {
        "document": document, "revision": revision, "numbers": numbers,
        "sections": rendered_sections(document.kind, revision.content or {}),
        "previous": revision.number - 1 if revision.number - 1 in numbers else None,
    })


def _diff_context(request: UserRequest, document: Document) -> dict[str, Any]:
    revisions = {r.number: r for r in document.revisions.select_related("created_by")}
    numbers = sorted(revisions)
    b = _int(request.GET.get("b")) if request.GET.get("b") else (numbers[-1] if numbers else None)
    if b is not None and b not in revisions:
        raise Http404
    before = [n for n in numbers if b is not None and n < b]
    a = _int(request.GET.get("a")) if request.GET.get("a") else (before[-1] if before else None)
    if a is not None and a not in revisions:
        raise Http404
    context: dict[str, Any] = {"document": document, "numbers": numbers,
                               "a": revisions.get(a) if a is not None else None,
                               "b": revisions.get(b) if b is not None else None, "sections": []}
    if a is not None and b is not None:
        context["sections"] = compare(revisions[a].content or {}, revisions[b].content or {}, document.kind)
        context["unchanged"] = not any(s.changed for s in context["sections"])
    return context


@login_required
@require_GET
def revision_diff(request: UserRequest, pk: int) -> HttpResponse:
    """What changed since the last review: the latest revision against the one before (or ?a=&b=)."""
    document = document_or_404(request, pk)
    return render(request, "plans/diff.html", _diff_context(request, document))
