"""Staff registry rows for tests (shared by the support and staff tests)."""

from __future__ import annotations

from typing import Any

from opora.core.models import School
from opora.staff.models import StaffMember


def make_staff(school: School, full_name: str, **fields: Any) -> StaffMember:
    """An active teacher of `school` (defaults: no category, 10 years, 40–49); override any field."""
    values: dict[str, Any] = {"position_kind": "teacher", "position": "учитель", "subjects": ["ru"],
                              "qualification_category": "none", "experience_years": 10, "age_group": "40_49"}
    values.update(fields)
    return StaffMember.objects.create(school=school, full_name=full_name, **values)
