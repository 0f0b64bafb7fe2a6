"""Every stewardship test starts with an empty cache (month-end figures and the public page are cached)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()
