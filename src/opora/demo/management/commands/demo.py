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
from opora.demo.results_loader import ResultsSummary, patterns_path
from opora.demo.services import demo_load


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Load a synthetic demo territory (the same seed always gives the same data) and users for every role.")

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
        parser.add_argument(
            "--no-results",
            action="store_true",
            help=_(
                "load no assessment results (by default tiny, municipality and region get three "
                "years of ВПР, ОГЭ and ЕГЭ)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size: str = options["size"]
        try:
            seed = int(options["seed"])
        except ValueError as exc:
            raise CommandError(_("The seed must be an integer.")) from exc
        if size not in SIZES:
            raise CommandError(
                _("Unknown size «%(size)s». Choose one of: %(sizes)s.") % {"size": size, "sizes": ", ".join(SIZES)}
            )
        if options["if_empty"] and not territory_is_empty():
            self.stdout.write(_("The database already holds data: the demo was not loaded."))
            self._print_logins()
            return
        started = time.perf_counter()
        try:
            loaded = demo_load(
                size=size,
                seed=seed,
                with_results=False if options["no_results"] else None,
                progress=self._progress,
            )
        except ValidationFailed as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        territory = loaded.territory
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
        if loaded.results is not None:
            self._print_results(loaded.results)
        if loaded.identification is not None:
            self.stdout.write(
                _("Identification: %(runs)d runs; the approved list of the latest year holds %(listed)d schools.")
                % {"runs": loaded.identification.runs, "listed": loaded.identification.listed}
            )
        if loaded.diagnostics is not None:
            d = loaded.diagnostics
            self.stdout.write(
                _("Risk profiles: %(campaigns)d survey campaigns, %(responses)d answers, %(profiles)d profiles "
                  "(%(verified)d verified).")
                % {"campaigns": d.campaigns, "responses": d.responses, "profiles": d.profiles,
                   "verified": d.verified}
            )
        if loaded.plans is not None and loaded.plans.year:
            p = loaded.plans
            self.stdout.write(
                _("Roadmaps %(year)d: %(stages)d stage dates, %(documents)d documents of %(schools)d schools, "
                  "%(measures)d roadmap measures.")
                % {"year": p.year, "stages": p.stages, "documents": p.documents, "schools": len(p.scenarios),
                   "measures": p.measures}
            )
        if loaded.support:
            self.stdout.write(
                _("Support and teachers: %(counts)s.")
                % {"counts": ", ".join(f"{name}: {count}" for name, count in loaded.support.items())}
            )
        self._print_logins()

    def _progress(self, step: str) -> None:
        self.stdout.write(_("Computing school indicators: %(step)s") % {"step": step})

    def _print_results(self, results: ResultsSummary) -> None:
        self.stdout.write(
            _("Assessment results: %(rows)d pupil results in %(parts)d files, %(scales)d scales.")
            % {"rows": results.rows, "parts": results.parts, "scales": results.scales}
        )
        self.stdout.write(_("Schools with planted patterns (see %(path)s):") % {"path": patterns_path()})
        labels = {
            "declining": _("declining results"),
            "inflated": _("results that look inflated"),
            "resilient": _("resilient (adverse context, good results)"),
            "grade5_drop": _("drop from grade 4 to grade 5"),
        }
        for name, codes in results.patterns.items():
            self.stdout.write(f"  {labels.get(name, name)}: {', '.join(codes)}")

    def _print_logins(self) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write(_("There are no demo users in this database."))
            return
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        self.stdout.write(logins_table(logins))
