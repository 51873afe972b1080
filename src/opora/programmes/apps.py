from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "opora.programmes"
    verbose_name = _("programmes and indicators")

    def ready(self) -> None:
        from opora.core.signals import figures_inputs_changed
        from opora.programmes.figures import on_inputs_changed

        figures_inputs_changed.connect(on_inputs_changed, dispatch_uid="opora-programme-figures")
