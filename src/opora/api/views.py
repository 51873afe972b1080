"""The personal API tokens page: list, create (the token is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opora.api import selectors, services
from opora.api.forms import TokenCreateForm
from opora.core.errors import ValidationFailed
from opora.core.models import User


def _user(request: HttpRequest) -> User:
    # Only called behind @login_required.
    assert isinstance(request.user, User)
    return request.user


def _page(
    request: HttpRequest, form: TokenCreateForm, *, raw_token: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": selectors.token_list(_user(request)), "raw_token": raw_token},
        status=status,
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _token, raw = services.token_create(user=_user(request), name=form.cleaned_data["name"])
    except ValidationFailed as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _page(request, form, status=400)
    # Rendered, not redirected: the raw token exists only in this response.
    response = _page(request, TokenCreateForm(), raw_token=raw)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.token_revoke(user=_user(request), token_id=token_id)
    except ValidationFailed as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token has been revoked."))
    return redirect("api_tokens")
