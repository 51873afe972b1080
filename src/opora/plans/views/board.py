"""The roadmap start page by role (`workspace`) and the board of schools × stages (`board`, XLSX)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Role, School
from opora.core.xlsx import xlsx_response
from opora.core.years import is_valid_year
from opora.plans.board import (
    NOT_STARTED,
    BoardRow,
    Cell,
    board_rows,
    build_rows,
    review_waits,
    stage_counts,
    state_label,
)
from opora.plans.content import CYCLE
from opora.plans.models import DocState, Document, DocumentKind, Measure, MeasureStatus, Transition


def _require_view(request: HttpRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_PLANS):
        raise PermissionDenied


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else 0
    return year if is_valid_year(year) else timezone.localdate().year


def _years(user: Any, year: int) -> list[int]:
    now = timezone.localdate().year
    stored = (Document.objects.filter(school__in=access.schools_for(user, Perm.VIEW_PLANS))
              .values_list("year", flat=True))
    return sorted({now - 1, now, now + 1, year, *stored.distinct()}, reverse=True)


def _overdue_measures(schools: QuerySet[School] | list[School] | list[int], year: int,
                      today: date) -> QuerySet[Measure]:
    return (Measure.objects.filter(document__school__in=schools, document__year=year,
                                   document__kind=DocumentKind.ROADMAP, due_on__lt=today)
            .exclude(status__in=(MeasureStatus.DONE, MeasureStatus.CANCELLED))
            .select_related("document__school").order_by("due_on", "pk"))


def _waiting(user: Any, today: date) -> list[Document]:
    """Submitted documents of the schools the user reviews, oldest submission first (any year)."""
    # Any: each document is given `waiting_days` for the page.
    documents: list[Any] = list(Document.objects.filter(school__in=access.schools_for(user, Perm.REVIEW_PLANS),
                                             state=DocState.SUBMITTED)
                     .select_related("school").order_by("submitted_at", "pk"))
    waits = review_waits([d.pk for d in documents])
    for d in documents:
        d.waiting_days = waits.get(d.pk)
        if d.waiting_days is None and d.submitted_at:
            d.waiting_days = max((timezone.now() - d.submitted_at).days, 0)
    return documents


def _overdue_stages(rows: list[BoardRow]) -> list[tuple[School, Cell]]:
    return [(r.school, c) for r in rows for c in r.cells if c.overdue]


def _head_schools(user: Any, year: int, today: date) -> list[dict[str, Any]]:
    """Each school the user heads: this year's stages, returned documents first with the reason."""
    schools = list(access.schools_for(user, Perm.EDIT_PLANS).select_related("municipality").order_by("name"))
    rows = build_rows(schools, year=year, today=today)
    returned = [d.pk for r in rows for d in r.documents() if d.state == DocState.RETURNED]
    reasons: dict[int, Transition] = {}
    for t in (Transition.objects.filter(document_id__in=returned, to_state=DocState.RETURNED)
              .select_related("actor").order_by("document_id", "-at", "-pk")):
        reasons.setdefault(t.document_id, t)
    out = []
    for row in rows:
        items: list[dict[str, Any]] = [{"cell": c, "doc": d, "reason": reasons.get(d.pk)}
                                       for c in row.cells for d in c.documents]
        items += [{"cell": c, "doc": None, "reason": None} for c in row.cells if not c.documents]
        order: dict[str, int] = {DocState.RETURNED: 0}
        items.sort(key=lambda i: (order.get(i["doc"].state if i["doc"] else "", 1), CYCLE.index(i["cell"].kind)))
        out.append({"row": row, "items": items, "measures": list(_overdue_measures([row.school], year, today))})
    return out


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user, year, today = request.user, _year(request), timezone.localdate()
    roles = access.roles(user)
    curator = Role.CURATOR in roles
    head = access.has_perm_anywhere(user, Perm.EDIT_PLANS)
    reviewer = access.has_perm_anywhere(user, Perm.REVIEW_PLANS)
    context: dict[str, Any] = {"year": year, "years": _years(user, year), "curator": curator, "head": head,
                               "reviewer": reviewer, "summary": not (curator or head) or access.is_superuser(user)}
    if curator:
        ids = {s.pk for a in access.assignments(user) if a.role == Role.CURATOR for s in a.schools.all()}
        mine = list(School.objects.filter(pk__in=ids).select_related("municipality").order_by("name"))
        context["my_rows"] = build_rows(mine, year=year, today=today)
        context["overdue_stages"] = _overdue_stages(context["my_rows"])
        context["overdue_measures"] = list(_overdue_measures(mine, year, today))
    if reviewer:
        context["waiting"] = _waiting(user, today)
    if head:
        context["head_schools"] = _head_schools(user, year, today)
    if context["summary"]:
        rows = board_rows(user, year=year, today=today)
        context["counts"] = stage_counts(rows)
        context["schools_count"] = len(rows)
        if reviewer and not curator:  # the municipal coordinator: what is overdue in the municipality
            reviewed = set(access.schools_for(user, Perm.REVIEW_PLANS).values_list("pk", flat=True))
            rows = [r for r in rows if r.school.pk in reviewed]
            context["overdue_stages"] = _overdue_stages(rows)
            context["overdue_measures"] = list(_overdue_measures(list(reviewed), year, today))
    return render(request, "plans/workspace.html", context)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    user, year, today = request.user, _year(request), timezone.localdate()
    municipalities = Municipality.objects.filter(
        pk__in=access.schools_for(user, Perm.VIEW_PLANS).values("municipality_id")).order_by("name")
    chosen: dict[str, Any] = {
        "municipality": request.GET.get("municipality", ""),
        "state": request.GET.get("state", "") if request.GET.get("state") in (*DocState.values, NOT_STARTED) else "",
        "overdue": request.GET.get("overdue") == "1",
    }
    rows = board_rows(user, year=year, municipality=chosen["municipality"] or None, state=chosen["state"] or None,
                      overdue_only=chosen["overdue"], today=today)
    if request.GET.get("format") == "xlsx":
        return _export(rows, year)
    params = request.GET.copy()
    params["format"] = "xlsx"
    context = {
        "year": year, "years": _years(user, year), "rows": rows, "counts": stage_counts(rows), "chosen": chosen,
        "municipalities": municipalities, "kinds": [(k, DocumentKind(k).label) for k in CYCLE],
        "states": [(s, state_label(s)) for s in (*DocState.values, NOT_STARTED)], "xlsx_query": params.urlencode(),
        "today": today,
    }
    return render(request, "plans/board.html", context)


