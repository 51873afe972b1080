from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from opora.core import access, selectors
from opora.core.access import Perm
from opora.core.history import entries_for, merged
from opora.core.models import Municipality, RoleAssignment, School, SocialPassport, User


def _records(history_manager) -> list:  # type: ignore[no-untyped-def]
    return list(history_manager.select_related("history_user").order_by("history_date", "history_id"))


@login_required
def school_history(request: HttpRequest, code: str) -> HttpResponse:
    school = selectors.school_get(request.user, code=code)
    if school is None:
        raise Http404
    if not access.can_on_school(request.user, Perm.VIEW_HISTORY, school):
        raise PermissionDenied
    groups = [entries_for(_records(School.history.filter(id=school.pk)), model=School, subject=_("school card"))]
    passport_ids = SocialPassport.history.filter(school_id=school.pk).values_list("id", flat=True).distinct()
    for pid in passport_ids:
        records = _records(SocialPassport.history.filter(id=pid))
        year = records[-1].year if records else ""
        groups.append(
            entries_for(
                records, model=SocialPassport,
                subject=_("social passport %(year)s") % {"year": year}, hidden={"school"},
            )
        )
    return render(
        request, "core/history.html",
        {"title": school.name, "back": school, "entries": merged(*groups)},
    )


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk=pk)
    if person is None:
        raise Http404
    groups = [
        entries_for(
            _records(User.history.filter(id=person.pk)), model=User, subject=_("account"),
            hidden={"password", "last_login", "date_joined"},
        )
    ]
    for aid in RoleAssignment.history.filter(user_id=person.pk).values_list("id", flat=True).distinct():
        records = _records(RoleAssignment.history.filter(id=aid))
        label = records[-1].get_role_display() if records else ""
        groups.append(
            entries_for(records, model=RoleAssignment, subject=_("role: %(role)s") % {"role": label},
                        hidden={"user", "created_at", "created_by"})
        )
    return render(
        request, "core/history.html",
        {"title": str(person), "back_person": person, "entries": merged(*groups)},
    )


@login_required
def municipality_history(request: HttpRequest, code: str) -> HttpResponse:
    municipality = selectors.municipality_get(request.user, code=code)
    if municipality is None or not access.can_on_municipality(request.user, Perm.VIEW_HISTORY, municipality):
        raise Http404
    entries = entries_for(
        _records(Municipality.history.filter(id=municipality.pk)), model=Municipality,
        subject=_("municipality"),
    )
    return render(
        request, "core/history.html",
        {"title": municipality.name, "back_municipality": municipality, "entries": merged(entries)},
    )
