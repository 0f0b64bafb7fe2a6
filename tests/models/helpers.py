"""Assertions shared by the rule tests: what is refused, and with which message."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def validation_errors(instance) -> dict[str, list[str]]:
    """The messages ``full_clean()`` refuses ``instance`` with, per field ("__all__" for the whole)."""
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return excinfo.value.message_dict


def assert_refused(instance, field: str, message: str) -> None:
    errors = validation_errors(instance)
    assert message in errors.get(field, []), f"expected {message!r} on {field!r}, got {errors}"


def assert_database_refuses(write: Callable[[], object], constraint: str | None = None) -> None:
    """The database itself refuses ``write`` (which bypasses validation), naming ``constraint``.

    SQLite names a failed CHECK constraint; PostgreSQL names every constraint; SQLite names a
    unique index by its columns instead, so unique constraints are checked for the error only.
    """
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    if constraint is not None:
        assert constraint in str(excinfo.value), str(excinfo.value)
