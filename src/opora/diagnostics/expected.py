"""How many respondents of each group a school is expected to have (the response-rate base)."""

from __future__ import annotations

from collections.abc import Iterable

from opora.analytics.risk_definition import Definition
from opora.core.models import School, SocialPassport


def expected_counts(
    schools: Iterable[School], year: int, definition: Definition
) -> dict[tuple[int, str], float | None]:
    """(school id, group) → expected respondents, None when the school's size is unknown.

    "one": one person; "teachers": the teachers of the latest social passport up to `year`;
    "enrolment": the school's enrolment; both times the group rule's share.
    """
    schools = list(schools)
    teachers: dict[int, int] = {}
    passports = (SocialPassport.objects.filter(school__in=schools, year__lte=year, teachers__isnull=False)
                 .order_by("school_id", "-year").values_list("school_id", "teachers"))
    for school_id, count in passports:
        if count is not None:  # filtered: teachers__isnull=False
            teachers.setdefault(school_id, count)
    out: dict[tuple[int, str], float | None] = {}
    for school in schools:
        for rule in definition.groups:
            if rule.basis == "one":
                base: float | None = 1.0
            elif rule.basis == "teachers":
                base = teachers.get(school.pk)
            else:
                base = school.enrolment
            # Whole people: half a pupil reads oddly in a rate, and one is the least anyone expects.
            out[(school.pk, rule.group)] = None if base is None else float(max(1, round(base * rule.share)))
    return out
