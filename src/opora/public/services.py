"""Writes of the public pages' news: write, edit, publish or hide, delete.

Who: whoever manages the programmes of the territory (Perm.MANAGE_PROGRAMMES) — a municipal
coordinator for the municipality's news, a regional administrator or coordinator for the region's
(and any of its municipalities'). Every change is kept by the model's history (who, when, what).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core import access
from opora.core.access import Perm
from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import Municipality, Region, User
from opora.public.models import News

TITLE_MAX = 300
BODY_MAX = 20_000


def may_write(user: User, *, region: Region, municipality: Municipality | None) -> bool:
    if not user.is_authenticated:
        return False
    if access.can_on_region(user, Perm.MANAGE_PROGRAMMES, region):
        return True
    return municipality is not None and access.can_on_municipality(user, Perm.MANAGE_PROGRAMMES, municipality)


def may_write_anywhere(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated) and access.has_perm_anywhere(user, Perm.MANAGE_PROGRAMMES)


def _check(actor: User, *, region: Region, municipality: Municipality | None) -> None:
    if not may_write(actor, region=region, municipality=municipality):
        raise AccessDenied(_("You may not write news for this territory."))


def _clean(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = []
    if not title:
        errors.append(_("Write the headline."))
    elif len(title) > TITLE_MAX:
        errors.append(_("The headline is too long."))
    if not body:
        errors.append(_("Write the text of the news."))
    elif len(body) > BODY_MAX:
        errors.append(_("The text is too long."))
    if errors:
        raise ValidationFailed(errors)
    return title, body


@transaction.atomic
def news_create(*, actor: User, region: Region, municipality: Municipality | None, title: str, body: str,
                publish: bool = False) -> News:
    if municipality is not None and municipality.region_id != region.pk:
        raise ValidationFailed(_("The municipality is not in this region."))
    _check(actor, region=region, municipality=municipality)
    title, body = _clean(title, body)
    news = News(region=region, municipality=municipality, title=title, body=body, created_by=actor)
    if publish:
        news.is_published, news.published_at = True, timezone.now()
    news._history_user = actor  # type: ignore[attr-defined]
    news.save()
    return news


@transaction.atomic
def news_update(*, actor: User, news: News, title: str, body: str) -> News:
    _check(actor, region=news.region, municipality=news.municipality)
    news.title, news.body = _clean(title, body)
    news._history_user = actor  # type: ignore[attr-defined]
    news.save(update_fields=["title", "body", "updated_at"])
    return news


@transaction.atomic
def news_set_published(*, actor: User, news: News, published: bool) -> News:
    """Publish (shown without login from now on) or hide again; the first publication date stays."""
    _check(actor, region=news.region, municipality=news.municipality)
    news.is_published = published
    if published and news.published_at is None:
        news.published_at = timezone.now()
    news._history_user = actor  # type: ignore[attr-defined]
    news.save(update_fields=["is_published", "published_at", "updated_at"])
    return news


@transaction.atomic
def news_delete(*, actor: User, news: News) -> None:
    _check(actor, region=news.region, municipality=news.municipality)
    news._history_user = actor  # type: ignore[attr-defined]
    news.delete()
