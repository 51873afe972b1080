"""Request and response shapes of the API. Field descriptions show up in the OpenAPI docs."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from opora.core.models import SchoolType, Settlement

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class ErrorItem(Schema):
    field: str = Field(description="Поле запроса с ошибкой")
    loc: list[str | int]
    message: str = Field(description="Описание ошибки по-русски")
    type: str


class ErrorOut(Schema):
    detail: str = Field(description="Сообщение об ошибке по-русски")
    code: str = Field(
        description="not_authenticated | forbidden | not_found | validation_error | server_error"
    )
    errors: list[ErrorItem] = []


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- Me ---------------------------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    role_label: str
    scope_level: str
    scope_level_label: str
    region: str | None = Field(None, description="Код региона")
    region_name: str | None = None
    municipality: str | None = Field(None, description="Код муниципалитета")
    municipality_name: str | None = None
    school: str | None = Field(None, description="Код школы")
    school_name: str | None = None
    schools: list[str] = Field([], description="Коды школ куратора")


class ScopeOut(Schema):
    schools: int = Field(description="Сколько школ видит пользователь")
    municipalities: int
    regions: int


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    is_superuser: bool
    roles: list[RoleOut]
    scope: ScopeOut


# --- Territory --------------------------------------------------------------------------------


class MunicipalityOut(Schema):
    code: str
    name: str
    region: str = Field(description="Код региона")
    region_name: str
    school_count: int = Field(description="Сколько школ муниципалитета видит пользователь")


class SchoolQuery(Schema):
    municipality: str | None = Field(None, description="Код муниципалитета")
    type: SchoolType | None = Field(None, description="Тип школы")
    settlement: Settlement | None = Field(None, description="Тип поселения")
    q: str | None = Field(None, max_length=200, description="Поиск по названию или коду")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class SchoolOut(Schema):
    code: str
    name: str
    municipality: str = Field(description="Код муниципалитета")
    municipality_name: str
    region: str = Field(description="Код региона")
    type: str
    type_label: str
    settlement: str
    settlement_label: str
    distance_km: float | None = Field(description="Расстояние до муниципального центра, км")
    enrolment: int | None = Field(description="Число обучающихся")
    is_active: bool


class SchoolPage(Schema):
    count: int = Field(description="Сколько всего школ подходит под фильтры")
    limit: int
    offset: int
    items: list[SchoolOut]


class PassportOut(Schema):
    year: int
    parents_higher_education: float | None
    single_parent_families: float | None
    low_income_families: float | None
    large_families: float | None
    unemployed_parents: float | None
    non_russian_home_language: float | None
    special_needs: float | None
    prevention_register: float | None
    teachers: int | None
    vacancies: int | None
    teachers_aged_60_plus: int | None
    teachers_first_category: int | None
    teachers_highest_category: int | None
    has_psychologist: bool | None


class SchoolDetailOut(SchoolOut):
    region_name: str
    passports: list[PassportOut] = Field(description="Социальные паспорта, с последнего года")


# --- Tokens -----------------------------------------------------------------------------------


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="Название токена")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="Первые символы токена, чтобы его узнать")
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Сам токен. Показывается один раз, сохраните его.")
