"""Schools and municipalities the caller may see, scoped exactly as on the pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router

from opora.api.auth import caller
from opora.api.schemas import ERRORS, MunicipalityOut, SchoolDetailOut, SchoolPage, SchoolQuery
from opora.core import selectors
from opora.core.models import PASSPORT_SHARE_FIELDS, PASSPORT_STAFF_FIELDS, School
from opora.core.selectors import SchoolFilters

router = Router(tags=["Школы"])


def _school(school: School) -> dict[str, object]:
    return {
        "code": school.code,
        "name": school.name,
        "municipality": school.municipality.code,
        "municipality_name": school.municipality.name,
        "region": school.municipality.region.code,
        "type": school.type,
        "type_label": str(school.get_type_display()),
        "settlement": school.settlement,
        "settlement_label": str(school.get_settlement_display()),
        "distance_km": school.distance_km,
        "enrolment": school.enrolment,
        "is_active": school.is_active,
    }


@router.get("/schools", response={200: SchoolPage, **ERRORS}, summary="Список школ")
def school_list(request: HttpRequest, params: Query[SchoolQuery]) -> dict[str, object]:
    """Школы, доступные пользователю, по коду; фильтры и постраничная выдача (limit/offset)."""
    filters = SchoolFilters(
        query=(params.q or "").strip(),
        type=params.type.value if params.type else "",
        settlement=params.settlement.value if params.settlement else "",
    )
    schools = selectors.school_list(caller(request), filters)
    if params.municipality:
        schools = schools.filter(municipality__code=params.municipality)
    # Ordered by code so that offsets stay stable while a client pages through.
    schools = schools.select_related("municipality__region").order_by("code")
    page = schools[params.offset : params.offset + params.limit]
    return {
        "count": schools.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [_school(s) for s in page],
    }


@router.get(
    "/schools/{code}", response={200: SchoolDetailOut, **ERRORS}, summary="Карточка школы"
)
def school_detail(request: HttpRequest, code: str) -> dict[str, object]:
    """Школа и её социальные паспорта по годам. 404, если школы нет или она недоступна."""
    school = selectors.school_get(caller(request), code=code)
    if school is None:
        raise Http404
    fields = ("year", *PASSPORT_SHARE_FIELDS, *PASSPORT_STAFF_FIELDS)
    passports = [
        {field: getattr(p, field) for field in fields} for p in selectors.school_passports(school)
    ]
    return {**_school(school), "region_name": school.municipality.region.name,
            "passports": passports}


@router.get(
    "/municipalities", response={200: list[MunicipalityOut], **ERRORS},
    summary="Список муниципалитетов",
)
def municipality_list(request: HttpRequest) -> list[dict[str, object]]:
    """Муниципалитеты, доступные пользователю, с числом видимых ему школ."""
    return [
        {
            "code": m.code,
            "name": m.name,
            "region": m.region.code,
            "region_name": m.region.name,
            "school_count": m.school_count,  # type: ignore[attr-defined]  # annotated by municipality_list
        }
        for m in selectors.municipality_list(caller(request))
    ]
