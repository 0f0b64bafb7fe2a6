"""Fixtures of the färdplan's tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: past month-end figures are kept there by design
    (history only grows), but each test builds a register of its own with the same days."""
    from planning.figures import forget

    cache.clear()
    forget()
    yield
    cache.clear()
    forget()
