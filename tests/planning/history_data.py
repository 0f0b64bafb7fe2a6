"""A register with history to follow up: shared by the follow-up and the kept-figures tests."""

import datetime
from decimal import Decimal

from django.utils import timezone

from planning.choices import Metric, PlanStatus
from portfolio.choices import AuthenticationMethod, IdentityProvider
from portfolio.models import Service, ServiceUsage
from tests import factories


def back_dated_sso_history(**plan_fields):
    """A service outside SSO for months (history back-dated 70 days), put behind SSO today, and a
    plan with an SSO-coverage goal of 95 %; returns (plan, goal)."""
    school = factories.SchoolUnitFactory()
    service = factories.ApplicationFactory(authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ServiceUsage.objects.create(service=service, organisation=school, users=10)
    long_ago = timezone.now() - datetime.timedelta(days=70)
    Service.history.update(history_date=long_ago)
    ServiceUsage.history.update(history_date=long_ago)
    service.authentication, service.identity_provider = AuthenticationMethod.SAML, IdentityProvider.MUNICIPAL
    service.save()
    plan = factories.PlanFactory(**{"status": PlanStatus.DRAFT, **plan_fields})
    goal = factories.GoalFactory(plan=plan, metric=Metric.SSO_COVERAGE_USERS, target_value=Decimal("95"))
    return plan, goal
