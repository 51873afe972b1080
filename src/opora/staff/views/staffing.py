"""The staffing picture: the schools' table and the municipalities' table (aggregates only, XLSX),
and a school's staffing card set against its municipality and region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, Region, School
from opora.core.xlsx import xlsx_response
from opora.core.years import is_valid_year
from opora.staff.development_figures import DevelopmentFigures, development_figures
from opora.staff.models import Vacancy
from opora.staff.services.registry import may_manage_staff, may_view_staff
from opora.staff.staffing import (
    PASSPORT,
    REGISTRY,
    SchoolStaffing,
    TerritoryStaffing,
    percent,
    staffing_for,
    territory_staffing,
)

PAGE_SIZE = 50


def source_label(s: SchoolStaffing) -> str:
    if s.source == REGISTRY:
        return _("staff registry")
    if s.source == PASSPORT:
        return _("social passport %(year)s") % {"year": s.passport_year}
    return _("no data")


def yes_no(value: bool | None) -> str:
    return "—" if value is None else (_("yes") if value else _("no"))


@dataclass
class Line:
    school: School
    figures: SchoolStaffing
    development: DevelopmentFigures | None

    @property
    def source(self) -> str:
        return source_label(self.figures)

    def dev_pct(self, name: str) -> Any:
        d = self.development
        return percent(getattr(d, name), d.teachers) if d else None

    @property
    def diagnosed_pct(self) -> Any:
        return self.dev_pct("diagnosed")

    @property
    def with_deficits_pct(self) -> Any:
        return self.dev_pct("with_deficits")

    @property
    def with_plans_pct(self) -> Any:
        return self.dev_pct("with_plans")

    @property
    def trained_pct(self) -> Any:
        return self.dev_pct("trained")


def year_of(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else 0
    return year if is_valid_year(year) else timezone.localdate().year


def _years(year: int) -> list[int]:
    now = timezone.localdate().year
    return sorted({now - 1, now, year}, reverse=True)


def _require_view(request: HttpRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_SCHOOL):
        raise PermissionDenied


def lines(schools: list[School], year: int) -> list[Line]:
    ids = [s.pk for s in schools]
    figures = staffing_for(ids)
    development = development_figures(school_ids=ids, year=year)
    return [Line(s, figures[s.pk], development.get(s.pk)) for s in schools]


@dataclass
class TerritoryLine:
    name: str
    code: str
    totals: TerritoryStaffing


def territory_lines(regions: QuerySet[Region]) -> tuple[list[TerritoryLine], list[TerritoryLine]]:
    """Per municipality and per region of `regions`, summed over all their active schools."""
    schools = list(School.objects.filter(municipality__region__in=regions, is_active=True)
                   .values_list("pk", "municipality_id", "municipality__region_id"))
    figures = staffing_for(pk for pk, _m, _r in schools)
    by_municipality: dict[int, list[SchoolStaffing]] = {}
    by_region: dict[int, list[SchoolStaffing]] = {}
    for pk, municipality_id, region_id in schools:
        by_municipality.setdefault(municipality_id, []).append(figures[pk])
        by_region.setdefault(region_id, []).append(figures[pk])
    municipalities = [TerritoryLine(m.name, m.code, territory_staffing(by_municipality.get(m.pk, [])))
                      for m in Municipality.objects.filter(region__in=regions).order_by("region__name", "name")]
    region_lines = [TerritoryLine(r.name, r.code, territory_staffing(by_region.get(r.pk, [])))
                    for r in regions.order_by("name")]
    return municipalities, region_lines


def _school_headers() -> list[str]:
    return [_("School code"), _("School"), _("Municipality"), _("Source"), _("Teachers"), _("Open vacancies"),
            _("Aged 60+, %"), _("First category, %"), _("Highest category, %"), _("Psychologist"),
            _("Diagnosed for deficits, %"), _("With deficits, %"), _("With development plans, %"),
            _("Trained on their plans, %")]


def _school_row(line: Line) -> list[Any]:
    f = line.figures
    return [line.school.code, line.school.name, line.school.municipality.name, line.source, f.teachers,
            f.vacancies, f.aged_60_plus_pct, f.first_category_pct, f.highest_category_pct,
            yes_no(f.has_psychologist), line.diagnosed_pct, line.with_deficits_pct, line.with_plans_pct,
            line.trained_pct]


def _territory_headers(kind: str) -> list[str]:
    return [kind, _("Code"), _("Schools"), _("Schools with data"), _("From the registry"), _("Teachers"),
            _("Open vacancies"), _("Aged 60+, %"), _("First category, %"), _("Highest category, %"),
            _("Schools without a psychologist"), _("Without a psychologist, %")]


def _territory_row(line: TerritoryLine) -> list[Any]:
    t = line.totals
    return [line.name, line.code, t.schools, t.with_data, t.from_registry, t.teachers, t.vacancies,
            t.aged_60_plus_pct, t.first_category_pct, t.highest_category_pct, t.without_psychologist,
            t.without_psychologist_pct]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Schools in scope with their staffing figures; municipalities and the region to compare."""
    _require_view(request)
    user, year = request.user, year_of(request)
    schools = access.schools_for(user, Perm.VIEW_SCHOOL).filter(is_active=True).select_related("municipality")
    municipality = request.GET.get("municipality", "")
    if municipality:
        schools = schools.filter(municipality__code=municipality)
    schools = schools.order_by("municipality__name", "name")
    regions = access.visible_regions(user)
    export = request.GET.get("format") == "xlsx"
    if export and request.GET.get("table") == "territories":
        municipalities, region_lines = territory_lines(regions)
        headers = _territory_headers(_("Municipality or region"))
        rows = [_territory_row(m) for m in municipalities] + [_territory_row(r) for r in region_lines]
        return xlsx_response(filename="staffing-territories.xlsx", title=_("Staffing by territory"),
                             headers=headers, rows=rows)
    if export:
        return xlsx_response(filename=f"staffing-{year}.xlsx", title=_("Staffing %(year)s") % {"year": year},
                             headers=_school_headers(), rows=(_school_row(x) for x in lines(list(schools), year)))
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    municipalities, region_lines = territory_lines(regions)
    params = request.GET.copy()
    params.pop("page", None)
    xlsx = params.copy()
    xlsx["format"] = "xlsx"
    territories = xlsx.copy()
    territories["table"] = "territories"
    staff_schools = list(access.staff_schools_for(user, Perm.VIEW_STAFF).filter(is_active=True)
                         .order_by("name")[:30])
    context = {
        "year": year, "years": _years(year), "page": page, "lines": lines(list(page.object_list), year),
        "municipalities": municipalities, "regions": region_lines, "chosen_municipality": municipality,
        "municipality_choices": access.visible_municipalities(user).order_by("name"),
        "query": params.urlencode(), "xlsx_query": xlsx.urlencode(), "territories_query": territories.urlencode(),
        "staff_schools": staff_schools,
        "may_import": access.staff_schools_for(user, Perm.MANAGE_STAFF).exists(),
    }
    return render(request, "staff/home.html", context)


