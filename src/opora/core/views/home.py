from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from opora.core import access, selectors
from opora.jobs.selectors import jobs_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Start page: what is in my scope, what needs my attention."""
    summary = selectors.start_page_summary(request.user)
    return render(
        request,
        "core/home.html",
        {
            "summary": summary,
            "assignments": access.assignments(request.user),
            "recent_jobs": jobs_for_user(request.user)[:5],
        },
    )
