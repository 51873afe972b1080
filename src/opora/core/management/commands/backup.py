"""`opora backup DIR`: the database, the results store and the users' files, with checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.backup import backup_create
from opora.core.errors import ValidationFailed


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Back up the database, the results store and the users' files into a new directory "
                 "(with manifest.json and checksums).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help=_("a new or empty directory"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(target=options["directory"])
        except ValidationFailed as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(_("Backup written: %(files)s files, Opora %(version)s.")
                          % {"files": len(manifest["files"]), "version": manifest["opora_version"]})