def _local(value: Any) -> date | None:
    return timezone.localdate(value) if value else None


def _export(rows: list[BoardRow], year: int) -> HttpResponse:
    headers = [_("School code"), _("School"), _("Municipality")]
    columns = [_("state"), _("submitted on"), _("approved on"), _("due"), _("overdue")]
    antirisk_columns = [_("approved programmes"), _("programmes in all")]
    for kind in CYCLE:
        label = str(DocumentKind(kind).label)
        headers += [f"{label}: {column}" for column in columns]
        if kind == DocumentKind.ANTIRISK:
            headers += [f"{label}: {column}" for column in antirisk_columns]
    headers += [_("Measures"), _("Done"), _("Done on time"), _("Overdue measures"), _("Share done on time")]

    def line(row: BoardRow) -> list[Any]:
        out: list[Any] = [row.school.code, row.school.name, row.school.municipality.name]
        for c in row.cells:
            out += [state_label(c.state), _local(c.submitted_at), _local(c.approved_at), c.due_on,
                    _("yes") if c.overdue else _("no")]
            if c.kind == DocumentKind.ANTIRISK:
                out += [c.approved, c.total]
        e = row.execution
        out += [e.total, e.done, e.done_on_time, e.overdue, e.share_on_time] if e else [0, 0, 0, 0, None]
        return out

    title = _("Roadmaps %(year)s") % {"year": year}
    return xlsx_response(filename=f"roadmaps-{year}.xlsx", title=title, headers=headers, rows=(line(r) for r in rows))
