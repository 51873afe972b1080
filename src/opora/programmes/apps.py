from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "opora.programmes"
    verbose_name = _("programmes and indicators")
