"""The imports page: upload a file of schools or social passports; it runs as a background job."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from opora.core import access
from opora.core.access import Perm
from opora.core.imports import templates
from opora.core.imports.pages import (
    ImportKind,
    ImportPage,
)
from opora.core.imports.passports import PASSPORT_COLUMNS
from opora.core.imports.schools import SCHOOL_COLUMNS
from opora.core.tasks import import_passports_task, import_schools_task

KINDS = {
    "schools": ImportKind(
        kind="schools", heading=_("Schools"), job_title=_("Import of schools: %(file)s"),
        task=import_schools_task, action="import_schools", template_url="import_template",
        columns=partial(templates.column_help, "schools"),
        workbook=partial(templates.template_workbook, "schools"),
        known=lambda: SCHOOL_COLUMNS,
    ),
    "passports": ImportKind(
        kind="passports", heading=_("Social passports"),
        job_title=_("Import of social passports: %(file)s"), task=import_passports_task,
        action="import_passports", template_url="import_template",
        columns=partial(templates.column_help, "passports"),
        workbook=partial(templates.template_workbook, "passports"),
        known=lambda: PASSPORT_COLUMNS,
    ),
}
_PERMS = {"schools": Perm.IMPORT_SCHOOLS, "passports": Perm.IMPORT_PASSPORTS}


def _allowed(request: HttpRequest) -> list[ImportKind]:
    allowed = [KINDS[k] for k, perm in _PERMS.items() if access.has_perm_anywhere(request.user, perm)]
    if not allowed:
        raise PermissionDenied
    return allowed


PAGE = ImportPage(KINDS, _allowed, "core/imports/page.html")


@login_required
@require_GET
def imports_page(request: HttpRequest) -> HttpResponse:
    return PAGE.render(request)


@login_required
@require_POST
def import_schools(request: HttpRequest) -> HttpResponse:
    return PAGE.upload(request, "schools")


@login_required
@require_POST
def import_passports(request: HttpRequest) -> HttpResponse:
    return PAGE.upload(request, "passports")


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    return PAGE.template_download(request, kind)
