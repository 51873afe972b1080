"""`opora indicators --year Y [--procedure P] [--format csv|table] [--user LOGIN]`."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.formula_text import csv_row
from opora.core.models import User
from opora.results.models import Procedure
from opora.results.selectors import indicators_for

COLUMNS = ["school_code", "procedure", "year", "subject", "grade", "participants", "fail_share",
           "fail_low", "fail_high", "high_share", "mean_pct", "mean_mark", "fail_change"]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Print the per-school indicators of a year (whole grades), as the user sees them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("year of the results"))
        parser.add_argument("--procedure", help=_("procedure code (vpr, oge, ege …); all by default"))
        parser.add_argument("--format", choices=["csv", "table"], default="table",
                            help=_("output format: csv or an aligned table (default)"))
        parser.add_argument("--user", help=_("login of the user whose access applies; everything by default"))

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["user"])
        procedure = options["procedure"]
        if procedure and not Procedure.objects.filter(code=procedure).exists():
            raise CommandError(_("Unknown assessment procedure «%(code)s».") % {"code": procedure})
        rows = indicators_for(user, year=options["year"], procedure=procedure, classes=False)
        table = [
            [_cell(v) for v in (r.school.code, r.procedure.code, r.year, r.subject.code, r.grade,
                                r.participants, r.fail_share, r.fail_low, r.fail_high, r.high_share,
                                r.mean_pct, r.mean_mark, r.fail_change)]
            for r in rows.iterator(chunk_size=2000)
        ]
        if options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(csv_row(COLUMNS))
            writer.writerows(csv_row(row) for row in table)
            return
        widths = [max([len(c), *(len(row[i]) for row in table)]) for i, c in enumerate(COLUMNS)]
        for row in [COLUMNS, *table]:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())

    def _user(self, username: str | None) -> User:
        if not username:
            # No login: the installation-wide scope, as the administrator sees it.
            return User(username="", is_superuser=True, is_active=True)
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user with the login «%(name)s».") % {"name": username})
        return user
