"""Teachers: the staff registry and vacancies (registry.py); professional-deficit diagnostics,
individual development plans (ИОМ) and completed courses (development.py)."""

from opora.staff.models.development import (
    CourseCompletion,
    DeficitDiagnostic,
    DevelopmentPlan,
    PlanItem,
    PlanItemKind,
)
from opora.staff.models.registry import AgeGroup, PositionKind, QualificationCategory, StaffMember, Vacancy

__all__ = [
    "AgeGroup", "CourseCompletion", "DeficitDiagnostic", "DevelopmentPlan", "PlanItem", "PlanItemKind",
    "PositionKind", "QualificationCategory", "StaffMember", "Vacancy",
]
