from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opora.core import access, selectors
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.forms import InviteForm, RoleAssignForm
from opora.core.http import UserRequest
from opora.core.models import Role, RoleAssignment, User
from opora.core.service_errors import form_service_errors, message_service_errors
from opora.core.services import people as people_services


def _require(request: UserRequest, perm: Perm) -> None:
    if not access.has_perm_anywhere(request.user, perm):
        raise PermissionDenied


@login_required
def people(request: UserRequest) -> HttpResponse:
    _require(request, Perm.VIEW_PEOPLE)
    query = request.GET.get("q", "").strip()[:200]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    persons = selectors.people_list(request.user, query=query, role=role)
    page = Paginator(persons, settings.OPORA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/people.html",
        {
            "page": page,
            "q": query,
            "role": role,
            "roles": Role.choices,
            "can_manage": access.has_perm_anywhere(request.user, Perm.MANAGE_PEOPLE),
        },
    )


@login_required
def person_detail(request: UserRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk=pk)
    if person is None:
        raise Http404
    can_manage = access.has_perm_anywhere(request.user, Perm.MANAGE_PEOPLE)
    assignments = selectors.person_assignments(person)
    schools_of = None
    if can_manage and request.GET.get("schools_of", "").isdigit():
        schools_of = (
            access.municipalities_for(request.user, Perm.MANAGE_PEOPLE)
            .filter(pk=int(request.GET["schools_of"]))
            .first()
        )
    form = RoleAssignForm(actor=request.user, schools_of=schools_of) if can_manage else None
    return render(
        request,
        "core/person_detail.html",
        _person_context(request, person, assignments, form, can_manage),
    )


def _person_context(
    request: UserRequest,
    person: User,
    assignments: list[RoleAssignment],
    form: RoleAssignForm | None,
    can_manage: bool,
) -> dict:
    return {
        "person": person,
        "rows": [(a, can_manage and access.can_revoke(request.user, a)) for a in assignments],
        "form": form,
        "can_manage": can_manage,
        "invitation_pending": not person.has_usable_password() and person.is_active,
        "invitation_link": request.session.pop(f"invite-link-{person.pk}", None),
        "manageable_municipalities": access.municipalities_for(request.user, Perm.MANAGE_PEOPLE)
        if form is not None and form.schools_narrowed
        else None,
    }


@login_required
def person_invite(request: UserRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_PEOPLE)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_service_errors(form) as refused:
            person, link = people_services.user_invite(
                actor=request.user,
                base_url=request.build_absolute_uri("/")[:-1],
                **form.cleaned_data,
            )
        if not refused.failed:
            request.session[f"invite-link-{person.pk}"] = link
            messages.success(request, _("The user is invited. Now assign a role."))
            return redirect("person_detail", pk=person.pk)
    return render(request, "core/person_invite.html", {"form": form})


@login_required
@require_POST
def role_assign(request: UserRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_PEOPLE)
    person = selectors.person_get(request.user, pk=pk)
    if person is None:
        raise Http404
    form = RoleAssignForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            people_services.role_assign(
                actor=request.user,
                user=person,
                role=data["role"],
                region=data["region"],
                municipality=data["municipality"],
                school=data["school"],
                schools=list(data["schools"]) or None,
            )
        except ValidationFailed as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except AccessDenied:
            form.add_error(None, _("You may not assign this role for this place."))
        else:
            messages.success(request, _("The role is assigned."))
            return redirect("person_detail", pk=person.pk)
    assignments = selectors.person_assignments(person)
    return render(
        request,
        "core/person_detail.html",
        _person_context(request, person, assignments, form, True),
        status=400,
    )


@login_required
@require_POST
def role_revoke(request: UserRequest, pk: int, assignment_id: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk=pk)
    if person is None:
        raise Http404
    assignment = get_object_or_404(RoleAssignment, pk=assignment_id, user=person)
    people_services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("The role is revoked."))
    return redirect("person_detail", pk=person.pk)


@login_required
@require_POST
def person_set_active(request: UserRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.user, pk=pk)
    if person is None:
        raise Http404
    active = request.POST.get("active") == "1"
    with message_service_errors(request) as refused:
        people_services.user_set_active(actor=request.user, user=person, active=active)
    if not refused.failed:
        messages.success(request, _("The user is unblocked.") if active else _("The user is blocked."))
    return redirect("person_detail", pk=person.pk)
