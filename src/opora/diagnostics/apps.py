from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "opora.diagnostics"
    verbose_name = _("risk profiles")

    def ready(self) -> None:
        # The shipped instrument (factors and questionnaires) exists in every installation.
        from opora.diagnostics.services.instruments import instruments_ensure

        def ensure(sender: AppConfig, **kwargs: object) -> None:
            if sender is self:
                instruments_ensure()

        post_migrate.connect(ensure, weak=False, dispatch_uid="opora.diagnostics.instruments")
