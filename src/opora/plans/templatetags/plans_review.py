"""What the review panel and the comment threads need, for any page that includes them with just
`document` (and `section`): the history, the waits, the actions the user may take, the threads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.plans import selectors, timing, workflow
from opora.plans.content import SECTIONS
from opora.plans.models import Comment, DocState, Document
from opora.plans.services import review

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return request.user if request is not None else context.get("user")


def section_titles(kind: str) -> dict[str, str]:
    return {s.key: str(s.title) for s in SECTIONS[kind]}


@register.filter
def duration(value: timedelta | None) -> str:
    """«3 дня», «5 часов», «меньше часа»."""
    if value is None:
        return ""
    if value.days >= 1:
        return ngettext("%(n)s day", "%(n)s days", value.days) % {"n": value.days}
    hours = value.seconds // 3600
    if hours >= 1:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    return _("less than an hour")


@register.simple_tag(takes_context=True)
def review_panel(context: template.Context, document: Document) -> dict[str, Any]:
    user = _user(context)
    titles = section_titles(document.kind)
    transitions = list(document.transitions.select_related("actor", "revision").order_by("at", "pk"))
    history = [{"t": t, "from": DocState(t.from_state).label, "to": DocState(t.to_state).label,
                "sections": [titles.get(k, k) for k in t.sections or []]} for t in transitions]
    actions = workflow.actions(user, document) if user is not None and user.is_authenticated else []
    revisions = list(document.revisions.order_by("number").only("number", "created_at", "document_id"))
    chosen = context.get("return_sections") or []
    return {
        "history": history,
        "waits": timing.waits(transitions, timezone.now()),
        "may_submit": DocState.SUBMITTED in actions,
        "may_approve": DocState.APPROVED in actions,
        "may_return": DocState.RETURNED in actions,
        "reopen": document.state == DocState.APPROVED,
        "returned": [titles.get(k, k) for k in document.returned_sections or []],
        "sections": [{"key": k, "title": v, "checked": k in chosen} for k, v in titles.items()],
        "revisions": revisions,
        "comment": context.get("return_comment", ""),
        "errors": context.get("review_errors") or [],
    }


def _threads(context: template.Context, document: Document) -> list[Comment]:
    """Every root comment of the document with its replies, loaded once per page."""
    render = context.render_context  # one page's rendering
    if "plans_review_threads" not in render:
        render["plans_review_threads"] = {}
    cache: dict[int, list[Comment]] = render["plans_review_threads"]
    if document.pk not in cache:
        rows = list(document.comments.select_related("author", "measure").order_by("created_at", "pk"))
        replies: dict[int, list[Comment]] = {}
        for row in rows:
            if row.parent_id:
                replies.setdefault(row.parent_id, []).append(row)
        roots = [r for r in rows if r.parent_id is None]
        for root in roots:
            root.thread = replies.get(root.pk, [])  # type: ignore[attr-defined]
        cache[document.pk] = roots
    return cache[document.pk]


@register.simple_tag(takes_context=True)
def section_comments(context: template.Context, document: Document, section: str = "") -> dict[str, Any]:
    user = _user(context)
    roots = [r for r in _threads(context, document) if r.section == (section or "")]
    may_comment = bool(user is not None and user.is_authenticated and review.may_comment(user, document))
    reviewer = bool(may_comment and selectors.may_review(user, document))
    for root in roots:
        root.may_resolve = root.resolved_at is None and (  # type: ignore[attr-defined]
            reviewer or (user is not None and root.author_id == user.pk))
    measures = list(document.measures.only("pk", "title", "position")) if section == "measures" else []
    return {"threads": roots, "may_comment": may_comment, "measures": measures,
            "title": section_titles(document.kind).get(section, "")}
