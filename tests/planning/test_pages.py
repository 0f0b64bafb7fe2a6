"""The färdplan's pages: who may read and edit, the prefilled action form, and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import Action, Goal, Plan
from portfolio.models import ServiceCapability
from tests.factories import (
    ActionFactory,
    ApplicationFactory,
    CapabilityFactory,
    GoalFactory,
    PersonFactory,
    PlanFactory,
    SchoolUnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(name="Färdplan 2027", horizon=datetime.date(2027, 8, 1), target_state="Allt bakom SSO.")


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response


def test_every_role_reads_the_plan_list_and_page(client, plan, strategist, data_protection_coordinator, it_user, reader):
    for user in (strategist, data_protection_coordinator, it_user, reader):
        assert "Färdplan 2027" in _page(client, user, reverse("planning:plan_list")).content.decode()
        _page(client, user, plan.get_absolute_url())
