"""`opora identify --year Y --rule-set CODE [--region CODE] [--format table|csv]`: compute the flags
of a region's schools now (a run is stored, as from the pages) and print one row per school."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.core.formula_text import csv_row
from opora.core.models import Region, User
from opora.core.years import is_valid_year, year_range_error
from opora.identification import execution, services
from opora.identification.models import RuleSet, Run, RunSchool
from opora.identification.selectors import display_names, row_flags, run_rows
from opora.identification.warnings import cannot_be_met, warning_texts

COLUMNS = [
    "school_code", "swi", "swi_stanine", "adverse_context", "expected", "residual", "residual_low", "residual_high",
    "typology", "quality_index", "quality_group", "low_results", "decline_risk", "dynamics", "objectivity_index",
    "objectivity_signs", "included", "not_assessed_reason",
]


def cell(value: object) -> str:
    """A value as the command prints it: 4 decimals, true/false, signs joined by «;», empty for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def row_cells(row: RunSchool) -> list[str]:
    flags = row_flags(row)
    return [cell(flags[name]) for name in COLUMNS]


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Identify the schools with low results: compute a run for a region and year with a rule set "
                 "and print one row per school.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("year under study"))
        parser.add_argument("--rule-set", required=True, dest="rule_set",
                            help=_("rule set code (federal, municipal, quality or a region's own)"))
        parser.add_argument("--region", help=_("region code; may be omitted when there is only one region"))
        parser.add_argument("--format", choices=["csv", "table"], default="table",
                            help=_("output format: csv or an aligned table (default)"))
        parser.add_argument("--strict", action="store_true",
                            help=_("exit with an error when a condition of the rule set cannot be met on the "
                                   "loaded data (the rows are printed all the same)"))

    def handle(self, *args: Any, **options: Any) -> None:
        region = self._region(options["region"])
        rule_set = self._rule_set(options["rule_set"])
        year = options["year"]
        if not is_valid_year(year):
            raise CommandError(year_range_error())
        try:
            run = services.run_create(actor=None, region=region, year=year, rule_set=rule_set, enqueue=False)
        except ValidationFailed as error:
            raise CommandError(" ".join(error.messages)) from error
        self._execute(run)
        # The installation-wide scope: the operator sees every school of the run.
        rows = list(run_rows(User(username="", is_superuser=True, is_active=True), run))
        self.stderr.write(_("Run %(run)s: %(schools)s schools, %(included)s proposed for the list.")
                          % {"run": run.pk, "schools": len(rows), "included": sum(r.included for r in rows)})
        for warning in warning_texts(run.warnings or [], display_names()):
            self.stderr.write(f"{warning.level_label}: {warning.text}")
        self._print(rows, options["format"])
        if options["strict"] and cannot_be_met(run.warnings or []):
            raise CommandError(_("A condition of the rule set cannot be met on the loaded data (see above)."))

    def _print(self, rows: list[RunSchool], fmt: str) -> None:
        if fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(csv_row(COLUMNS))
            writer.writerows(csv_row(row_cells(r)) for r in rows)
            return
        header = [COLUMNS[0], "school_name", *COLUMNS[1:]]
        table = [[c[0], r.school.name, *c[1:]] for r, c in ((r, row_cells(r)) for r in rows)]
        widths = [max([len(h), *(len(row[i]) for row in table)]) for i, h in enumerate(header)]
        for row in [header, *table]:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())

    def _execute(self, run: Run) -> None:
        try:
            execution.run_execute(run)
        except ValidationFailed as error:
            message = " ".join(error.messages)
            execution.run_failed(run, message)
            raise CommandError(message) from error
        except Exception:
            execution.run_failed(run, _("The identification failed because of an internal error."))
            raise

    def _region(self, code: str | None) -> Region:
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise CommandError(_("No region with the code «%(code)s».") % {"code": code})
            return region
        regions = list(Region.objects.order_by("code")[:2])
        if len(regions) == 1:
            return regions[0]
        if not regions:
            raise CommandError(_("There is no region yet: import the schools first."))
        codes = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(_("There are several regions: choose one with --region (codes: %(codes)s).")
                           % {"codes": codes})

    def _rule_set(self, code: str) -> RuleSet:
        rule_set = RuleSet.objects.filter(code=code).first()
        if rule_set is None:
            codes = ", ".join(RuleSet.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(_("No rule set with the code «%(code)s» (there are: %(codes)s).")
                               % {"code": code, "codes": codes})
        return rule_set
