"""`opora scheduler [--once]`: the process that runs the periodic jobs of OPORA_SCHEDULE."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.jobs.scheduler import schedule_entries, scheduler_tick


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Run the periodic jobs of OPORA_SCHEDULE (reminders, digest, nightly refresh, clean-up). "
                 "Several schedulers may run: each due run executes once.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help=_("run what is due now and exit (for cron)"))
        parser.add_argument("--interval", type=int, default=30, help=_("seconds between checks (default 30)"))

    def handle(self, *args: Any, **options: Any) -> None:
        entries = schedule_entries()  # a malformed OPORA_SCHEDULE fails here, at start-up
        while True:
            for run in scheduler_tick(entries=entries):
                self.stdout.write(f"{timezone.localtime(run.finished_at):%Y-%m-%d %H:%M} {run.name} "
                                  f"{run.get_status_display()}: {run.message}")
            if options["once"]:
                return
            time.sleep(max(1, options["interval"]))
            close_old_connections()  # a restarted database must not leave this process stuck
