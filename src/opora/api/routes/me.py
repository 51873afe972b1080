"""`/api/me`: who the caller is, their roles and what they can see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from opora.api.auth import caller
from opora.api.schemas import ERRORS, MeOut
from opora.core import access
from opora.core.access import Perm
from opora.core.models import RoleAssignment, ScopeLevel

router = Router(tags=["Пользователь"])


def _role(a: RoleAssignment) -> dict[str, object]:
    is_list = a.scope_level == ScopeLevel.SCHOOL_LIST
    return {
        "role": a.role,
        "role_label": str(a.get_role_display()),
        "scope_level": str(a.scope_level),
        "scope_level_label": str(ScopeLevel(a.scope_level).label),
        "region": a.region.code if a.region else None,
        "region_name": a.region.name if a.region else None,
        "municipality": a.municipality.code if a.municipality else None,
        "municipality_name": a.municipality.name if a.municipality else None,
        "school": a.school.code if a.school else None,
        "school_name": a.school.name if a.school else None,
        # Prefetched by `access.assignments`, so no query per role.
        "schools": sorted(s.code for s in a.schools.all()) if is_list else [],
    }


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Текущий пользователь")
def me(request: HttpRequest) -> dict[str, object]:
    """Роли пользователя и сколько школ, муниципалитетов и регионов ему доступно."""
    user = caller(request)
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", "") or "",
        "email": getattr(user, "email", "") or "",
        "is_superuser": access.is_superuser(user),
        "roles": [_role(a) for a in access.assignments(user)],
        "scope": {
            "schools": access.schools_for(user, Perm.VIEW_SCHOOL).count(),
            "municipalities": access.visible_municipalities(user).count(),
            "regions": access.visible_regions(user).count(),
        },
    }
