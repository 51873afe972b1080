"""`{% deadline document as d %}`: the document's due date, days left and whether it is late,
for `plans/_deadline.html` (the page gives only the document)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from opora.plans import calendar
from opora.plans.models import Document

register = template.Library()


@register.simple_tag
def deadline(document: Document) -> dict[str, Any] | None:
    due = calendar.due_on(document)
    if due is None:
        return None
    days = (due - timezone.localdate()).days
    handed_in = calendar.is_handed_in(document.kind, document.state)
    return {"due": due, "days": days, "late_days": -days, "overdue": days < 0 and not handed_in,
            "pending": days >= 0 and not handed_in}
