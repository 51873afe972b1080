"""The practices bank: published practices, searchable by words. Without a caller the public ones;
with a token or a session also every published practice (and the caller's drafts are never listed
here: the API shows the bank, not the work on it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from opora.api.auth import session_auth, token_auth
from opora.api.schemas import DEFAULT_LIMIT, ERRORS, MAX_LIMIT
from opora.support import practice_search as search
from opora.support.models.practices import Practice, PracticeState
from opora.support.practice_forms import factor_names

router = Router(tags=["Банк практик"])


def anonymous(request: HttpRequest) -> bool:
    """No credentials: the caller sees the public practices only."""
    return True


# A token that does not work is still refused (TokenAuth raises); no credentials at all is allowed.
OPTIONAL_AUTH = [token_auth, session_auth, anonymous]


class PracticeQuery(Schema):
    q: str | None = Field(None, max_length=200, description="Слова для поиска (любая форма слова)")
    tag: str | None = Field(None, max_length=60, description="Тег")
    factor: str | None = Field(None, max_length=64, description="Код фактора риска, на который направлена практика")
    subject: str | None = Field(None, max_length=32, description="Код предмета")
    municipality: str | None = Field(None, max_length=20, description="Код муниципалитета школы")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class FileOut(Schema):
    name: str = Field(description="Имя файла")
    size: int = Field(description="Размер, байт")
    url: str = Field(description="Адрес для скачивания")


class FactorOut(Schema):
    code: str
    name: str = Field(description="Название фактора риска")


class PracticeOut(Schema):
    id: int
    title: str = Field(description="Название практики")
    school_code: str
    school_name: str
    municipality_code: str
    municipality_name: str
    problem: str = Field(description="Проблема")
    actions: str = Field(description="Что сделано")
    results: str = Field(description="Результаты")
    tags: list[str] = Field(description="Теги")
    subjects: list[str] = Field(description="Коды предметов")
    risk_factors: list[FactorOut] = Field(description="Факторы риска, на которые направлена практика")
    is_public: bool = Field(description="Школа разрешила показывать практику без входа")
    published_at: datetime | None = Field(description="Когда опубликована")
    files: list[FileOut]
    url: str = Field(description="Страница практики")


class PracticePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PracticeOut]


def _visible(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)  # set by ninja's authentication
    user = auth if auth is not True else None
    if user is None:
        return search.public_practices()
    return search.practices_for(user).filter(state=PracticeState.PUBLISHED)


def _item(request: HttpRequest, p: Practice, names: dict[str, str], public: bool) -> dict[str, Any]:
    page = f"/practices/public/{p.pk}/" if public else f"/practices/{p.pk}/"
    return {
        "id": p.pk, "title": p.title, "school_code": p.school.code, "school_name": p.school.name,
        "municipality_code": p.school.municipality.code, "municipality_name": p.school.municipality.name,
        "problem": p.problem, "actions": p.actions, "results": p.results, "tags": p.tags, "subjects": p.subjects,
        "risk_factors": [{"code": c, "name": names.get(c, c)} for c in p.risk_factors], "is_public": p.is_public,
        "published_at": p.published_at,
        "files": [{"name": f.name, "size": f.size, "url": request.build_absolute_uri(f"/practices/files/{f.pk}/")}
                  for f in p.files.all()],
        "url": request.build_absolute_uri(page),
    }


@router.get("/practices", response={200: PracticePage, **ERRORS}, auth=OPTIONAL_AUTH,
            summary="Банк практик: опубликованные практики")
def practice_list(request: HttpRequest, params: Query[PracticeQuery]) -> dict[str, Any]:
    """Без входа — опубликованные практики, которые школы разрешили показывать всем; с токеном или
    сессией — все опубликованные. Поиск по словам (в PostgreSQL — полнотекстовый, по любой форме слова,
    самые подходящие первыми), фильтры по тегу, фактору риска, предмету, муниципалитету. Имён авторов нет."""
    public = getattr(request, "auth", None) is True
    filters = search.PracticeFilters(q=params.q or "", tag=params.tag or "", factor=params.factor or "",
                                     subject=params.subject or "", municipality=params.municipality or "")
    found = search.search(_visible(request), filters)
    page = (found.select_related("school__municipality").prefetch_related("files")
            [params.offset: params.offset + params.limit])
    names = factor_names()
    return {"count": found.count(), "limit": params.limit, "offset": params.offset,
            "items": [_item(request, p, names, public) for p in page]}


@router.get("/practices/{pk}", response={200: PracticeOut, **ERRORS}, auth=OPTIONAL_AUTH,
            summary="Одна опубликованная практика")
def practice_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    """404, если практики нет, она не опубликована или (без входа) не открыта для всех."""
    practice = (_visible(request).select_related("school__municipality").prefetch_related("files")
                .filter(pk=pk).first())
    if practice is None:
        raise Http404
    return _item(request, practice, factor_names(), getattr(request, "auth", None) is True)
