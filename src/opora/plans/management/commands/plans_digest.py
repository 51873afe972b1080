"""`opora plans-digest [--date YYYY-MM-DD]`: the curators' weekly digest (run weekly from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opora.plans.management.commands.plans_remind import parse_day
from opora.plans.reminders import digest


class Command(BaseCommand):
    help = ("Send every curator a digest of their schools: documents waiting for their review, overdue "
            "documents and measures; one per curator and week.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to report as of, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digest(parse_day(options["date"]))
        self.stdout.write(f"digests sent: {sent}")
