"""A backup taken before systems and learning resources shared one table still restores.

``data/backup_before_service_table.json.gz`` was written by ``export_register`` on the two-table
schema (two systems, two learning resources, their usage, capability, contract and activity
links, a role, a cost and a flow each, a duplicate decision; history included). Restoring it must
give the register the migration would have made: systems keep their ids, learning resources move
above them, and every relation and history row follows.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from gdpr.models import ProcessingActivity, ProcessingActivityService
from portfolio.models import (
    Application,
    Contract,
    Cost,
    DataFlow,
    DuplicateDecision,
    LearningResource,
    RoleAssignment,
    Service,
    ServiceCapability,
    ServiceUsage,
)

pytestmark = pytest.mark.django_db(transaction=True)

OLD_BACKUP = Path(__file__).parent / "data" / "backup_before_service_table.json.gz"


@pytest.fixture
def restored():
    call_command("import_register", str(OLD_BACKUP), verbosity=0)


def test_systems_keep_their_ids_and_learning_resources_move_above_them(restored):
    assert dict(Application.objects.values_list("external_id", "pk")) == {"sys-1": 1, "sys-2": 2}
    assert dict(LearningResource.objects.values_list("external_id", "pk")) == {"lr-1": 11, "lr-2": 12}
    matte = LearningResource.objects.get(pk=11)
    assert (matte.name, matte.subjects, matte.school_year_from) == ("Matteboken", "Matematik", 4)
    assert Service.objects.count() == 4


def test_every_link_points_at_the_service_it_pointed_at(restored):
    usage = {(u.service.name, u.organisation.name, u.users) for u in ServiceUsage.objects.all()}
    assert usage == {
        ("Unikum lärplattform", "Östra skolan", 420),
        ("Matteboken", "Östra skolan", 90),
        ("Matteboken", "Västra skolan", 30),
    }
    assert sorted(ServiceCapability.objects.values_list("service__name", flat=True)) == [
        "Matteboken",
        "Unikum lärplattform",
    ]
    activity = ProcessingActivity.objects.get()
    assert sorted(activity.services.values_list("name", flat=True)) == ["Matteboken", "Unikum lärplattform"]
    assert sorted(Contract.objects.get().services.values_list("name", flat=True)) == [
        "Matteboken",
        "Procapita",
    ]
    assert sorted(RoleAssignment.objects.values_list("service__name", flat=True)) == [
        "Matteboken",
        "Unikum lärplattform",
    ]
    assert sorted(Cost.objects.values_list("service__name", flat=True)) == [
        "Matteboken",
        "Unikum lärplattform",
    ]
    flow = DataFlow.objects.get()
    assert (flow.source_service.name, flow.target_service.name) == ("Unikum lärplattform", "Matteboken")
    decision = DuplicateDecision.objects.get()
    assert (decision.second_type, decision.second_id) == ("learning_resource", 12)


def test_history_follows_the_moved_records(restored):
    unikum = Application.objects.get(external_id="sys-1")
    assert list(unikum.history.order_by("history_date").values_list("name", flat=True)) == [
        "Unikum",
        "Unikum lärplattform",
    ]
    assert LearningResource.history.filter(id=11).get().name == "Matteboken"
    links = ProcessingActivityService.history.values_list("service_id", flat=True)
    assert sorted(links) == [1, 11]
    assert sorted(ServiceUsage.history.values_list("id", "service_id")) == [(1, 1), (11, 11), (12, 11)]
