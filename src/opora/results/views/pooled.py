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
from opora.results.models import Procedure


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@login_required
def pooled_indicators(request: HttpRequest) -> HttpResponse:
    """Schools' results pooled over chosen subjects and grades of one procedure and year."""
    years = pages.available_years(request.user)
    context: dict = {"years": years}
    if years:
        year = (_ints([request.GET.get("year", "")]) or [years[0]])[0]
        year = year if year in years else years[0]
        works = list(pages.works_of_year(year))
        procedures = list(dict.fromkeys(w.procedure for w in works))
        procedure: Procedure | None = next(
            (p for p in procedures if p.code == request.GET.get("procedure")), procedures[0] if procedures else None
        )
        offered = [w for w in works if w.procedure == procedure]
        subject_choices = list(dict.fromkeys((w.subject.code, w.subject.name) for w in offered))
        grade_choices = sorted({w.grade for w in offered})
        subjects = [c for c in request.GET.getlist("subjects") if c in dict(subject_choices)] or [
            c for c, _name in subject_choices
        ]
        grades = [g for g in _ints(request.GET.getlist("grades")) if g in grade_choices] or grade_choices
        municipality = next(iter(_ints([request.GET.get("municipality", "")])), None)
        rows = (
            pages.pooled_table(request.user, procedure=procedure, year=year, subjects=subjects,
                               grades=grades, municipality=municipality)
            if procedure
            else []
        )
        if request.GET.get("format") == "xlsx" and procedure:
            return _export(rows, procedure, year, subjects, grades)
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            year=year, procedures=procedures, procedure=procedure, subject_choices=subject_choices,
            grade_choices=grade_choices, subjects=subjects, grades=grades, municipality=municipality,
            municipalities=access.visible_municipalities(request.user).order_by("name"),
            page=Paginator(rows, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page")),
            query=params.urlencode(),
        )
    return render(request, "results/pooled.html", context)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _export(rows: list[dict], procedure: Procedure, year: int, subjects: list[str], grades: list[int]) -> HttpResponse:
    headers = [
        _("School code"), _("School"), _("Municipality"), _("Participants"),
        _("Fail share, %"), _("Lower bound, %"), _("Upper bound, %"), _("High share, %"),
        _("Mean score, % of maximum"), _("Mean mark"),
    ]
    data = (
        [
            r["school"].code, r["school"].name, r["school"].municipality.name, int(r["participants"]),
            _pct(r["fail_share"]), _pct(r["fail_low"]), _pct(r["fail_high"]), _pct(r["high_share"]),
            None if r["mean_pct"] is None else round(r["mean_pct"], 1),
            None if r["mean_mark"] is None else round(r["mean_mark"], 2),
        ]
        for r in rows
    )
    name = f"{procedure.code}-{year}-{'-'.join(subjects)}-{'-'.join(map(str, grades))}.xlsx"
    return xlsx_response(filename=name[:120], title=f"{procedure.name} {year}", headers=headers, rows=data)
