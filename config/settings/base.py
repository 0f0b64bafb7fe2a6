"""Settings shared by every environment.

Secrets and anything that differs between installations come from the environment through
django-environ; with no environment at all the project runs on a local SQLite file.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    PUBLIC_PAGE_ENABLED=(bool, False),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_countries",
    "graphene_django",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "portfolio",
    "gdpr",
    "integrations",
    "stewardship",
    "discovery",
    "analysis_cache",
    "planning",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is explicitly marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.DatabaseBusyMiddleware",
    # Last: turns a locked-out login into the login page with the lock-out message (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite with no configuration; DATABASE_URL=postgres://… selects PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'systemkarta.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a competing writer instead of failing at once; WAL lets readers go on meanwhile.
    # IMMEDIATE takes the write lock when a transaction starts: a deferred transaction that reads
    # and then writes cannot upgrade its lock while another writer waits, and SQLite then answers
    # "database is locked" at once instead of waiting.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DB_SERVER_SIDE_BINDING", default=True
):
    # Parameters bound by the server and statements prepared after five runs: PostgreSQL plans a
    # query of the register once instead of on every page a client reads (a GraphQL walk of 9,000
    # systems: 4.6 s to 3.8 s). Set DB_SERVER_SIDE_BINDING=false behind PgBouncer in transaction
    # pooling mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out username or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (accounts.lockout): after LOGIN_FAILURE_LIMIT failed logins for one username, or
# from one address, that username or address is locked for LOGIN_COOLOFF_MINUTES, on /konto/logga-in/
# and /admin/login/ alike. The admin lists the locks (Access attempts).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the count: axes would delete every failure from the same address too,
# so anyone with an account could reset the address's count between guesses at others' passwords.
# Failures older than the cool-off no longer count.
AXES_RESET_ON_SUCCESS = False
# The cool-off runs from the lock, not from the attacker's latest try: the owner of the account knows
# when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
#: Reverse proxies of our own in front of the app (their X-Forwarded-For is trusted this deep).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Country names come from django-countries' Swedish catalogue, sorted the Swedish way
# (portfolio/countries.py). Its Swedish name for the US is "Amerikas förenta stater", which a reader
# looks for under U as "USA".
COUNTRIES_OVERRIDE = {"US": _("USA")}
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and requests from this origin only,
# no inline script or style anywhere (templates keep theirs in static/), no plugins, no framing.
# GraphiQL is served from static/vendor/graphiql; its style sheet embeds its fonts as data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Uploads are read into memory up to this size; the import guards its own limit on top.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# What one imported spreadsheet may hold (integrations.spreadsheets, docs/import.md): checked while
# the file is read, so a small hostile file is refused before it fills the memory.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_LINE_CHARS = env.int("IMPORT_MAX_LINE_CHARS", default=100_000)
IMPORT_MAX_SHARED_STRINGS = env.int("IMPORT_MAX_SHARED_STRINGS", default=500_000)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="systemkarta@localhost")
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
#: Where people reach the site, for absolute links in review-round e-mail.
SITE_URL = env("SITE_URL", default="")

GRAPHENE = {
    "SCHEMA": "config.schema.schema",
    "RELAY_CONNECTION_MAX_LIMIT": 100,
    "ATOMIC_MUTATIONS": True,
}
#: Read GraphQL connections with ``portfolio.graphql.loader`` where it can plan the query (several
#: times faster); False leaves every query to graphene-django-query-optimizer. Same answers either way.
GRAPHQL_LOADER = True
#: Execute GraphQL documents with ``config.graphql.execution.RegisterExecutionContext``, which reads
#: plain column fields directly; False runs graphql-core's own execution (same answers, slower).
GRAPHQL_FAST_EXECUTION = env.bool("GRAPHQL_FAST_EXECUTION", default=True)

# Background work (README "Background tasks"): Django's Tasks API through the django-tasks backport.
# TASKS_BACKEND=database (the default): tasks wait in this database and `manage.py db_worker` runs
# them (`make demo` starts one beside the web server). TASKS_BACKEND=rq: RQ workers with Redis at
# REDIS_URL (`manage.py rqworker --job-class django_tasks_rq.Job`), for several web servers.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            "URL": env.str("REDIS_URL", default="redis://127.0.0.1:6379/0"),
            "DEFAULT_TIMEOUT": 3600,  # seconds; a large import or a refresh at scale 30 takes minutes
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# How the dashboard's analyses are recomputed after the register changed (stewardship.analyses):
# "task" on the tasks backend above, "command" only by `manage.py refresh_analyses` or the nightly
# tasks (cron).
ANALYSES_REFRESH = env.str("ANALYSES_REFRESH", default="task")
#: What `manage.py enqueue_nightly_tasks` (cron, once a night) puts on the tasks backend.
NIGHTLY_TASKS = [
    "stewardship.tasks.refresh_every_language_task",
    "stewardship.tasks.send_due_notifications_task",
    "integrations.tasks.purge_expired_uploads_task",
    "integrations.tasks.resume_queued_imports_task",
    "gdpr.tasks.erase_departed_people_task",
    "discovery.tasks.purge_expired_identity_uploads_task",
    "discovery.tasks.purge_measured_usage_task",
    "planning.tasks.compute_running_plans_months_task",
    "planning.tasks.purge_plan_figures_task",
]
#: A confirmed import of a file larger than this (bytes) is applied by a background task; smaller
#: ones in the request. 256 KB is a few thousand rows of CSV, some ten thousand of a workbook.
IMPORT_IN_BACKGROUND_ABOVE = env.int("IMPORT_IN_BACKGROUND_ABOVE", default=256 * 1024)

# Identity-provider files uploaded on /upptackt/importera/ (sign-in logs: personal data) wait here,
# under random names, only between their dry run and their import, and are deleted once read
# (discovery.uploads). Keep it outside the backup and, with several servers, on a shared disk.
DISCOVERY_UPLOAD_DIR = env.path("DISCOVERY_UPLOAD_DIR", default=BASE_DIR / "var" / "identity-uploads")
DISCOVERY_UPLOAD_MAX_BYTES = env.int("DISCOVERY_UPLOAD_MAX_MB", default=4096) * 1024 * 1024
# Measured use (counts per service, school, user group and period) older than this many months is
# deleted by `manage.py purge_measured_usage` (nightly); README "What discovery keeps".
MEASURED_USAGE_RETENTION_MONTHS = env.int("MEASURED_USAGE_RETENTION_MONTHS", default=24)

# People who have left (no current role, no activity, no login) are pseudonymised this many days
# after their last role ended (gdpr.subject_rights.departed_people; Art. 5.1 e).
PERSON_RETENTION_DAYS = env.int("PERSON_RETENTION_DAYS", default=730)
# A processing activity is large scale for the DPIA rules (docs/gdpr.md) when an identity provider
# measured more pupils than this using one of its services, or its services at more than this
# share of the active school units, whatever its "storskalig" checkbox says.
GDPR_LARGE_SCALE_PUPILS = env.int("GDPR_LARGE_SCALE_PUPILS", default=1000)
GDPR_LARGE_SCALE_SCHOOL_SHARE = env.float("GDPR_LARGE_SCALE_SCHOOL_SHARE", default=0.5)

# The opt-in page under the principle of public access (offentlighetsprincipen).
PUBLIC_PAGE_ENABLED = env("PUBLIC_PAGE_ENABLED")

# import_register refuses a backup that unpacks to more than this (a gzip bomb), before parsing it.
BACKUP_MAX_EXPANDED_BYTES = env.int("BACKUP_MAX_EXPANDED_MB", default=1024) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
