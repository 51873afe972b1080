from django.utils.translation import gettext_lazy as _

from opora.core.imports import schools_import
from opora.core.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = _("Import schools from an .xlsx or .csv file (see docs/formats.md).")
    service = staticmethod(schools_import)
