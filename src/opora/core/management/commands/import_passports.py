from django.utils.translation import gettext_lazy as _

from opora.core.imports import passports_import
from opora.core.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = _("Import social passports from an .xlsx or .csv file (see docs/formats.md).")
    service = staticmethod(passports_import)
