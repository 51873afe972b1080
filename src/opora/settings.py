"""One settings module, configured by environment variables with safe embedded defaults.

Embedded mode (no variables set): SQLite in ./var, DEBUG on, console e-mail.
Production: set OPORA_DEBUG=0, OPORA_SECRET_KEY, OPORA_ALLOWED_HOSTS, DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("OPORA_VAR_DIR", PROJECT_DIR / "var"))
# The embedded SQLite file lives here: a fresh data directory must not end in a traceback.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("OPORA_DEBUG", True)
SECRET_KEY = os.environ.get("OPORA_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("OPORA_SECRET_KEY must be set when OPORA_DEBUG=0")
    SECRET_KEY = "embedded-insecure-key-change-me-for-production-use-only-0123456789"
# `opora serve` refuses DEBUG on or the embedded key unless this says the run is a trial.
TRIAL = env_bool("OPORA_TRIAL", False)
ALLOWED_HOSTS = env_list("OPORA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("OPORA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "opora.core",
    "opora.jobs",
    "opora.results",
    "opora.identification",
    "opora.diagnostics",
    "opora.plans",
    "opora.cases",
    "opora.notifications",
    "opora.support",
    "opora.staff",
    "opora.programmes",
    "opora.reports",
    "opora.public",
    "opora.api",
    "opora.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that error responses of everything below it under /api/ get the API's JSON shape.
    "opora.api.middleware.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A service's AccessDenied that a view leaves alone is the 403 page, not a server error.
    "opora.core.middleware.AccessDeniedMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes requires: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opora.urls"
WSGI_APPLICATION = "opora.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "opora.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'opora.sqlite3'}",
        conn_max_age=int(os.environ.get("OPORA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: wait for locks instead of failing,
    # and let readers run beside the writer.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after 5 failures for the same username and address, 15 minutes' lock.
AXES_FAILURE_LIMIT = int(os.environ.get("OPORA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "ru"
# Russian only until an English catalogue exists: a browser asking for English must still get
# Russian, not the English message ids.
LANGUAGES = [("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("OPORA_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# htmx comes from the npm registry at install time (see package.json), never from a CDN.
NODE_MODULES = PROJECT_DIR / "node_modules"
if (NODE_MODULES / "htmx.org" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("OPORA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Uploaded import files are kept here until their background task has read them.
IMPORT_UPLOAD_DIR = VAR_DIR / "uploads"
# An uploaded file whose header did not fit waits this long for its column mapping (jobs_cleanup).
IMPORT_KEEP_DAYS = float(os.environ.get("OPORA_IMPORT_KEEP_DAYS", "7"))
IMPORT_MAX_BYTES = int(os.environ.get("OPORA_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# An .xlsx is a zip: refuse one that would inflate beyond this (a "zip bomb") before reading it.
IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("OPORA_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES", str(1024 * 1024 * 1024))
)
# Sheet XML compresses 5–30 times; 200 only happens with filler crafted to inflate.
IMPORT_XLSX_MAX_RATIO = int(os.environ.get("OPORA_IMPORT_XLSX_MAX_RATIO", "200"))

# The Parquet results store (pupil-level results), read by the analytics core through Ibis.
RESULTS_DIR = Path(os.environ.get("OPORA_RESULTS_DIR", VAR_DIR / "results"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("OPORA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "OPORA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("OPORA_FROM_EMAIL", "opora@localhost")
EMAIL_HOST = os.environ.get("OPORA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("OPORA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("OPORA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("OPORA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("OPORA_EMAIL_USE_TLS", False)

# Security headers and cookies: strict whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("OPORA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Monitoring probes ask over plain HTTP inside the server's network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("OPORA_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPORA_LOG_LEVEL", "WARNING")},
}

# Page sizes kept small so that list pages stay fast at national scale.
OPORA_PAGE_SIZE = 50

# Risk profiles: how many factors a school may select to work on (METHODS.md §7), and how many
# survey answers one client (a hashed address and browser) may start through one link per hour.
RISK_FACTORS_MAX = int(os.environ.get("OPORA_RISK_FACTORS_MAX", "3"))
SURVEY_CLIENT_LIMIT = int(os.environ.get("OPORA_SURVEY_CLIENT_LIMIT", "40"))

# Roadmaps: the largest file a school may attach to a document, and how many days ahead a
# deadline is announced.
PLANS_ATTACHMENT_MAX_BYTES = int(os.environ.get("OPORA_PLANS_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
PLANS_REMIND_DAYS = int(os.environ.get("OPORA_PLANS_REMIND_DAYS", "7"))
# The site's address for full links in e-mails (empty: links relative to the site).
OPORA_BASE_URL = os.environ.get("OPORA_BASE_URL", "")

# The production web server (`opora serve`, gunicorn): address, worker processes, the longest
# request in seconds (analytical reports and exports take a while).
WEB_BIND = os.environ.get("OPORA_WEB_BIND", "127.0.0.1:8000")
WEB_WORKERS = int(os.environ.get("OPORA_WEB_WORKERS", "3"))
WEB_TIMEOUT = int(os.environ.get("OPORA_WEB_TIMEOUT", "120"))

# Periodic jobs run by `opora scheduler` (see opora/jobs/schedule.py and docs/admin.md):
# `name=HH:MM` daily, `name=mon HH:MM` weekly, `name=30m` / `name=6h` at intervals.
SCHEDULE = os.environ.get(
    "OPORA_SCHEDULE",
    "plans_remind=07:00,decisions_remind=07:10,cases_remind=07:20,plans_digest=mon 07:30,refresh_figures=03:00,"
    "jobs_cleanup=04:00",
)
# Finished background jobs older than this many days are deleted by the `jobs_cleanup` job.
JOBS_KEEP_DAYS = int(os.environ.get("OPORA_JOBS_KEEP_DAYS", "90"))
# A running task's worker stamps its job this often (0: never); a job unstamped for
# OPORA_JOB_STALE_SECONDS is marked failed as interrupted (jobs/heartbeat.py).
JOB_HEARTBEAT_SECONDS = float(os.environ.get("OPORA_JOB_HEARTBEAT_SECONDS", "15"))
JOB_STALE_SECONDS = float(os.environ.get("OPORA_JOB_STALE_SECONDS", "120"))
