"""Pages of the practices bank: the search (the section's home), a practice, writing and reviewing
it, its files; the public list and page for visitors without login, and XLSX of both lists."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opora.core.errors import ValidationFailed
from opora.core.http import HtmxRequest, UserRequest, signed_in
from opora.core.service_errors import form_service_errors, message_service_errors
from opora.core.xlsx import xlsx_response
from opora.plans.services.attachments import KINDS
from opora.plans.views.attachments import content_disposition
from opora.support import practice_search as search
from opora.support.models.practices import Practice, PracticeState
from opora.support.practice_forms import FileForm, PracticeForm, ReviewForm, SearchForm, factor_names, subject_choices
from opora.support.services import practices as service

PAGE_SIZE = getattr(settings, "OPORA_PAGE_SIZE", 25)
WORK_LIMIT = 50


# --- lists ------------------------------------------------------------------------------------


def _filters(request: HtmxRequest, base: QuerySet[Practice]) -> tuple[SearchForm, search.PracticeFilters]:
    municipalities = [(m.code, m.name) for m in search.municipalities_with(base)]
    form = SearchForm(request.GET or None, municipalities=municipalities)
    filters = search.PracticeFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = search.PracticeFilters(q=d["q"], tag=d["tag"], subject=d["subject"], factor=d["factor"],
                                         municipality=d["municipality"])
    return form, filters


def _labels() -> dict[str, dict[str, str]]:
    return {"subjects": dict(subject_choices()), "factors": factor_names()}


def _list_context(request: HtmxRequest, base: QuerySet[Practice], *, public: bool) -> dict[str, Any]:
    form, filters = _filters(request, base)
    found = search.search(base, filters).select_related("school__municipality")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    labels = _labels()
    facets = search.facet_values(base)
    return {"form": form, "page": page, "query": query.urlencode(), "public": public, "labels": labels,
            "tags": facets["tags"][:30], "searched": bool(search.words(filters.q)),
            "factor_facets": [(code, labels["factors"].get(code, code), n) for code, n in facets["risk_factors"]]}


@require_GET
def home(anyone: HtmxRequest) -> HttpResponse:
    """The bank: published practices with search and filters; the user's work and reviews on top."""
    request = signed_in(anyone)
    if request is None:
        return redirect("practices:public")
    base = search.practices_for(request.user).filter(state=PracticeState.PUBLISHED)
    context = _list_context(request, base, public=False)
    if request.htmx and request.htmx.target == "practice-table":
        return render(request, "support/practices/_table.html", context)
    work = (search.own_unpublished(request.user) | search.to_review(request.user)).distinct()
    context.update({
        "work": work.select_related("school").order_by("-updated_at", "-pk")[:WORK_LIMIT],
        "review_count": search.to_review(request.user).count(),
        "can_write": bool(service.writable_schools(request.user)),
    })
    return render(request, "support/practices/home.html", context)


@require_GET
def public_list(request: HtmxRequest) -> HttpResponse:
    context = _list_context(request, search.public_practices(), public=True)
    if request.htmx and request.htmx.target == "practice-table":
        return render(request, "support/practices/_table.html", context)
    return render(request, "support/practices/public_list.html", context)


def _export(request: HtmxRequest, base: QuerySet[Practice], *, public: bool) -> HttpResponse:
    _form, filters = _filters(request, base)
    rows = search.search(base, filters).select_related("school__municipality")
    labels = _labels()
    headers = [_("Title"), _("School"), _("Municipality"), _("Problem"), _("What was done"), _("Results"),
               _("Tags"), _("Subjects"), _("Risk factors"), _("Public"), _("Published"), _("Link")]
    name = "practices:public_detail" if public else "practices:detail"

    def line(p: Practice) -> list[Any]:
        return [p.title, p.school.name, p.school.municipality.name, p.problem, p.actions, p.results,
                ", ".join(p.tags), ", ".join(labels["subjects"].get(s, s) for s in p.subjects),
                "; ".join(labels["factors"].get(f, f) for f in p.risk_factors),
                _("yes") if p.is_public else _("no"),
                p.published_at.date() if p.published_at else None,
                request.build_absolute_uri(reverse(name, args=[p.pk]))]

    return xlsx_response(filename="practices.xlsx", title=_("Practices"), headers=headers,
                         rows=(line(p) for p in rows.iterator(chunk_size=500)))


@login_required
@require_GET
def export(request: UserRequest) -> HttpResponse:
    return _export(request, search.practices_for(request.user).filter(state=PracticeState.PUBLISHED), public=False)


@require_GET
def public_export(request: HtmxRequest) -> HttpResponse:
    return _export(request, search.public_practices(), public=True)


# --- one practice -----------------------------------------------------------------------------


def _practice_or_404(request: UserRequest, pk: int) -> Practice:
    practice = search.practice_get(request.user, pk)
    if practice is None:
        raise Http404
    return practice


@require_GET
def public_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    practice = search.public_practices().select_related("school__municipality").filter(pk=pk).first()
    if practice is None:
        raise Http404
    return render(request, "support/practices/public_detail.html", {
        "practice": practice, "files": list(practice.files.all()), "labels": _labels()})


@require_GET
def detail(anyone: HtmxRequest, pk: int) -> HttpResponse:
    request = signed_in(anyone)
    if request is None:
        return redirect("practices:public_detail", pk=pk)
    practice = _practice_or_404(request, pk)
    return _detail(request, practice)


