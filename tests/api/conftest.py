from __future__ import annotations

from django.test import Client

from opora.api.services import token_create
from opora.core.models import User


def session_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(user: User, name: str = "script") -> tuple[Client, str]:
    _token, raw = token_create(user=user, name=name)
    return Client(headers={"Authorization": f"Bearer {raw}"}), raw