def visible_school(request: HttpRequest, code: str) -> School:
    """The school if the user sees it at all (aggregates); 404 otherwise."""
    school = School.objects.select_related("municipality__region").filter(code=code).first()
    if school is None or not access.can_on_school(request.user, Perm.VIEW_SCHOOL, school):
        raise Http404
    return school


@login_required
@require_GET
def school(request: HttpRequest, code: str) -> HttpResponse:
    """One school's staffing figures against its municipality and region, with the development figures."""
    school = visible_school(request, code)
    year = year_of(request)
    line = lines([school], year)[0]
    in_municipality = list(School.objects.filter(municipality_id=school.municipality_id, is_active=True)
                           .values_list("pk", flat=True))
    in_region = list(School.objects.filter(municipality__region_id=school.municipality.region_id, is_active=True)
                     .values_list("pk", flat=True))
    region_figures = staffing_for(in_region)
    municipality_totals = territory_staffing(region_figures[pk] for pk in in_municipality if pk in region_figures)
    region_totals = territory_staffing(region_figures.values())
    vacancies = list(Vacancy.objects.filter(school=school, filled_on__isnull=True).order_by("opened_on", "pk"))
    context = {
        "school": school, "year": year, "years": _years(year), "line": line,
        "municipality_totals": municipality_totals, "region_totals": region_totals, "vacancies": vacancies,
        "may_view_staff": may_view_staff(request.user, school),  # type: ignore[arg-type]
        "may_manage_staff": may_manage_staff(request.user, school),  # type: ignore[arg-type]
    }
    return render(request, "staff/registry/school.html", context)
