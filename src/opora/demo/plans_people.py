"""The demo's directors: every school that writes documents needs a head (only a head may), and the
demo people include one head only. The others get a director each, `director.<school code>`, with
the demo password (not printed in the logins table: `head` is the one to try)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from opora.core.models import Role, RoleAssignment, School, User
from opora.core.services.people import role_assign
from opora.demo.people import DEMO_PASSWORD
from opora.demo.plans_texts import rng

SURNAMES = ("Васильева", "Никитина", "Полякова", "Захарова", "Морозова", "Кузнецова", "Егорова", "Громова",
            "Шестакова", "Данилова", "Сафонова", "Киселёва")
NAMES = ("Татьяна Викторовна", "Людмила Ивановна", "Марина Алексеевна", "Оксана Николаевна",
         "Валентина Петровна", "Анна Сергеевна", "Надежда Михайловна", "Юлия Андреевна")


def directors_ensure(*, actor: User, schools: list[School], seed: int) -> dict[int, User]:
    """School pk → a head of the school (an existing one, else a new director)."""
    heads: dict[int, User] = {}
    for assignment in (RoleAssignment.objects.filter(role=Role.SCHOOL_HEAD, school__in=schools)
                       .select_related("user").order_by("pk")):
        if assignment.school_id is not None:  # filtered by school
            heads.setdefault(assignment.school_id, assignment.user)
    password = make_password(DEMO_PASSWORD)  # hashed once: a hash per user would take seconds
    for school in schools:
        if school.pk in heads:
            continue
        r = rng(seed, "director", school.code)
        user = User.objects.create(
            username=f"director.{school.code}", password=password, email=f"director.{school.code}@example.org",
            full_name=f"{r.choice(NAMES)} {r.choice(SURNAMES)}", position="Директор")
        role_assign(actor=actor, user=user, role=Role.SCHOOL_HEAD, school=school)
        heads[school.pk] = user
    return heads
