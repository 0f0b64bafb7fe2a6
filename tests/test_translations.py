"""The English translation is complete: makemessages over the whole project leaves nothing untranslated."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(
    ".venv", "node_modules", "staticfiles", ".git", "__pycache__", "*.sqlite3*", "test-artifacts",
    ".pytest_cache", "bench", "tests",
)

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext is not installed (make test installs it with apt)",
)


def _statistics(po_file: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check-format", "-o", "/dev/null", str(po_file)],
        capture_output=True, text=True, check=True,
    )
    return result.stderr.strip()


def test_every_message_in_the_code_and_templates_has_an_english_translation(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v0"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    statistics = _statistics(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_the_committed_catalogue_compiles_without_errors():
    statistics = _statistics(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert "translated" in statistics
