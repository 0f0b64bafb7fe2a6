"""Removing a wrongly entered effektmål or action from the plan page: a confirmation, the version
checked, history keeping what it was and who removed it, and only for those who may."""

import pytest
from django.urls import reverse

from planning.models import Action, Goal
from tests.factories import ActionFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_the_strategist_removes_a_goal_after_confirming_and_history_names_her(client, strategist):
    goal = GoalFactory(plan=PlanFactory(), name="Fel mål")
    client.force_login(strategist)
    url = reverse("planning:goal_delete", args=[goal.pk])

    assert "Ta bort Fel mål?" in client.get(url).content.decode()
    assert url in client.get(goal.plan.get_absolute_url()).content.decode()
    response = client.post(url, {"version": goal.version})

    assert response.status_code == 302 and response["Location"] == goal.plan.get_absolute_url()
    assert not Goal.objects.filter(pk=goal.pk).exists()
    removed = Goal.history.filter(id=goal.pk, history_type="-").get()
    assert removed.history_user == strategist


def test_a_stale_version_removes_nothing_and_says_why(client, strategist):
    action = ActionFactory(name="Avveckla Skolplus")
    client.force_login(strategist)
    response = client.post(
        reverse("planning:action_delete", args=[action.pk]), {"version": action.version - 1}
    )
    assert response.status_code == 409 and Action.objects.filter(pk=action.pk).exists()
    assert 'role="alert"' in response.content.decode()


def test_gdpr_actions_are_removed_by_the_coordinator_only(client, strategist, data_protection_coordinator):
    dpia = ActionFactory(kind="dpia", name="DPIA av Elevhälsa")
    url = reverse("planning:action_delete", args=[dpia.pk])
    client.force_login(strategist)
    assert client.post(url, {"version": dpia.version}).status_code == 403
    assert url not in client.get(dpia.plan.get_absolute_url()).content.decode()
    client.force_login(data_protection_coordinator)
    assert client.post(url, {"version": dpia.version}).status_code == 302
    assert not Action.objects.filter(pk=dpia.pk).exists()


def test_a_reader_may_remove_nothing_and_an_anonymous_visitor_is_sent_to_log_in(client, reader):
    goal = GoalFactory()
    url = reverse("planning:goal_delete", args=[goal.pk])
    assert client.get(url).status_code == 302
    client.force_login(reader)
    assert client.get(url).status_code == 403 and client.post(url).status_code == 403
    assert Goal.objects.filter(pk=goal.pk).exists()
