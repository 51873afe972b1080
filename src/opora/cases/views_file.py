"""The case file of an objectivity case as DOCX or PDF, for whoever may see the case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from opora.cases import selectors
from opora.cases.case_file import case_file_docx, case_file_pdf
from opora.core.errors import AccessDenied
from opora.core.http import UserRequest

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
@require_GET
def case_file_download(request: UserRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        case = selectors.case_get(request.user, pk)
    except AccessDenied:
        raise Http404 from None
    body = case_file_docx(case) if fmt == "docx" else case_file_pdf(case)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}-{case.school.code}-{case.year}.{fmt}"'
    return response
