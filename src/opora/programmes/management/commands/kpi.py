"""`opora kpi --year Y --programme CODE [--format table|csv]`: a programme's indicators for a year,
plan against fact, with how each fact was computed. The command line is the installation's
operator, so it sees every programme (access applies to pages and the API)."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.formula_text import csv_row
from opora.programmes.compute import KpiResult, kpi_results
from opora.programmes.models import Programme

COLUMNS = ["code", "year", "target_pct", "fact_pct", "numerator", "denominator", "status", "schools_counted",
           "schools_missing", "missing"]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1f}" if value != int(value) else str(int(value))


def result_cells(r: KpiResult) -> list[str]:
    missing = "; ".join(sorted(set(r.fact.missing.values())))
    return [r.kpi.code, str(r.year), _number(r.target_percent), _number(r.percent), _number(r.fact.numerator),
            _number(r.fact.denominator), r.status, str(len(r.fact.counted)), str(len(r.fact.missing)), missing]


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Print a programme's indicators for a year: target, fact, how many schools counted and "
                 "what data is missing (a table or CSV).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("year"))
        parser.add_argument("--programme", required=True, help=_("programme code"))
        parser.add_argument("--format", choices=["csv", "table"], default="table",
                            help=_("output format: csv or an aligned table (default)"))

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(code=options["programme"]).first()
        if programme is None:
            known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True)) or "—"
            raise CommandError(_("No programme «%(code)s». Programmes: %(known)s.")
                               % {"code": options["programme"], "known": known})
        results = kpi_results(programme, options["year"])
        rows = [result_cells(r) for r in results]
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(csv_row(COLUMNS))
            writer.writerows(csv_row(row) for row in rows)
            return
        header = [COLUMNS[0], "title", *COLUMNS[1:]]
        table = [[c[0], str(r.definition.title), *c[1:]] for r, c in zip(results, rows, strict=True)]
        widths = [max([len(h), *(len(row[i]) for row in table)]) for i, h in enumerate(header)]
        for row in [header, *table]:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
