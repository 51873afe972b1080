"""The user's notifications, newest first; unread ones stand out and can be marked read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from opora.notifications import selectors, services


@login_required
@require_GET
def inbox(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    notifications = selectors.notifications_for(request.user)
    page = Paginator(notifications, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {
        "page": page, "unread": notifications.filter(read_at__isnull=True).exists()})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
    """Mark one read; with `open`, go where the notification leads."""
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.mark_read(user=request.user, pk=notification.pk)  # type: ignore[arg-type]
    url = notification.url
    if request.POST.get("open") and url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    services.mark_all_read(user=request.user)  # type: ignore[arg-type]
    return redirect("notifications:inbox")
