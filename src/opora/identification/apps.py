from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "opora.identification"
    verbose_name = _("identification")

    def ready(self) -> None:
        # The three shipped rule sets exist in every installation (idempotent).
        from opora.identification.services import rule_sets_ensure

        def ensure(sender: AppConfig, **kwargs: object) -> None:
            if sender is self:
                rule_sets_ensure()

        post_migrate.connect(ensure, weak=False, dispatch_uid="opora.identification.rule_sets")
