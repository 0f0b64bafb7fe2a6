"""How the evidence seam asks its providers: about every service when a caller names most of the
register, and once per question inside ``evidence.snapshot()`` (the färdplan's future state)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio import evidence
from tests.discovery.evidence_data import measured
from tests.factories import ApplicationFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_measured_services():
    school = SchoolUnitFactory()
    services = [ApplicationFactory() for _ in range(3)]
    for users, service in zip((120, 80, 45), services, strict=True):
        measured(service, school, users, group="elever")
    return school, services


def _queries(function) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


def test_a_long_list_of_services_is_answered_for_exactly_those_services(monkeypatch, three_measured_services):
    school, (first, second, third) = three_measured_services
    monkeypatch.setattr(evidence, "WHOLE_REGISTER_ABOVE", 1)

    found = evidence.measured_users([first.pk, second.pk])

    assert {key: value.users for key, value in found.items()} == {
        (first.pk, school.pk): 120,
        (second.pk, school.pk): 80,
    }


def test_inside_a_snapshot_each_question_reads_the_database_once(three_measured_services):
    school, (first, second, third) = three_measured_services
    with evidence.snapshot():
        whole, first_read = _queries(lambda: evidence.measured_users(None))
        part, second_read = _queries(lambda: evidence.measured_users([second.pk]))
        again, third_read = _queries(lambda: evidence.measured_users(None))
    assert first_read > 0 and second_read == 0 and third_read == 0
    assert {key[0] for key in part} == {second.pk}
    assert again == whole


def test_outside_a_snapshot_every_call_reads_afresh(three_measured_services):
    school, (first, _second, _third) = three_measured_services
    before = evidence.measured_users([first.pk])[(first.pk, school.pk)].users
    measured(first, school, 400, group="personal")
    after = evidence.measured_users([first.pk])[(first.pk, school.pk)].users
    assert (before, after) == (120, 520)


def test_what_is_set_aside_stays_aside_inside_a_snapshot(three_measured_services):
    school, (first, second, _third) = three_measured_services
    with evidence.snapshot():
        evidence.measured_users(None)
        with evidence.set_aside(users_at=[(first.pk, school.pk)]):
            found = evidence.measured_users([first.pk, second.pk])
    assert set(found) == {(second.pk, school.pk)}
