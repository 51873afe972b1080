"""Inviting people and assigning roles. Every write checks access and leaves a history row."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import (
    ROLE_SCOPE_LEVELS,
    Municipality,
    Region,
    Role,
    RoleAssignment,
    School,
    ScopeLevel,
    User,
)


def invitation_link(user: User, *, base_url: str = "") -> str:
    """A one-time link where the invited user sets a password (Django's reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def user_invite(
    *,
    actor: User,
    username: str,
    email: str,
    full_name: str,
    position: str = "",
    base_url: str = "",
) -> tuple[User, str]:
    """Create a user without a password and e-mail them a link to set one.

    Returns the user and the link (shown to the administrator as well, for closed networks
    where mail does not reach).
    """
    if not access.has_perm_anywhere(actor, access.Perm.MANAGE_PEOPLE):
        raise AccessDenied
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("A user with this login already exists."))
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(_("A user with this e-mail already exists."))
    user = User(username=username, email=email, full_name=full_name, position=position,
                invited_by=actor)
    user.set_unusable_password()
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    link = invitation_link(user, base_url=base_url)
    if email:
        transaction.on_commit(
            lambda: send_mail(
                _("Invitation to Opora"),
                _("You have been invited to Opora. Set your password here: %(link)s")
                % {"link": link},
                settings.DEFAULT_FROM_EMAIL,
                [email],
                fail_silently=True,
            )
        )
    return user, link


def _check_scope(
    role: str,
    region: Region | None,
    municipality: Municipality | None,
    school: School | None,
    schools: list[School] | None,
) -> str:
    given = [
        level
        for level, value in (
            (ScopeLevel.REGION, region),
            (ScopeLevel.MUNICIPALITY, municipality),
            (ScopeLevel.SCHOOL, school),
            (ScopeLevel.SCHOOL_LIST, schools),
        )
        if value
    ]
    if len(given) != 1:
        raise ValidationFailed(_("Choose exactly one: a region, a municipality, a school or a list of schools."))
    level = given[0]
    if level not in ROLE_SCOPE_LEVELS[role]:
        allowed = ", ".join(str(ScopeLevel(lv).label) for lv in ROLE_SCOPE_LEVELS[role])
        raise ValidationFailed(
            _("The role «%(role)s» is assigned for: %(allowed)s.")
            % {"role": Role(role).label, "allowed": allowed}
        )
    return level


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    region: Region | None = None,
    municipality: Municipality | None = None,
    school: School | None = None,
    schools: list[School] | None = None,
) -> RoleAssignment:
    """Grant `role` to `user` for one org unit or, for a curator, a list of schools."""
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."))
    _check_scope(role, region, municipality, school, schools)
    if not access.can_assign(
        actor, role=role, region=region, municipality=municipality, school=school, schools=schools
    ):
        raise AccessDenied
    duplicate = RoleAssignment.objects.filter(
        user=user, role=role, region=region, municipality=municipality, school=school
    )
    if not schools and duplicate.exists():
        raise ValidationFailed(_("This user already holds this role here."))
    assignment = RoleAssignment(
        user=user, role=role, region=region, municipality=municipality, school=school,
        created_by=actor,
    )
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save()
    if schools:
        assignment.schools.set(schools)
    access.forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    if not access.can_revoke(actor, assignment):
        raise AccessDenied
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.delete()
    access.forget(assignment.user)


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> None:
    """Block or unblock a user; only whoever may manage all their roles may do it."""
    if user.pk == actor.pk:
        raise ValidationFailed(_("You cannot block yourself."))
    assignments = list(user.role_assignments.all())
    if not access.is_superuser(actor) and (
        not assignments and user.invited_by_id != actor.pk
        or not all(access.can_revoke(actor, a) for a in assignments)
    ):
        raise AccessDenied
    user.is_active = active
    user._history_user = actor  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])
