"""`opora import-scales FILE [--user LOGIN]`: see docs/formats.md."""

from django.utils.translation import gettext as _

from opora.core.management.commands._import import ImportCommand
from opora.results.imports import scales_import


class Command(ImportCommand):
    service = staticmethod(scales_import)

    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _(
            "Import scales from an .xlsx or .csv file; primary → test score tables come on a "
            "sheet of the same workbook or in a file of their own (see docs/formats.md)."
        )
