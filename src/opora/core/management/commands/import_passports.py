"""`opora import-passports FILE [--user LOGIN]`: see docs/formats.md."""

from django.utils.translation import gettext as _

from opora.core.imports import passports_import
from opora.core.management.commands._import import ImportCommand


class Command(ImportCommand):
    service = staticmethod(passports_import)
    kind = "passports"

    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Import social passports from an .xlsx or .csv file (see docs/formats.md).")
