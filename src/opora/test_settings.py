"""Settings for the test suite: the same as production's shape, only faster.

Tasks run immediately in the calling thread so tests see their outcome; password hashing is
cheap. The database still comes from DATABASE_URL, so the suite runs on PostgreSQL too.
"""

import tempfile
from pathlib import Path

from opora.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# Tasks run in the test's thread: a heartbeat thread would contend for SQLite's write lock.
JOB_HEARTBEAT_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests never write into the working tree's var/: results and uploads go to a fresh temp dir.
_TMP = Path(tempfile.mkdtemp(prefix="opora-tests-"))
RESULTS_DIR = _TMP / "results"
IMPORT_UPLOAD_DIR = _TMP / "uploads"
MEDIA_ROOT = _TMP / "media"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
