"""`opora import-tasks FILE [--user LOGIN]`: see docs/formats.md."""

from django.utils.translation import gettext as _

from opora.core.management.commands._import import ImportCommand
from opora.results.imports import tasks_import


class Command(ImportCommand):
    service = staticmethod(tasks_import)
    kind = "tasks"

    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Import the tasks of works from an .xlsx or .csv file (see docs/formats.md).")
