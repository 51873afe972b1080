"""`opora createadmin`: the installation administrator, with a password that passes validation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opora.core import access
from opora.core.models import School, User

pytestmark = pytest.mark.django_db

GOOD = "Strong-Opora-2026"


def createadmin(*args: str) -> str:
    out = StringIO()
    call_command("createadmin", *args, stdout=out)
    return out.getvalue()


def test_createadmin_creates_a_superuser_who_sees_every_school(cast: object) -> None:
    createadmin("--username", "boss", "--email", "boss@example.org", "--password", GOOD)
    user = User.objects.get(username="boss")
    assert user.is_superuser and user.is_staff
    assert user.check_password(GOOD)
    assert access.schools_for(user).count() == School.objects.count()


def test_createadmin_rejects_a_weak_password_in_russian() -> None:
    with pytest.raises(CommandError, match="слишком короткий"):
        createadmin("--username", "boss", "--email", "boss@example.org", "--password", "123")
    assert not User.objects.filter(username="boss").exists()


def test_createadmin_refuses_an_existing_login() -> None:
    createadmin("--username", "boss", "--email", "boss@example.org", "--password", GOOD)
    with pytest.raises(CommandError, match="«Boss»"):
        createadmin("--username", "Boss", "--email", "b2@example.org", "--password", GOOD)
    assert User.objects.count() == 1


def test_createadmin_rejects_a_malformed_email_in_russian() -> None:
    with pytest.raises(CommandError, match="адрес электронной почты"):
        createadmin("--username", "boss", "--email", "not-an-email", "--password", GOOD)


def test_createadmin_noinput_takes_the_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPORA_ADMIN_PASSWORD", GOOD)
    createadmin("--username", "boss", "--email", "boss@example.org", "--noinput")
    assert User.objects.get(username="boss").check_password(GOOD)


def test_createadmin_noinput_without_the_variable_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPORA_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="OPORA_ADMIN_PASSWORD"):
        createadmin("--username", "boss", "--email", "boss@example.org", "--noinput")
    assert not User.objects.exists()


def test_createadmin_asks_twice_in_a_terminal_and_refuses_a_mismatch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opora.core.management.commands import createadmin as module

    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr(module.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(module, "getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError):
        createadmin("--username", "boss", "--email", "boss@example.org")
    assert not User.objects.exists()

    answers = iter([GOOD, GOOD])
    createadmin("--username", "boss", "--email", "boss@example.org")
    assert User.objects.get(username="boss").check_password(GOOD)
