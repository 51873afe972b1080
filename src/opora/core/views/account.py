from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from opora.core import access


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "core/profile.html", {"assignments": access.assignments(request.user)})
