"""`opora demo --size tiny --seed 1 [--if-empty]`: load the demo territory, print its logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.demo.generator import SIZES
from opora.demo.loader import territory_is_empty
from opora.demo.people import DEMO_PASSWORD, demo_logins, logins_table
from opora.demo.services import demo_load


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _(
            "Load a synthetic demo territory (the same seed always gives the same data) and "
            "users for every role."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            default="tiny",
            help=_("tiny, municipality, region or national (default: tiny)"),
        )
        parser.add_argument("--seed", default="1", help=_("an integer (default: 1)"))
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("do nothing (but print the logins) if the database already has data"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size: str = options["size"]
        try:
            seed = int(options["seed"])
        except ValueError as exc:
            raise CommandError(_("The seed must be an integer.")) from exc
        if size not in SIZES:
            raise CommandError(
                _("Unknown size «%(size)s». Choose one of: %(sizes)s.")
                % {"size": size, "sizes": ", ".join(SIZES)}
            )
        if options["if_empty"] and not territory_is_empty():
            self.stdout.write(_("The database already holds data: the demo was not loaded."))
            self._print_logins()
            return
        started = time.perf_counter()
        try:
            territory = demo_load(size=size, seed=seed)
        except ValidationFailed as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            _(
                "Demo loaded in %(seconds).1f s: regions: %(regions)d, municipalities: "
                "%(municipalities)d, schools: %(schools)d, social passports: %(passports)d."
            )
            % {
                "seconds": time.perf_counter() - started,
                "regions": len(territory.regions),
                "municipalities": len(territory.municipalities),
                "schools": len(territory.schools),
                "passports": len(territory.passports),
            }
        )
        self._print_logins()

    def _print_logins(self) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write(_("There are no demo users in this database."))
            return
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        self.stdout.write(logins_table(logins))
