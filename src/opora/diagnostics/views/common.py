"""What every risk-profile page checks first: the permission to see them, and the campaign or
profile in the user's scope (403 without the permission at all, 404 for an object outside it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.diagnostics import selectors
from opora.diagnostics.models import Campaign, Profile


def require_view(request: HttpRequest) -> None:
    if not access.has_perm_anywhere(request.user, Perm.VIEW_RISK_PROFILES):
        raise PermissionDenied


def campaign_or_404(request: HttpRequest, pk: int) -> Campaign:
    """The campaign if the user sees one of its schools."""
    require_view(request)
    try:
        return selectors.campaign_get(request.user, pk)
    except AccessDenied as error:
        raise Http404 from error


def profile_or_404(request: HttpRequest, pk: int) -> Profile:
    require_view(request)
    try:
        return selectors.profile_get(request.user, pk)
    except AccessDenied as error:
        raise Http404 from error
