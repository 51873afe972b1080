"""`opora import-results FILE [--user LOGIN]`: see docs/formats.md."""

from django.utils.translation import gettext as _

from opora.core.management.commands._import import ImportCommand
from opora.results.imports.results import results_import


class Command(ImportCommand):
    service = staticmethod(results_import)
    kind = "results"

    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Import pupil results from an .xlsx or .csv file (see docs/formats.md).")
