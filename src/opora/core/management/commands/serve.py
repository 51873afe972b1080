"""`opora serve [--bind ADDR] [--workers N] [--timeout S] [--trial]`: the production web server.

The process becomes gunicorn's master (exec), so a service manager's HUP reloads the workers
gracefully and TERM stops them after the requests in flight.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

from opora.core.serving import gunicorn_argv, production_problems


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    @property
    def help(self) -> str:  # type: ignore[override]
        # Translated when asked for: argparse cannot format a lazy string.
        return _("Serve Opora in production with gunicorn: several worker processes, access log to the "
                 "standard output, HUP reloads the workers gracefully.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=settings.WEB_BIND,
                            help=_("address and port to listen on (OPORA_WEB_BIND)"))
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS,
                            help=_("number of worker processes (OPORA_WEB_WORKERS)"))
        parser.add_argument("--timeout", type=int, default=settings.WEB_TIMEOUT,
                            help=_("seconds a request may take before its worker is restarted (OPORA_WEB_TIMEOUT)"))
        parser.add_argument("--trial", action="store_true", default=settings.TRIAL,
                            help=_("a trial run: start even with debug mode or the embedded secret key "
                                   "(OPORA_TRIAL=1)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError(_("The number of workers must be at least 1."))
        problems = production_problems()
        if problems and not options["trial"]:
            raise CommandError("\n".join([
                _("Opora will not serve a region with this configuration:"), *problems,
                _("For a trial run only, add --trial (or set OPORA_TRIAL=1)."),
            ]))
        for problem in problems:
            self.stderr.write(_("Trial run: %(problem)s") % {"problem": problem})
        argv = gunicorn_argv(bind=options["bind"], workers=options["workers"], timeout=options["timeout"])
        self.stdout.write(_("Opora: http://%(bind)s/ (%(workers)s workers)")
                          % {"bind": options["bind"], "workers": options["workers"]})
        self.stdout.flush()
        connections.close_all()
        os.execv(argv[0], argv)
