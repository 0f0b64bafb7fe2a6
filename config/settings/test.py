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
# The dashboard's stale analyses are refreshed in the request instead of a background thread, so
# tests see the refresh's effect on the next render without waiting (stewardship.analyses).
ANALYSES_REFRESH = "inline"
