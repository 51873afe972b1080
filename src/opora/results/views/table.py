from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.xlsx import xlsx_response
from opora.results import pages
from opora.results.models import Scale


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def indicator_table(request: HttpRequest) -> HttpResponse:
    """All visible schools with their indicators for one work; sortable, filterable, exportable."""
    years = pages.available_years(request.user)
    context: dict = {"years": years}
    if years:
        year = _int(request.GET.get("year"))
        year = year if year in years else years[0]
        works = list(pages.works_of_year(year))
        work_id = _int(request.GET.get("work"))
        scale: Scale | None = next((w for w in works if w.pk == work_id), None) or (works[0] if works else None)
        context.update(year=year, works=works, scale=scale,
                       municipalities=access.visible_municipalities(request.user).order_by("name"))
        if scale is not None:
            work = pages.Work(procedure=scale.procedure, year=year, subject=scale.subject, grade=scale.grade)
            municipality = _int(request.GET.get("municipality"))
            query = request.GET.get("q", "").strip()[:200]
            sort = request.GET.get("sort", "fail")
            rows = pages.territory_table(request.user, work, municipality=municipality, query=query, sort=sort)
            if request.GET.get("format") == "xlsx":
                return _export(rows, scale)
            page = Paginator(rows, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
            context.update(
                page=page, sort=sort, municipality=municipality, q=query,
                query=_params(request, drop=("page",)),  # for the pagination links
                sort_params=_params(request, drop=("page", "sort")),  # for the column headers
            )
    return render(request, "results/indicator_table.html", context)


def _params(request: HttpRequest, *, drop: tuple[str, ...]) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _export(rows, scale: Scale) -> HttpResponse:  # type: ignore[no-untyped-def]
    headers = [
        _("School code"), _("School"), _("Municipality"), _("Participants"),
        _("Mark 2"), _("Mark 3"), _("Mark 4"), _("Mark 5"),
        _("Fail share, %"), _("Lower bound, %"), _("Upper bound, %"), _("High share, %"),
        _("Mean score, % of maximum"), _("Mean mark"), _("Change of fail share, points"),
        _("Negative dynamics"), _("Small group"),
    ]
    data = (
        [
            r.school.code, r.school.name, r.school.municipality.name, r.participants,
            r.mark2, r.mark3, r.mark4, r.mark5,
            _pct(r.fail_share), _pct(r.fail_low), _pct(r.fail_high), _pct(r.high_share),
            None if r.mean_pct is None else round(r.mean_pct, 1),
            None if r.mean_mark is None else round(r.mean_mark, 2),
            _pct(r.fail_change), _("yes") if r.negative_dynamics else "",
            r.get_small_group_display() if r.small_group else "",
        ]
        for r in rows.iterator(chunk_size=2000)
    )
    name = f"{scale.procedure.code}-{scale.year}-{scale.subject.code}-{scale.grade}.xlsx"
    title = f"{scale.procedure.name} {scale.year} {scale.subject.name} {scale.grade}"
    return xlsx_response(filename=name, title=title, headers=headers, rows=data)

