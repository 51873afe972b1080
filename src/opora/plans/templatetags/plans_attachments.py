"""The attachments panel of a document page: its files, who may add or remove them, and the
upload form with the last refused upload's errors (kept in the session across the redirect)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from opora.plans import selectors
from opora.plans.attachment_forms import AttachmentForm
from opora.plans.models import Document, DocumentKind
from opora.plans.services import attachments as service

register = template.Library()
STASH = "plans_attachment_refused"


@register.simple_tag(takes_context=True)
def attachments_panel(context: template.Context, document: Document) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    editor = bool(user is not None and user.is_authenticated and selectors.may_edit(user, document))
    refused: dict[str, Any] = {}
    if request is not None and getattr(request, "session", None) is not None:
        stash = request.session.get(STASH)
        if stash and stash.get("document") == document.pk:
            refused = request.session.pop(STASH)
    # Evidence of a roadmap's measures may come at any time, so the roadmap offers its measures.
    measures = list(document.measures.only("pk", "title")) if document.kind == DocumentKind.ROADMAP else []
    documents_too = document.state in service.SIGNED_STATES
    only_signed = document.state not in service.EDITABLE
    rows = [{"attachment": a, "may_delete": editor and user is not None and service.may_delete(user, a)}
            for a in document.attachments.select_related("uploaded_by", "measure")]
    return {
        "rows": rows,
        "may_upload": editor and (documents_too or bool(measures)),
        "documents_too": documents_too,
        "only_signed": only_signed,
        "measures": measures,
        "measure": refused.get("measure"),
        "form": AttachmentForm(initial={"signed": only_signed or refused.get("signed", False)}),
        "errors": refused.get("errors", []),
        "max_size": settings.PLANS_ATTACHMENT_MAX_BYTES,
    }
