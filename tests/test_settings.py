"""Settings: production passes Django's deployment checklist; defaults need no configuration."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import environ
from django.conf import settings

PROJECT = Path(__file__).resolve().parent.parent

#: The variables README documents for production.
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "systemkarta.mittkoping.se",
    "CSRF_TRUSTED_ORIGINS": "https://systemkarta.mittkoping.se",
    "DATABASE_URL": "postgres://systemkarta:hemligt@db.mittkoping.se:5432/systemkarta",
}


def run_django(
    args: list[str], environment: dict[str, str], code: str | None = None
) -> subprocess.CompletedProcess:
    """Run manage.py (or ``code``) in a fresh interpreter, so the settings module is really loaded anew."""
    # Only what the test names reaches the settings: the caller's own configuration stays out.
    configured = {
        "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
        "ALLOW_SQLITE_IN_PRODUCTION",
    }
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process; production never has it.
    leaked = {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in configured and k not in leaked and not k.startswith("SECURE_")
    }
    env.update(environment)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_issue_with_production_settings():
    result = run_django(["check", "--deploy", "--fail-level", "DEBUG"], PRODUCTION_ENVIRONMENT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in PRODUCTION_ENVIRONMENT.items() if k != "SECRET_KEY"}
    result = run_django(["check"], environment)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_forces_https_and_secure_cookies():
    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.DATABASES['default']['ENGINE'])"
    )
    result = run_django([], PRODUCTION_ENVIRONMENT, code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "django.db.backends.postgresql"]


def test_production_refuses_sqlite_unless_explicitly_allowed(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'])"
    )
    sqlite = {**PRODUCTION_ENVIRONMENT, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"}
    refused = run_django([], sqlite, code=code)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "ALLOW_SQLITE_IN_PRODUCTION=true" in refused.stderr
    unset = {k: v for k, v in PRODUCTION_ENVIRONMENT.items() if k != "DATABASE_URL"}
    assert "ALLOW_SQLITE_IN_PRODUCTION" in run_django([], unset, code=code).stderr
    said_no = run_django([], {**sqlite, "ALLOW_SQLITE_IN_PRODUCTION": "false"}, code=code)
    assert said_no.returncode != 0
    allowed = run_django([], {**sqlite, "ALLOW_SQLITE_IN_PRODUCTION": "true"}, code=code)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.split() == ["django.db.backends.sqlite3"]


def test_swedish_is_the_default_language_with_english_available():
    assert settings.LANGUAGE_CODE == "sv"
    assert {code for code, _name in settings.LANGUAGES} == {"sv", "en"}
    assert settings.USE_I18N


def test_time_zone_is_stockholm_and_datetimes_are_aware():
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert settings.USE_TZ


def test_sqlite_is_the_default_when_database_url_is_unset():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "db = s.DATABASES['default']; print(db['ENGINE'], db['NAME'])"
    )
    result = run_django([], {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}, code=code)
    assert result.returncode == 0, result.stderr
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name).parent == PROJECT


def test_postgres_database_url_selects_postgresql():
    config = environ.Env.db_url_config("postgres://postgres:hemligt@127.0.0.1:5432/systemkarta")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "systemkarta",
        "postgres",
        "127.0.0.1",
        5432,
    )
    # Loaded through the real settings module: see test_production_forces_https_and_secure_cookies.
