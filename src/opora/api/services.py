"""Personal API tokens: creating and revoking. Only a hash of a token is ever stored."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.core.models import ApiToken, User

# 32 random bytes: a sha256 of the token is then as safe to keep as a slow password hash.
TOKEN_BYTES = 32
PREFIX_LENGTH = 8
MAX_TOKENS_PER_USER = 20
NAME_MAX_LENGTH = 100


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the saved row and the raw token (shown once)."""
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."))
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            _("The token name must be at most %(limit)d characters.") % {"limit": NAME_MAX_LENGTH}
        )
    # Lock the user row so that two simultaneous requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationFailed(
            _("You already have %(limit)d tokens. Revoke one you no longer use.")
            % {"limit": MAX_TOKENS_PER_USER}
        )
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:PREFIX_LENGTH], key_hash=token_hash(raw)
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of `user`'s own tokens; requests with it stop working at once."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ValidationFailed(_("This token does not exist or has already been revoked."))
