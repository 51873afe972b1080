from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from opora.core import selectors


@login_required
def territory(request: HttpRequest) -> HttpResponse:
    """Regions → municipalities: the territory the user may browse."""
    regions = list(selectors.region_list(request.user))
    municipalities = list(selectors.municipality_list(request.user))
    by_region: dict[int, list] = {}
    for m in municipalities:
        by_region.setdefault(m.region_id, []).append(m)
    rows = [(region, by_region.get(region.pk, [])) for region in regions]
    return render(request, "core/territory.html", {"rows": rows})


@login_required
def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    municipality = selectors.municipality_get(request.user, code=code)
    if municipality is None:
        raise Http404
    schools = selectors.school_list(
        request.user, selectors.SchoolFilters(municipality=municipality.pk)
    )
    return render(
        request,
        "core/municipality_detail.html",
        {"municipality": municipality, "schools": schools[:500], "school_count": schools.count()},
    )
