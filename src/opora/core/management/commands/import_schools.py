"""`opora import-schools FILE [--user LOGIN]`: see docs/formats.md."""

from django.utils.translation import gettext as _

from opora.core.imports import schools_import
from opora.core.management.commands._import import ImportCommand


class Command(ImportCommand):
    service = staticmethod(schools_import)
    kind = "schools"

    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Import schools from an .xlsx or .csv file (see docs/formats.md).")
