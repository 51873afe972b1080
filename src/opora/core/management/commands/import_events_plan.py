"""`opora import-events-plan FILE --municipality CODE|--region CODE [--year 2023] [--user LOGIN]`:
see docs/formats.md, «План мероприятий»."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied
from opora.core.management.commands._import import ImportCommand, report_outcome, resolve_user
from opora.core.models import Municipality, Region
from opora.support.imports_events import events_plan_import
from opora.support.plan_periods import PLAN_YEARS, academic_year_of


class Command(ImportCommand):
    # The shared arguments (FILE, --user); `handle` adds the territory and the year.
    service = staticmethod(events_plan_import)

    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Import a plan of events of a municipality or of the region from an .xlsx or .csv file "
                 "(see docs/formats.md).")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        whose = parser.add_mutually_exclusive_group(required=True)
        whose.add_argument("--municipality", metavar="CODE", help=_("code of the municipality whose plan it is"))
        whose.add_argument("--region", metavar="CODE", help=_("code of the region, for the region's own plan"))
        parser.add_argument("--year", type=int,
                            help=_("the academic year of the plan by its first year: 2023 means "
                                   "1 September 2023 – 31 August 2024; by default the current one"))

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or academic_year_of(timezone.localdate())
        if not PLAN_YEARS[0] <= year <= PLAN_YEARS[1]:
            raise CommandError(_("The academic year must be from %(first)d to %(last)d.")
                               % {"first": PLAN_YEARS[0], "last": PLAN_YEARS[1]})
        territory: dict[str, Any] = {}
        if code := options.get("municipality"):
            territory["municipality"] = Municipality.objects.select_related("region").filter(code=code).first()
            if territory["municipality"] is None:
                raise CommandError(_("No municipality with the code «%(code)s».") % {"code": code})
        else:
            territory["region"] = Region.objects.filter(code=options["region"]).first()
            if territory["region"] is None:
                raise CommandError(_("No region with the code «%(code)s».") % {"code": options["region"]})

        actor = resolve_user(options["user"])
        try:
            outcome = events_plan_import(actor=actor, path=options["file"], academic_year=year,
                                         sheet=options.get("sheet"), **territory)
        except AccessDenied as exc:
            raise CommandError(
                _("The user «%(name)s» may not run this import.") % {"name": actor.username}
            ) from exc
        report_outcome(self, outcome)
