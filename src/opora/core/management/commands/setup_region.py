"""`opora setup-region --code CODE --name NAME --admin-username LOGIN [...]`: a region's first run.

Creates the region and its regional administrator, who then imports municipalities and schools,
results, and invites everyone else. The password comes from --admin-password, from
OPORA_ADMIN_PASSWORD with --noinput, or is asked twice in a terminal (as `createadmin` does).
"""

from __future__ import annotations

import os
import sys
from getpass import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.core.management.commands.createadmin import PASSWORD_ENV
from opora.core.services.region_setup import region_setup


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Set up a region without the demo: create the region and its regional administrator.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True, help=_("region code, e.g. 10"))
        parser.add_argument("--name", required=True, help=_("region name"))
        parser.add_argument("--admin-username", required=True, dest="admin_username",
                            help=_("login of the regional administrator"))
        parser.add_argument("--admin-email", default="", dest="admin_email",
                            help=_("e-mail of the regional administrator"))
        parser.add_argument("--admin-full-name", default="", dest="admin_full_name",
                            help=_("full name, as documents write it"))
        parser.add_argument("--admin-password", dest="admin_password",
                            help=_("the password (it stays in the shell history: prefer the prompt or %(env)s)")
                            % {"env": PASSWORD_ENV})
        parser.add_argument("--noinput", "--no-input", action="store_true",
                            help=_("never ask: take the password from the %(env)s environment variable")
                            % {"env": PASSWORD_ENV})

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            setup = region_setup(
                code=options["code"], name=options["name"], admin_username=options["admin_username"],
                admin_password=self._password(options), admin_email=options["admin_email"].strip(),
                admin_full_name=options["admin_full_name"],
            )
        except ValidationFailed as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        values = {"region": setup.region.name, "code": setup.region.code, "name": setup.admin.username}
        if setup.created:
            self.stdout.write(_("The region «%(region)s» (%(code)s) and its administrator «%(name)s» are set up.")
                              % values)
        else:
            self.stdout.write(_("The region «%(region)s» (%(code)s) and its administrator «%(name)s» were set up "
                                "already; nothing changed.") % values)

    def _password(self, options: dict[str, Any]) -> str:
        if options["admin_password"] is not None:
            return str(options["admin_password"])
        if options["noinput"]:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(_("With --noinput, put the password into the %(env)s environment variable.")
                                   % {"env": PASSWORD_ENV})
            return password
        if not sys.stdin.isatty():
            raise CommandError(_("No password given: pass --admin-password, or --noinput with %(env)s set, "
                                 "or run the command in a terminal to be asked.") % {"env": PASSWORD_ENV})
        password = getpass(_("Password: "))
        if getpass(_("Password (again): ")) != password:
            raise CommandError(_("The passwords do not match."))
        return password
