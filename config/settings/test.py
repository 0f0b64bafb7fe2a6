"""The test suite: fast hashing, in-memory mail; the database comes from DATABASE_URL as usual."""

from .base import *  # noqa: F401,F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests must not depend on a prior collectstatic run.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]
# Tasks run at once, in the process that enqueues them: tests see a refresh's, an import's or a
# mail's effect without a worker (tests/tasks run the real database and RQ backends with workers).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ANALYSES_REFRESH = "task"