def _detail(request: UserRequest, practice: Practice, *, review_form: ReviewForm | None = None,
            file_errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    writer = service.may_write(user, practice.school)
    moves = service.allowed_moves(user, practice)
    reviewer = service.may_review(user, practice)
    return render(request, "support/practices/detail.html", {
        "practice": practice, "files": list(practice.files.all()), "labels": _labels(),
        "moves": moves, "review_moves": [m for m in moves if m != "submit"],
        "can_edit": service.may_edit(user, practice), "writer": writer,
        "can_delete": writer and practice.state == PracticeState.DRAFT and not practice.transitions.exists(),
        "history": list(practice.transitions.select_related("actor")) if writer or reviewer else [],
        "review_form": review_form or ReviewForm(), "file_form": FileForm(), "file_errors": file_errors or [],
        "files_max": service.FILES_MAX,
    }, status=status)


def _save_form(request: UserRequest, practice: Practice | None) -> HttpResponse:
    schools = service.writable_schools(request.user)
    if practice is not None:
        schools = [practice.school]
    if not schools:
        raise PermissionDenied
    if request.method == "POST":
        form = PracticeForm(request.POST, schools=schools)
        if form.is_valid():
            d = form.cleaned_data
            school = next(s for s in schools if str(s.pk) == d["school"])
            fields = {"title": d["title"], "problem": d["problem"], "actions": d["actions"],
                      "results": d["results"], "tags": d["tags"], "subjects": d["subjects"],
                      "risk_factors": d["risk_factors"], "is_public": d["is_public"]}
            with form_service_errors(form) as call:
                if practice is None:
                    practice = service.practice_create(actor=request.user, school=school, **fields)
                    messages.success(request, _("The practice is saved as a draft. Attach files and send it "
                                                "for review when it is ready."))
                else:
                    practice = service.practice_update(actor=request.user, practice=practice, **fields)
                    messages.success(request, _("Changes saved."))
            if not call.failed:
                return redirect("practices:detail", pk=practice.pk)
    elif practice is not None:
        form = PracticeForm(schools=schools, initial={
            "school": str(practice.school_id), "title": practice.title, "problem": practice.problem,
            "actions": practice.actions, "results": practice.results, "tags": ", ".join(practice.tags),
            "subjects": practice.subjects, "risk_factors": practice.risk_factors, "is_public": practice.is_public})
    else:
        form = PracticeForm(schools=schools)
    return render(request, "support/practices/form.html", {"form": form, "practice": practice,
                                                          "one_school": len(schools) == 1})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: UserRequest) -> HttpResponse:
    return _save_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: UserRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    if not service.may_write(request.user, practice.school):
        raise PermissionDenied
    if practice.state not in service.EDITABLE:
        messages.error(request, _("The practice is under review or published: it is not edited now."))
        return redirect("practices:detail", pk=pk)
    return _save_form(request, practice)


MOVE_DONE = {
    "submit": gettext_lazy("The practice is sent for review."),
    "publish": gettext_lazy("The practice is published."),
    "return": gettext_lazy("The practice is returned for revision."),
    "withdraw": gettext_lazy("The practice is withdrawn from the bank and returned for revision."),
}


@login_required
@require_POST
def transition(request: UserRequest, pk: int, action: str) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    if action not in service.MOVES:
        raise Http404
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        service.practice_transition(actor=request.user, practice=practice, action=action,
                                    comment=form.cleaned_data.get("comment", ""))
    except ValidationFailed as error:
        for message in error.messages:
            form.add_error("comment", message)
        return _detail(request, practice, review_form=form, status=422)
    messages.success(request, str(MOVE_DONE[action]))
    return redirect("practices:detail", pk=pk)


@login_required
@require_POST
def set_public(request: UserRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    wanted = request.POST.get("is_public") == "1"
    service.practice_set_public(actor=request.user, practice=practice, is_public=wanted)
    if wanted:
        messages.success(request, _("The school agrees to show the practice publicly."))
    else:
        messages.success(request, _("The practice is no longer shown publicly."))
    return redirect("practices:detail", pk=pk)


@login_required
@require_POST
def delete(request: UserRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    try:
        service.practice_delete(actor=request.user, practice=practice)
    except ValidationFailed as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("practices:detail", pk=pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("practices:home")


# --- files ------------------------------------------------------------------------------------


@login_required
@require_POST
def file_upload(request: UserRequest, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, pk)
    if not service.may_write(request.user, practice.school):
        raise PermissionDenied
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _detail(request, practice, file_errors=errors, status=422)
    try:
        item = service.practice_file_add(actor=request.user, practice=practice, upload=form.cleaned_data["file"])
    except ValidationFailed as error:
        return _detail(request, practice, file_errors=error.messages, status=422)
    messages.success(request, _("File «%(name)s» attached.") % {"name": item.name})
    return redirect(reverse("practices:detail", args=[pk]) + "#files")


@require_GET
def file_download(request: HtmxRequest, pk: int) -> FileResponse:
    """A file of a practice the caller may open (a public practice's files without login)."""
    item = search.file_get(request.user, pk)
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    suffix = item.name.rpartition(".")[2].lower() if "." in item.name else "bin"
    kind = KINDS.get(f".{suffix}")
    response = FileResponse(handle, content_type=kind.content_type if kind else "application/octet-stream")
    response["Content-Disposition"] = content_disposition(f"practice-file-{item.pk}.{suffix}", item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def file_delete(request: UserRequest, pk: int) -> HttpResponse:
    item = search.file_get(request.user, pk)
    if item is None:
        raise Http404
    with message_service_errors(request) as refused:
        service.practice_file_delete(actor=request.user, item=item)
    if not refused.failed:
        messages.success(request, _("File «%(name)s» removed.") % {"name": item.name})
    return redirect(reverse("practices:detail", args=[item.practice_id]) + "#files")
