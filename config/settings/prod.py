"""Production: every secret from the environment, HTTPS enforced.

Required: SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, DATABASE_URL (PostgreSQL).
SQLite is refused unless ALLOW_SQLITE_IN_PRODUCTION=true says it is meant (a forgotten
DATABASE_URL would otherwise run production on a file next to the code, silently).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.bool(  # noqa: F405
    "ALLOW_SQLITE_IN_PRODUCTION", default=False
):
    raise ImproperlyConfigured(
        "Production settings need PostgreSQL: set DATABASE_URL=postgres://user:password@host:5432/name. "
        "DATABASE_URL is unset or names SQLite; to run production on SQLite on purpose, "
        "set ALLOW_SQLITE_IN_PRODUCTION=true."
    )

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive only takes effect if the registrable domain itself is submitted to the
# browsers' preload list; on the host name the app runs under it is harmless, and without it
# ``check --deploy`` warns (security.W021). Set SECURE_HSTS_PRELOAD=false to leave it out.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Keep database connections between requests (checked before reuse): a new PostgreSQL connection
# per request costs a backend process and an authentication round (3.8 ms on the development
# machine), paid again for every page an API client walks through. CONN_MAX_AGE=0 turns it off.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
