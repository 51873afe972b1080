"""Reads of the practices bank: which practices a user may see, and search among them.

Who sees what:
- without login: published practices whose school made them public;
- every signed-in user: every published practice;
- the school side (SUBMIT_PRACTICES on the school): also its drafts, submitted and returned ones;
- reviewers (REVIEW_PRACTICES on the school): also the submitted and returned ones.

Search by words: PostgreSQL full-text search with the "russian" configuration (stems, so
«наставничество» finds «наставничества»), ranked; on SQLite, whose LIKE folds only Latin letters,
each word is cut to a short stem and matched in lower case and with a capital letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from opora.core import access
from opora.core.access import Perm
from opora.core.models import Municipality, User
from opora.support.models.practices import Practice, PracticeFile, PracticeState

S = PracticeState
TEXT_FIELDS = ("title", "problem", "actions", "results")


@dataclass
class PracticeFilters:
    q: str = ""
    tag: str = ""
    subject: str = ""
    factor: str = ""
    municipality: str = ""  # municipality code
    state: str = ""  # only for the signed-in user's own view (drafts, under review …)
    school: str = ""  # school code
    extra: dict[str, Any] = field(default_factory=dict)


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def public_practices() -> QuerySet[Practice]:
    return Practice.objects.filter(state=S.PUBLISHED, is_public=True)


def practices_for(user: User | Any) -> QuerySet[Practice]:
    """Every practice the user (or an anonymous visitor) may open."""
    if not _signed_in(user):
        return public_practices()
    if access.is_superuser(user):
        return Practice.objects.all()
    visible = Q(state=S.PUBLISHED)
    if access.has_perm_anywhere(user, Perm.SUBMIT_PRACTICES):
        visible |= Q(school__in=access.schools_for(user, Perm.SUBMIT_PRACTICES))
    if access.has_perm_anywhere(user, Perm.REVIEW_PRACTICES):
        visible |= Q(state__in=(S.SUBMITTED, S.RETURNED),
                     school__in=access.schools_for(user, Perm.REVIEW_PRACTICES))
    return Practice.objects.filter(visible)


def practice_get(user: User | Any, pk: int) -> Practice | None:
    return (practices_for(user).select_related("school__municipality", "author", "reviewed_by")
            .filter(pk=pk).first())


def file_get(user: User | Any, pk: int) -> PracticeFile | None:
    return (PracticeFile.objects.select_related("practice__school")
            .filter(pk=pk, practice__in=practices_for(user)).first())


def to_review(user: User) -> QuerySet[Practice]:
    """Practices waiting for this reviewer (submitted, in scope, not their own)."""
    if not _signed_in(user) or not access.has_perm_anywhere(user, Perm.REVIEW_PRACTICES):
        return Practice.objects.none()
    return (Practice.objects.filter(state=S.SUBMITTED, school__in=access.schools_for(user, Perm.REVIEW_PRACTICES))
            .exclude(author=user))


def own_unpublished(user: User) -> QuerySet[Practice]:
    """The drafts, submitted and returned practices of the schools the user writes for."""
    if not _signed_in(user) or not access.has_perm_anywhere(user, Perm.SUBMIT_PRACTICES):
        return Practice.objects.none()
    return Practice.objects.exclude(state=S.PUBLISHED).filter(
        school__in=access.schools_for(user, Perm.SUBMIT_PRACTICES))


# --- search -----------------------------------------------------------------------------------


def words(q: str) -> list[str]:
    return [w for w in re.findall(r"[\wё-]+", (q or "").lower()) if len(w) > 1][:10]


def stem(word: str) -> str:
    """A crude stem for the SQLite search: a word loses its last letters (one to three, by length)."""
    if len(word) >= 9:
        return word[:-3]
    if len(word) >= 6:
        return word[:-2]
    if len(word) == 5:
        return word[:-1]
    return word


def _word_q(word: str) -> Q:
    base = stem(word)
    q = Q()
    for variant in {base, base.capitalize(), base.upper()}:
        for name in TEXT_FIELDS:
            q |= Q(**{f"{name}__contains": variant})
    return q


def _json_has(column: str, value: str) -> Any:
    """`value` is one of the items of the JSON list `column` (jsonb containment on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__contains": [value]})
    return RawSQL(f'EXISTS (SELECT 1 FROM json_each("support_practice"."{column}") WHERE json_each.value = %s)',
                  [value], output_field=BooleanField())


def search(qs: QuerySet[Practice], filters: PracticeFilters) -> QuerySet[Practice]:
    """Filter by the words and facets; ranked by relevance on PostgreSQL when words are given."""
    if filters.tag:
        qs = qs.filter(_json_has("tags", filters.tag.strip().lower()))
    if filters.subject:
        qs = qs.filter(_json_has("subjects", filters.subject))
    if filters.factor:
        qs = qs.filter(_json_has("risk_factors", filters.factor))
    if filters.municipality:
        qs = qs.filter(school__municipality__code=filters.municipality)
    if filters.school:
        qs = qs.filter(school__code=filters.school)
    if filters.state in S.values:
        qs = qs.filter(state=filters.state)
    terms = words(filters.q)
    if not terms:
        return qs.order_by("-published_at", "-updated_at", "-pk")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (SearchVector("title", weight="A", config="russian")
                  + SearchVector("problem", "actions", "results", weight="B", config="russian"))
        query = SearchQuery(" ".join(terms), config="russian", search_type="plain")
        return (qs.annotate(document=vector, rank=SearchRank(vector, query)).filter(document=query)
                .order_by("-rank", "-published_at", "-pk"))
    for term in terms:
        qs = qs.filter(_word_q(term))
    return qs.order_by("-published_at", "-updated_at", "-pk")


# --- facets -----------------------------------------------------------------------------------


def facet_values(qs: QuerySet[Practice]) -> dict[str, list[tuple[str, int]]]:
    """Tags, subjects and factors used by these practices with counts (one query, read as lists)."""
    counts: dict[str, dict[str, int]] = {"tags": {}, "subjects": {}, "risk_factors": {}}
    for row in qs.order_by().values_list("tags", "subjects", "risk_factors"):
        for values, bucket in zip(row, counts.values(), strict=True):
            for item in values or []:
                bucket[item] = bucket.get(item, 0) + 1
    return {key: sorted(bucket.items(), key=lambda kv: (-kv[1], kv[0])) for key, bucket in counts.items()}


def municipalities_with(qs: QuerySet[Practice]) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=qs.values("school__municipality_id")).order_by("name")
