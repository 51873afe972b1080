"""The measures table of a roadmap or a report page, for any page that includes
`plans/_measures.html` with just `document`: the roadmap's rows with overdue marks, the execution
summary, and the actions the user may take (plan changes while editable, reports at any time)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from opora.plans import selectors
from opora.plans.execution import execution_of, is_overdue
from opora.plans.models import Document, DocumentKind, Measure
from opora.plans.services import measures as services

register = template.Library()


def measures_table(user: Any, document: Document) -> dict[str, Any]:
    roadmap = services.roadmap_of(document)
    today = timezone.localdate()
    rows: list[Measure] = list(roadmap.measures.prefetch_related("attachments")) if roadmap else []
    names = services.factor_names(document.school, document.year)
    may_edit = bool(user is not None and user.is_authenticated and selectors.may_edit(user, document))
    return {
        "document": document, "roadmap": roadmap, "is_roadmap": document.kind == DocumentKind.ROADMAP,
        "rows": [{"measure": m, "overdue": is_overdue(m, today), "factor_name": names.get(m.factor, m.factor),
                  "attachments": list(m.attachments.all())} for m in rows],
        "summary": execution_of(rows, today),
        "can_plan": may_edit and document.kind == DocumentKind.ROADMAP and services.plan_editable(document),
        "can_report": may_edit and roadmap is not None,
        "can_prefill": may_edit and document.kind in services.REPORT_KINDS and document.state in services.EDITABLE,
        "here": reverse("plans:document", args=[document.pk]),
    }


@register.simple_tag(takes_context=True)
def measures_panel(context: template.Context, document: Document) -> dict[str, Any]:
    request = context.get("request")
    return measures_table(getattr(request, "user", None) or context.get("user"), document)
