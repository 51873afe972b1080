"""`opora plans-remind [--date YYYY-MM-DD]`: the day's deadline reminders (run daily from cron)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from opora.plans.reminders import remind


def parse_day(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date: expected YYYY-MM-DD, got {value!r}") from error


class Command(BaseCommand):
    help = ("Remind school heads of documents due soon or overdue and of overdue roadmap measures, and "
            "reviewers of overdue documents and of documents waiting for review; nothing is sent twice.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to remind as of, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = remind(parse_day(options["date"]))
        self.stdout.write(f"notifications sent: {sent}")
