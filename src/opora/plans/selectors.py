"""Scoped reads of the school documents, for pages, exports, the API and reminders.

Who sees: holders of `Perm.VIEW_PLANS` for the school (regional users, the municipal coordinator,
the school's curator, the school head, observers). Who writes: the head (`EDIT_PLANS`); who
reviews: the curator and the municipal coordinator (`REVIEW_PLANS`). Nobody else.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied
from opora.core.models import School, User
from opora.plans.models import Document

UserLike = User | AnonymousUser


def visible_schools(user: UserLike) -> QuerySet[School]:
    return access.schools_for(user, Perm.VIEW_PLANS)


def documents_for(user: UserLike, *, year: int | None = None) -> QuerySet[Document]:
    qs = Document.objects.filter(school__in=visible_schools(user)).select_related("school__municipality")
    return qs if year is None else qs.filter(year=year)


def document_get(user: UserLike, pk: int) -> Document:
    document = documents_for(user).filter(pk=pk).first()
    if document is None:
        raise AccessDenied()
    return document


def may_edit(user: UserLike, document: Document) -> bool:
    return access.can_on_school(user, Perm.EDIT_PLANS, document.school)


def may_review(user: UserLike, document: Document) -> bool:
    return access.can_on_school(user, Perm.REVIEW_PLANS, document.school)


def may_view_school(user: UserLike, school: School) -> bool:
    return access.can_on_school(user, Perm.VIEW_PLANS, school)
