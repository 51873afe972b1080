from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_unicode_lower(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's built-in lower() folds only ASCII; Russian names need full Unicode folding."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("lower", 1, lambda s: s.lower() if s else s, deterministic=True)


class CoreConfig(AppConfig):
    name = "opora.core"
    verbose_name = _("territory and people")

    def ready(self) -> None:
        connection_created.connect(_sqlite_unicode_lower, dispatch_uid="opora_sqlite_lower")
