"""What `import_schools` and `import_passports` share: parse arguments, run, report."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied
from opora.core.imports import ImportOutcome
from opora.core.models import User
from opora.core.signals import figures_inputs_changed


def resolve_user(username: str | None) -> User:
    """The named active user, or, without a name, the installation's first active superuser."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user with the login «%(name)s».") % {"name": username})
        return user
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        raise CommandError(
            _(
                "There is no installation administrator: create one (opora createsuperuser) "
                "or pass --user."
            )
        )
    return admin


class ImportCommand(BaseCommand):
    service: Callable[..., ImportOutcome]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("an .xlsx or .csv file"))
        parser.add_argument(
            "--user",
            help=_(
                "login of the user whose rights apply; by default the installation "
                "administrator (the first superuser)"
            ),
        )
        parser.add_argument(
            "--sheet",
            help=_("the workbook's sheet to read (by default the first, or the only one with data)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_user(options["user"])
        path: Path = options["file"]
        extra: dict[str, Any] = {}
        if options.get("sheet"):
            if "sheet" not in inspect.signature(type(self).service).parameters:
                raise CommandError(_("This import reads every sheet of the workbook: --sheet does not apply."))
            extra["sheet"] = options["sheet"]
        try:
            outcome = type(self).service(actor=actor, path=path, **extra)
        except AccessDenied as exc:
            raise CommandError(
                _("The user «%(name)s» may not run this import.") % {"name": actor.username}
            ) from exc
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(outcome.summary[0], returncode=1)
        for line in outcome.summary:
            self.stdout.write(line)
        figures_inputs_changed.send(sender=type(self))
