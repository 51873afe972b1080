"""The caller's own personal API tokens."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router

from opora.api import selectors, services
from opora.api.auth import caller
from opora.api.schemas import ERRORS, TokenCreatedOut, TokenIn, TokenOut
from opora.core.models import ApiToken

router = Router(tags=["Токены API"])


def _token(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="Мои токены")
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    """Токены пользователя: название, начало токена, когда создан и использован."""
    return [_token(t) for t in selectors.token_list(caller(request))]


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS}, summary="Создать токен")
def token_create(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    """Новый токен. Сам токен возвращается только в этом ответе."""
    token, raw = services.token_create(user=caller(request), name=payload.name)
    return 201, {**_token(token), "token": raw}


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="Отозвать токен")
def token_revoke(request: HttpRequest, token_id: int) -> tuple[int, None]:
    """Отзывает токен пользователя; запросы с ним сразу перестают работать."""
    if selectors.token_get(caller(request), token_id=token_id) is None:
        raise Http404
    services.token_revoke(user=caller(request), token_id=token_id)
    return 204, None
