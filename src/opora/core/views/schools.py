from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from opora.core import access, selectors
from opora.core.access import Perm
from opora.core.forms import SchoolFilterForm
from opora.core.http import UserRequest
from opora.core.passport import passport_rows, staff_summary


@login_required
def school_list(request: UserRequest) -> HttpResponse:
    form = SchoolFilterForm(request.GET or None, user=request.user)
    filters = form.to_filters() if form.is_bound and form.is_valid() else selectors.SchoolFilters()
    schools = selectors.school_list(request.user, filters)
    page = Paginator(schools, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "core/_school_table.html" if request.htmx else "core/school_list.html"
    return render(
        request, template, {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def school_detail(request: UserRequest, code: str) -> HttpResponse:
    school = selectors.school_get(request.user, code=code)
    if school is None:
        raise Http404
    passports = selectors.school_passports(school)
    return render(
        request,
        "core/school_detail.html",
        {
            "school": school,
            "passports": passports,
            "passport_table": passport_rows(passports),
            "staff": staff_summary(passports[0]) if passports else None,
            "can_view_history": access.can_on_school(request.user, Perm.VIEW_HISTORY, school),
            "people": selectors.school_people(school),
        },
    )
