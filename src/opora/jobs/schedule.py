"""The schedule of periodic jobs (OPORA_SCHEDULE) and when each is due.

Entries are separated by commas, each `name=WHEN`, where WHEN is
- `HH:MM` — every day at that time (the installation's time zone),
- `mon HH:MM` (mon … sun) — every week on that day,
- `30m` or `6h` — every 30 minutes / 6 hours, counted from midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAILY = re.compile(r"^(?:(?P<day>[a-z]{3})\s+)?(?P<h>\d{1,2}):(?P<m>\d{2})$")
_INTERVAL = re.compile(r"^(?P<n>\d+)(?P<unit>[mh])$")


@dataclass(frozen=True)
class Entry:
    name: str
    when: str  # as written, for the page
    hour: int = 0
    minute: int = 0
    weekday: int | None = None  # 0 = Monday; None: every day
    interval: timedelta | None = None  # set for `30m` / `6h` entries

    def latest_due(self, now: datetime) -> datetime:
        """The latest due time at or before `now` (aware, in the current time zone)."""
        local = timezone.localtime(now)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.interval is not None:
            steps = (local - midnight) // self.interval
            return midnight + steps * self.interval
        due = midnight.replace(hour=self.hour, minute=self.minute)
        if self.weekday is None:
            return due if due <= local else due - timedelta(days=1)
        due -= timedelta(days=(local.weekday() - self.weekday) % 7)
        return due if due <= local else due - timedelta(days=7)

    def next_due(self, now: datetime) -> datetime:
        latest = self.latest_due(now)
        if self.interval is not None:
            following = latest + self.interval
            midnight = timezone.localtime(latest).replace(hour=0, minute=0, second=0, microsecond=0)
            return following if following.date() == midnight.date() else midnight + timedelta(days=1)
        return latest + timedelta(days=1 if self.weekday is None else 7)


def parse(raw: str, known: set[str]) -> list[Entry]:
    """Entries of `raw`; an unknown job or a malformed time fails loudly at start-up."""
    entries = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        name, _sep, when = (p.strip() for p in item.partition("="))
        if name not in known:
            raise ImproperlyConfigured(f"OPORA_SCHEDULE: unknown job {name!r} (known: {', '.join(sorted(known))})")
        entries.append(_entry(name, when.lower()))
    return entries


def _entry(name: str, when: str) -> Entry:
    if match := _INTERVAL.match(when):
        minutes = int(match["n"]) * (60 if match["unit"] == "h" else 1)
        if not 1 <= minutes <= 24 * 60:
            raise ImproperlyConfigured(f"OPORA_SCHEDULE: {name}: an interval from 1m to 24h, got {when!r}")
        return Entry(name=name, when=when, interval=timedelta(minutes=minutes))
    match = _DAILY.match(when)
    if not match or int(match["h"]) > 23 or int(match["m"]) > 59 or (match["day"] and match["day"] not in WEEKDAYS):
        raise ImproperlyConfigured(f"OPORA_SCHEDULE: {name}: expected HH:MM, 'mon HH:MM' or 30m/6h, got {when!r}")
    weekday = WEEKDAYS.index(match["day"]) if match["day"] else None
    return Entry(name=name, when=when, hour=int(match["h"]), minute=int(match["m"]), weekday=weekday)
