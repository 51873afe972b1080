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
from opora.core.imports.mapping_store import import_mapped, mapping_get, mappings_for
from opora.core.imports.tabular import Layout
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
    kind = ""  # the import's kind ("schools", "results" …): the saved column mappings it may use

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

        if self.kind:
            parser.add_argument(
                "--mapping",
                help=_("the name of a column mapping saved on the import page; without it a saved "
                       "mapping is used when the file's header does not fit by itself"),
            )

    def _layout(self, name: str | None) -> Layout | None:
        if not name:
            return None
        mapping = mapping_get(self.kind, name)
        if mapping is None:
            known = ", ".join(f"«{m.name}»" for m in mappings_for(self.kind)) or _("none")
            raise CommandError(_("No saved column mapping «%(name)s» for this import (saved: %(known)s).")
                               % {"name": name, "known": known})
        return Layout.from_dict(mapping.layout)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = resolve_user(options["user"])
        path: Path = options["file"]
        extra: dict[str, Any] = {}
        if options.get("sheet"):
            if "sheet" not in inspect.signature(type(self).service).parameters:
                raise CommandError(_("This import reads every sheet of the workbook: --sheet does not apply."))
            extra["sheet"] = options["sheet"]
        try:
            if self.kind:
                outcome = import_mapped(type(self).service, kind=self.kind,
                                        layout=self._layout(options.get("mapping")), actor=actor, path=path, **extra)
            else:
                outcome = type(self).service(actor=actor, path=path, **extra)
        except AccessDenied as exc:
            raise CommandError(
                _("The user «%(name)s» may not run this import.") % {"name": actor.username}
            ) from exc
        report_outcome(self, outcome)
        figures_inputs_changed.send(sender=type(self))


def report_outcome(command: BaseCommand, outcome: ImportOutcome) -> None:
    """Print the summary of an import that applied; name every error and exit with 1 otherwise."""
    if not outcome.ok:
        for error in outcome.errors:
            command.stderr.write(str(error))
        raise CommandError(outcome.summary[0], returncode=1)
    for line in outcome.summary:
        command.stdout.write(line)
