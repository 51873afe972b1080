"""Exports (DOCX, PDF) of a document and its attached files: upload, download, removal.

Files are never served from a public media URL: the download checks VIEW_PLANS on the
document's school like every other roadmap page (403 without the permission at all, 404 for a
document outside the user's scope)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.http import UserRequest
from opora.core.service_errors import message_service_errors
from opora.plans import selectors
from opora.plans.attachment_forms import AttachmentForm
from opora.plans.export_data import export_filenames
from opora.plans.models import Attachment, Document
from opora.plans.services import attachments as service
from opora.plans.templatetags.plans_attachments import STASH

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _require_view(request: UserRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_PLANS):
        raise PermissionDenied


def _document_or_404(request: UserRequest, pk: int) -> Document:
    _require_view(request)
    try:
        return selectors.document_get(request.user, pk)
    except AccessDenied as error:
        raise Http404 from error


def _attachment_or_404(request: UserRequest, attachment_id: int) -> Attachment:
    _require_view(request)
    try:
        return service.attachment_get(request.user, attachment_id)
    except AccessDenied as error:
        raise Http404 from error


def content_disposition(ascii_name: str, readable: str, *, inline: bool = False) -> str:
    """An ASCII `filename` for old clients and the real (Russian) name as RFC 5987 `filename*`."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in ascii_name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(readable, safe='')}"


@login_required
@require_GET
def document_export(request: UserRequest, pk: int, fmt: str) -> HttpResponse:
    document = _document_or_404(request, pk)
    if fmt not in FORMATS:
        raise Http404
    if fmt == "docx":
        from opora.plans.export_docx import document_docx
        body = document_docx(document)
    else:
        from opora.plans.export_pdf import document_pdf
        body = document_pdf(document)
    ascii_name, readable = export_filenames(document, fmt)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition(ascii_name, service.sanitise_name(readable))
    return response


def _back(request: UserRequest, document: Document) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(reverse("plans:document", args=[document.pk]) + "#attachments")


@login_required
@require_POST
def attachment_upload(request: UserRequest, pk: int) -> HttpResponse:
    document = _document_or_404(request, pk)
    if not selectors.may_edit(request.user, document):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        measure = None
        if form.cleaned_data["measure"]:
            measure = document.measures.filter(pk=form.cleaned_data["measure"]).first()
            if measure is None:
                raise Http404
        try:
            attachment = service.attachment_add(actor=request.user, document=document,
                                                upload=form.cleaned_data["file"],
                                                signed=form.cleaned_data["signed"], measure=measure)
        except ValidationFailed as error:
            errors = error.messages
        else:
            messages.success(request, _("File «%(name)s» attached.") % {"name": attachment.name})
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    if errors:
        # Shown next to the form after the redirect, with the user's choice kept.
        request.session[STASH] = {"document": document.pk, "errors": errors,
                                  "signed": bool(request.POST.get("signed")),
                                  "measure": form.cleaned_data.get("measure") if form.is_valid() else None}
    return _back(request, document)


@login_required
@require_GET
def attachment_download(request: UserRequest, attachment_id: int) -> FileResponse:
    attachment = _attachment_or_404(request, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=attachment.content_type or "application/octet-stream")
    suffix = attachment.name.rpartition(".")[2] if "." in attachment.name else "bin"
    response["Content-Disposition"] = content_disposition(f"attachment-{attachment.pk}.{suffix}", attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request: UserRequest, attachment_id: int) -> HttpResponse:
    attachment = _attachment_or_404(request, attachment_id)
    document = attachment.document
    with message_service_errors(request) as refused:
        service.attachment_delete(actor=request.user, attachment=attachment)
    if not refused.failed:
        messages.success(request, _("File «%(name)s» removed.") % {"name": attachment.name})
    return _back(request, document)
