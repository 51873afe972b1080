"""`opora createadmin`: create the installation administrator (a superuser: may do everything).

The password comes from --password, from OPORA_ADMIN_PASSWORD with --noinput (for scripts),
or is asked twice in a terminal. It must pass the installation's password validators.
"""

from __future__ import annotations

import os
import sys
from getpass import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from opora.core.models import User

PASSWORD_ENV = "OPORA_ADMIN_PASSWORD"


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Create the installation administrator, who may do everything in Opora.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help=_("login of the administrator"))
        parser.add_argument("--email", help=_("e-mail of the administrator"))
        parser.add_argument("--full-name", default="", help=_("full name, as documents write it"))
        parser.add_argument(
            "--password",
            help=_("the password (it stays in the shell history: prefer the prompt or %(env)s)")
            % {"env": PASSWORD_ENV},
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_true",
            help=_("never ask: take the password from the %(env)s environment variable")
            % {"env": PASSWORD_ENV},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = (options["username"] or "").strip()
        email = (options["email"] or "").strip()
        if not username:
            raise CommandError(_("Give the administrator's login: --username."))
        if not email:
            raise CommandError(_("Give the administrator's e-mail: --email."))
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(
                _("A user with the login «%(name)s» already exists.") % {"name": username}
            )
        user = User(
            username=username,
            email=email,
            full_name=options["full_name"].strip(),
            is_staff=True,
            is_superuser=True,
        )
        password = self._password(options)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                "\n".join([_("The password is not accepted:"), *exc.messages])
            ) from exc
        user.set_password(password)
        with transaction.atomic():
            user.save()
        self.stdout.write(
            _("The installation administrator «%(name)s» is created.") % {"name": username}
        )

    def _password(self, options: dict[str, Any]) -> str:
        if options["password"] is not None:
            return str(options["password"])
        if options["noinput"]:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(
                    _("With --noinput, put the password into the %(env)s environment variable.")
                    % {"env": PASSWORD_ENV}
                )
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                _(
                    "No password given: pass --password, or --noinput with %(env)s set, "
                    "or run the command in a terminal to be asked."
                )
                % {"env": PASSWORD_ENV}
            )
        password = getpass(_("Password: "))
        if getpass(_("Password (again): ")) != password:
            raise CommandError(_("The passwords do not match."))
        return password
