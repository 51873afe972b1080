"""`opora restore DIR`: replace the database, the results store and the users' files from a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.backup import backup_restore
from opora.core.errors import ValidationFailed


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Restore a backup made by «opora backup»: the checksums are checked first, then the "
                 "database, the results store and the users' files are replaced. Stop the web server, "
                 "the worker and the scheduler before.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help=_("the backup directory"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(source=options["directory"])
        except ValidationFailed as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(_("Backup of %(time)s restored (Opora %(version)s).")
                          % {"time": manifest["created_at"], "version": manifest["opora_version"]})
