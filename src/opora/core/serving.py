"""The production web server: what must hold before it starts, and how gunicorn is started.

`opora serve` runs gunicorn with `opora.wsgi:application`. It refuses to start with DEBUG on or
with the embedded secret key (a region's server would then leak tracebacks or accept forged
sessions) unless the run is declared a trial (`--trial` or OPORA_TRIAL=1).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# The key settings.py falls back to in the embedded mode starts with this.
EMBEDDED_SECRET_PREFIX = "embedded-insecure-key-change-me"
WSGI_APP = "opora.wsgi:application"


def production_problems() -> list[str]:
    """What makes this configuration unfit to serve a region, in words for the administrator."""
    problems: list[str] = []
    key = str(settings.SECRET_KEY or "")
    if not key or key.startswith(EMBEDDED_SECRET_PREFIX):
        problems.append(_("The secret key is not set: put a long random value into OPORA_SECRET_KEY."))
    if settings.DEBUG:
        problems.append(_("Debug mode is on: set OPORA_DEBUG=0 (with it on, error pages show internal details)."))
    elif not static_manifest_path().is_file():
        problems.append(_("The static files are not collected: run «opora collectstatic --noinput» first."))
    return problems


def static_manifest_path() -> Path:
    """The manifest WhiteNoise's storage writes on collectstatic; without it no page renders."""
    return Path(settings.STATIC_ROOT) / "staticfiles.json"


def gunicorn_argv(*, bind: str, workers: int, timeout: int) -> list[str]:
    """The gunicorn command line: access log to stdout, errors to stderr, HUP reloads workers."""
    return [
        sys.executable, "-m", "gunicorn", WSGI_APP,
        "--bind", bind,
        "--workers", str(workers),
        "--timeout", str(timeout),
        "--graceful-timeout", "30",
        "--access-logfile", "-",
        "--error-logfile", "-",
        "--forwarded-allow-ips", "127.0.0.1",
        # HUP and TERM are the controls; no socket file that several instances would share.
        "--no-control-socket",
    ]
