"""`opora cases export --year Y [--region CODE] [--output FILE]`: the enhanced-control XLSX (the
confirmed cases of year Y with enhanced control, for the assessment of Y+1), the same file as the
page's; `opora cases remind [--date YYYY-MM-DD]`: the day's reminders on the cases (the scheduler
runs them daily as the `cases_remind` job)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.cases.control import control_rows, control_workbook
from opora.cases.models import ObjectivityCase
from opora.cases.services import cases_remind
from opora.core.models import Region
from opora.core.years import is_valid_year, year_range_error


def default_output(year: int) -> Path:
    """The file the export writes when no --output is given: in the current directory."""
    return Path.cwd() / f"enhanced-control-{year + 1}.xlsx"


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Objectivity cases from the command line: the enhanced-control list (export) and the day's "
                 "reminders (remind).")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export,remind}")
        text = _("Write the enhanced-control XLSX: the schools whose results of the year were confirmed not "
                 "objective, for the next year's assessment.")
        export = actions.add_parser("export", help=text, description=text)
        export.add_argument("--year", type=int, required=True,
                            help=_("year of the confirmed cases (the list is for the next year)"))
        export.add_argument("--region", help=_("region code (default: every region)"))
        export.add_argument("--output", help=_("the file to write (default: enhanced-control-<year+1>.xlsx in the "
                                               "current directory)"))
        text = _("Remind the heads of answers due soon, and the heads, the municipality and the region of "
                 "overdue answers and decisions; nothing is sent twice.")
        remind = actions.add_parser("remind", help=text, description=text)
        remind.add_argument("--date", help=_("the day to remind as of, YYYY-MM-DD (default: today)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options["year"], options.get("region"), options.get("output"))
        else:
            self._remind(options.get("date"))

    def _export(self, year: int, code: str | None, output: str | None) -> None:
        if not is_valid_year(year):
            raise CommandError(year_range_error())
        cases = ObjectivityCase.objects.all()
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise CommandError(_("No region with the code «%(code)s».") % {"code": code})
            cases = cases.filter(region=region)
        out = Path(output) if output else default_output(year)
        if not out.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": out.parent})
        rows = control_rows(cases, year)
        out.write_bytes(control_workbook(rows, year))
        self.stdout.write(_("Written: %(file)s; schools under enhanced control in %(next)s: %(count)s.")
                          % {"file": out, "next": year + 1, "count": len(rows)})

    def _remind(self, value: str | None) -> None:
        day = timezone.localdate()
        if value:
            try:
                day = date.fromisoformat(value)
            except ValueError as error:
                raise CommandError(_("--date: expected YYYY-MM-DD, got «%(value)s».") % {"value": value}) from error
        sent = cases_remind(day)
        self.stdout.write(_("Reminders on objectivity cases sent: %(count)s.") % {"count": sent})
