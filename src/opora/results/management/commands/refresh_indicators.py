"""`opora refresh-indicators --year Y --procedure P`: recompute the rollups from the store."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.results.rollups import indicators_refresh


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Recompute the school and task indicators of one procedure and year from the stored "
                 "pupil results.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("year of the results"))
        parser.add_argument("--procedure", required=True, help=_("procedure code (vpr, oge, ege …)"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = indicators_refresh(procedure_code=options["procedure"], year=options["year"])
        except ValidationFailed as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Indicators of %(procedure)s %(year)s: %(schools)s school rows, %(classes)s class rows, "
              "%(tasks)s task rows from %(parts)s files in %(seconds).1f s.")
            % {"procedure": summary.procedure, "year": summary.year, "schools": summary.school_rows,
               "classes": summary.class_rows, "tasks": summary.task_rows, "parts": summary.parts,
               "seconds": summary.seconds}
        )
        if summary.skipped_schools:
            self.stderr.write(
                _("Skipped results of schools not in the register: %(codes)s.")
                % {"codes": ", ".join(summary.skipped_schools[:20])}
            )
