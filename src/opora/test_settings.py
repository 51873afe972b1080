"""Settings for the test suite: the same as production's shape, only faster.

Tasks run immediately in the calling thread so tests see their outcome; password hashing is
cheap. The database still comes from DATABASE_URL, so the suite runs on PostgreSQL too.
"""

from opora.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
