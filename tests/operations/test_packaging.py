"""The package metadata in pyproject.toml: what `pip install` builds and ships.

A fresh `pip install -e '.[test]'` must be quiet, and a wheel must carry every app the settings load.
"""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from django.conf import settings
from packaging.requirements import Requirement
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_dependency_is_declared_once():
    names = [Requirement(line).name.lower() for line in PYPROJECT["project"]["dependencies"]]
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_the_wheel_carries_every_local_app_in_installed_apps():
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    shipped = set(find_packages(where=str(ROOT), include=include))
    local_apps = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
    assert local_apps, "the settings load no app from this repository"
    assert [app for app in local_apps if app not in shipped] == []
    assert all(any(fnmatch(package, pattern) for pattern in include) for package in shipped)


def test_editable_install_maps_the_project_root_so_setuptools_needs_no_import_finder():
    # With a flat layout and no root mapping, setuptools installs an import finder and warns on
    # every `pip install -e .` that `packages.find.include` has no effect there.
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"": "."}
