"""A region's first run without the demo: the region and its administrator, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.core.models import Region, Role, RoleAssignment, User


@dataclass(frozen=True)
class RegionSetup:
    region: Region
    admin: User
    created: bool  # False: the region and its administrator were there already, nothing changed


def region_setup(*, code: str, name: str, admin_username: str, admin_password: str,
                 admin_email: str = "", admin_full_name: str = "") -> RegionSetup:
    """Create the region `code` and its regional administrator `admin_username`.

    Running it again with the same region and administrator changes nothing; a region code taken
    under another name, or a login taken by someone who is not this region's administrator, is
    refused with the reason.
    """
    code, name, username = code.strip(), name.strip(), admin_username.strip()
    if not code or not name or not username:
        raise ValidationFailed([_("Give the region's code and name and the administrator's login.")])
    if admin_email:
        try:
            validate_email(admin_email)
        except ValidationError as exc:
            raise ValidationFailed(exc.messages) from exc
    region = Region.objects.filter(code=code).first()
    if region is not None and region.name != name:
        raise ValidationFailed([_("The region code «%(code)s» is already used by «%(name)s».")
                                % {"code": code, "name": region.name}])
    user = User.objects.filter(username__iexact=username).first()
    if user is not None:
        if region is not None and RoleAssignment.objects.filter(
                user=user, role=Role.REGIONAL_ADMIN, region=region).exists():
            return RegionSetup(region=region, admin=user, created=False)
        raise ValidationFailed([_("A user with the login «%(name)s» already exists.") % {"name": username}])
    user = User(username=username, email=admin_email, full_name=admin_full_name.strip(), is_staff=False)
    try:
        validate_password(admin_password, user)
    except ValidationError as exc:
        raise ValidationFailed([_("The password is not accepted:"), *exc.messages]) from exc
    user.set_password(admin_password)
    with transaction.atomic():
        if region is None:
            region = Region.objects.create(code=code, name=name)
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.REGIONAL_ADMIN, region=region)
    return RegionSetup(region=region, admin=user, created=True)
