from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opora.core import access
from opora.core.access import Perm


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which menu items the signed-in user has; pages still check access themselves."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "people": access.has_perm_anywhere(user, Perm.VIEW_PEOPLE),
            "imports": access.has_perm_anywhere(user, Perm.IMPORT_SCHOOLS)
            or access.has_perm_anywhere(user, Perm.IMPORT_PASSPORTS),
            "results_imports": access.has_perm_anywhere(user, Perm.IMPORT_RESULTS),
            "roles": [a for a in access.assignments(user)],
            "is_superuser": access.is_superuser(user),
        }
    }
