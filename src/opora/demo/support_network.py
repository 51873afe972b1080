"""Demo: curators, partner schools and mentoring pairs.

In the municipal coordinator's municipality: the demo curator's schools get their curatorship
records (the role already lists them); the first schools of the year's list without a curator get a
head of a suggested school as a second curator; each curated school is paired with its top
suggested partner; and, where the staff registry has people, a teacher of the supported school is
paired with a mentor of the partner school. Missing earlier steps are skipped quietly.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Role, RoleAssignment, School, User
from opora.staff.models import QualificationCategory, StaffMember
from opora.support.models import Curatorship
from opora.support.selectors_network import curator_people_by_school
from opora.support.services import network as services
from opora.support.suggestions import school_suggestions

GOALS = (
    "Сопровождение разработки концепции развития и дорожной карты, анализ результатов ВПР.",
    "Помощь в преодолении рисков низкой учебной мотивации; посещение уроков и методические консультации.",
    "Организация внутришкольной системы повышения квалификации, сетевые пары учителей.",
)
PARTNER_GOALS = "Обмен опытом, совместные методические объединения и взаимопосещение уроков."
MENTOR_GOALS = "Подготовка к ОГЭ по математике: совместное планирование уроков, посещение уроков наставника."


def network_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's records; returns counts by kind for the summary line."""
    rng = random.Random(seed)
    coordinator = User.objects.filter(username="mun.coord").first()
    if coordinator is None:
        return {}
    unit = RoleAssignment.objects.filter(user=coordinator, role=Role.MUNICIPAL_COORDINATOR).first()
    if unit is None or unit.municipality_id is None:
        return {}
    today = timezone.localdate()
    start = today - timedelta(days=120)
    counts = {"curators": 0, "partnerships": 0, "mentoring": 0}
    curated: list[School] = []
    curator_role = RoleAssignment.objects.filter(user__username="curator", role=Role.CURATOR).first()
    if curator_role is not None:
        for school in curator_role.schools.select_related("municipality").order_by("code"):
            Curatorship.objects.get_or_create(
                school=school, curator=curator_role.user, ends_on=None,
                defaults={"starts_on": start, "goals": rng.choice(GOALS), "created_by": coordinator})
            curated.append(school)
            counts["curators"] += 1
    for school in curated[:2]:
        suggestions = school_suggestions(school=school, limit=4)
        people = curator_people_by_school([i.school.pk for i in suggestions.items])
        head = next((u for i in suggestions.items for u in people.get(i.school.pk, [])), None)
        partner = suggestions.items[0].school if suggestions.items else None
        try:
            if head is not None:
                services.curatorship_assign(actor=coordinator, school=school, curator=head,
                                            starts_on=start + timedelta(days=14), goals=rng.choice(GOALS))
                counts["curators"] += 1
        except ValidationFailed:
            pass
        if partner is None:
            continue
        try:
            partnership = services.partnership_create(actor=coordinator, school=school, partner=partner,
                                                      starts_on=start, goals=PARTNER_GOALS)
        except ValidationFailed:
            continue
        counts["partnerships"] += 1
        mentee = StaffMember.objects.filter(school=school, is_active=True, position_kind="teacher").order_by(
            "experience_years", "pk").first()
        mentor = StaffMember.objects.filter(
            school=partner, is_active=True, position_kind="teacher",
            qualification_category__in=(QualificationCategory.HIGHEST, QualificationCategory.FIRST)).order_by(
            "-experience_years", "pk").first()
        if mentee is None or mentor is None:
            continue
        try:
            services.mentoring_create(actor=coordinator, mentor=mentor, mentee=mentee, starts_on=start + timedelta(
                days=30), goals=MENTOR_GOALS, partnership=partnership)
            counts["mentoring"] += 1
        except (AccessDenied, ValidationFailed):  # a partner outside the municipality: no names there
            continue
    return counts
