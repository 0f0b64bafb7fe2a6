"""Fixtures of the färdplan's tests."""

import datetime

import pytest
from django.core.cache import cache

#: The end of the plan most tests use: a day every test's "today" comes before.
HORIZON = datetime.date(2027, 12, 31)


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


@pytest.fixture
def horizon_plan():
    """A plan ending at :data:`HORIZON`."""
    from tests import factories

    return factories.PlanFactory(horizon=HORIZON)


@pytest.fixture
def schools():
    """Three school units."""
    from tests import factories

    return [factories.SchoolUnitFactory() for _ in range(3)]
