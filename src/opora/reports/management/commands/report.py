"""`opora report --year Y --scope municipality:CODE|region:CODE|school:CODE --format docx|pdf --out FILE`:
the analytical report built synchronously with the same builder as the page. The command line is
the installation's operator, so every territory is open to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed
from opora.reports.data import scope_parse
from opora.reports.files import check_format, check_year, report_bytes


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Write the analytical report of a school, a municipality or the region for a year "
                 "as DOCX or PDF.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("year"))
        parser.add_argument("--scope", required=True,
                            help=_("territory: municipality:CODE, region:CODE or school:CODE"))
        parser.add_argument("--format", default="docx", help=_("docx (default) or pdf"))
        parser.add_argument("--out", required=True, help=_("the file to write"))

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"].strip().lower()
        out = Path(options["out"])
        try:
            check_format(fmt)
            check_year(options["year"])
            scope = scope_parse(options["scope"])
        except ValidationFailed as error:
            raise CommandError(" ".join(error.messages)) from error
        if not out.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": out.parent})
        verbose = options["verbosity"] > 1

        def progress(done: int, total: int, label: str) -> None:
            if verbose:
                self.stderr.write(f"[{done + 1}/{total}] {label}")

        out.write_bytes(report_bytes(scope, options["year"], fmt, progress=progress))
        self.stdout.write(_("Written: %(file)s") % {"file": out})
