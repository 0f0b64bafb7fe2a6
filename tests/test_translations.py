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


# The names makemessages hands to xgettext for Python (xgettext's own defaults plus Django's
# --keyword list). A translation function imported or bound under any other name is a call
# xgettext never sees: its message stays Swedish in English, and the catalogue test above cannot
# notice, because the message is missing rather than untranslated.
EXTRACTED_NAMES = {
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy",
    "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy",
}
SOURCE_SKIPPED = {".venv", "node_modules", "staticfiles", ".git", "tests", "bench", "mutants", "migrations"}


def unextractable_aliases(source: str) -> list[tuple[int, str, str]]:
    """(line, function, alias) for each translation function bound to a name xgettext does not read."""
    import ast

    found = []
    tree = ast.parse(source)
    translation_names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                bound = alias.asname or alias.name
                translation_names[bound] = alias.name
                if alias.name in EXTRACTED_NAMES and bound not in EXTRACTED_NAMES:
                    found.append((node.lineno, alias.name, bound))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        value, function = node.value, None
        if isinstance(value, ast.Name):
            function = translation_names.get(value.id)
        elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            function = value.attr if value.value.id == "translation" else None
        if function in EXTRACTED_NAMES:
            found.extend(
                (node.lineno, function, target.id)
                for target in node.targets
                if isinstance(target, ast.Name) and target.id not in EXTRACTED_NAMES
            )
    return found


def test_an_alias_of_gettext_that_makemessages_cannot_see_is_found():
    source = (
        "from django.utils.translation import gettext as _g\n"
        "from django.utils.translation import gettext_lazy as _\n"
        "from django.utils import translation\n"
        "tr = translation.pgettext\n"
        "lazy = _\n"
    )
    assert unextractable_aliases(source) == [
        (1, "gettext", "_g"),
        (4, "pgettext", "tr"),
        (5, "gettext_lazy", "lazy"),
    ]


def test_every_translation_call_in_the_code_uses_a_name_makemessages_extracts():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if SOURCE_SKIPPED & set(path.relative_to(ROOT).parts):
            continue
        for line, function, alias in unextractable_aliases(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {function} as {alias}")
    assert not offenders, "\n".join(offenders)
