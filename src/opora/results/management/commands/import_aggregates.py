"""`opora import-aggregates FILE [--user LOGIN]`: see docs/formats.md."""

from django.utils.translation import gettext as _

from opora.core.management.commands._import import ImportCommand
from opora.results.imports.aggregates import aggregates_import


class Command(ImportCommand):
    service = staticmethod(aggregates_import)
    kind = "aggregates"

    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Import school aggregates from an .xlsx or .csv file (see docs/formats.md).")
