from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "opora.results"
    verbose_name = _("assessment results")

    def ready(self) -> None:
        from opora.core.imports.mapping_store import RECOGNISERS
        from opora.results.imports.forms import RESULT_FORMS

        RECOGNISERS["results"] = RESULT_FORMS
