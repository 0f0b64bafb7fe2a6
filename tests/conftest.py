"""Fixtures shared by the whole suite. Area-specific fixtures live in each area's conftest."""

from pathlib import Path

import pytest

from accounts.roles import Role
from tests.factories import UserFactory

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The real public data files in ../shared/data; tests skip with a reason where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: real-data tests need ../shared/data beside the project")
    return SHARED_DATA


@pytest.fixture
def strategist(db):
    return UserFactory(username="strateg", role=Role.STRATEGIST)


@pytest.fixture
def data_protection_coordinator(db):
    return UserFactory(username="dataskydd", role=Role.DATA_PROTECTION)


@pytest.fixture
def it_user(db):
    return UserFactory(username="it", role=Role.IT)


@pytest.fixture
def reader(db):
    return UserFactory(username="lasare", role=Role.READER)


@pytest.fixture
def demo(db):
    """The demo municipality at scale 1, seed 1; returns its ``DemoManifest`` (planted defects by name)."""
    from integrations.demo import build_demo

    return build_demo(scale=1, seed=1)
