"""The register read as of an instant: old field values AND old relations."""

import datetime

import pytest
from django.utils import timezone

from portfolio.history import Snapshot, as_of, changes
from portfolio.models import Application, ServiceCapability, Vendor
from portfolio.services import set_links
from tests.factories import ApplicationFactory, CapabilityFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _tick() -> datetime.datetime:
    """An instant strictly between two writes."""
    moment = timezone.now()
    while timezone.now() == moment:
        pass
    return moment


def test_as_of_gives_field_values_of_then():
    app = ApplicationFactory(name="Unikum")
    before = _tick()
    app.name = "Unikum Skolplattform"
    app.save()
    assert [a.name for a in as_of(Application, before)] == ["Unikum"]
    assert Application.objects.get().name == "Unikum Skolplattform"


def test_snapshot_follows_foreign_keys_into_the_related_models_history():
    vendor = VendorFactory(name="Unikum Datasystem AB")
    app = ApplicationFactory(name="Unikum", vendor=vendor)
    before = _tick()
    vendor.name = "Unikum AB (nytt namn)"
    vendor.save()
    snapshot = Snapshot(before)
    old_app = snapshot.get(Application, app.pk)
    assert snapshot.related(old_app, "vendor").name == "Unikum Datasystem AB"
    assert Vendor.objects.get().name == "Unikum AB (nytt namn)"


def test_snapshot_reads_links_as_they_were_before_relinking():
    app = ApplicationFactory()
    first, second = CapabilityFactory(name="Närvaro"), CapabilityFactory(name="Schema")
    set_links(app, ServiceCapability, "service", "capability", [first])
    before = _tick()
    set_links(app, ServiceCapability, "service", "capability", [second])
    then, now = Snapshot(before), Snapshot(timezone.now())
    assert [c.name for c in then.linked(ServiceCapability, "service", app.pk)] == ["Närvaro"]
    assert [c.name for c in now.linked(ServiceCapability, "service", app.pk)] == ["Schema"]


def test_snapshot_drops_rows_deleted_before_the_instant_and_keeps_them_before_deletion():
    app = ApplicationFactory()
    pk = app.pk
    alive = _tick()
    app.delete()
    assert Snapshot(alive).get(Application, pk) is not None
    assert Snapshot(timezone.now()).get(Application, pk) is None


def test_snapshot_loads_each_model_with_one_query(django_assert_num_queries):
    apps = ApplicationFactory.create_batch(5)
    capability = CapabilityFactory()
    for app in apps:
        set_links(app, ServiceCapability, "service", "capability", [capability])
    snapshot = Snapshot(timezone.now())
    with django_assert_num_queries(3):  # applications, links, capabilities
        for app in snapshot.all(Application):
            snapshot.linked(ServiceCapability, "service", app.pk)


def test_changes_lists_who_changed_which_field_from_what_to_what():
    user = UserFactory(username="anna", first_name="Anna", last_name="Andersson")
    app = ApplicationFactory(name="Gammalt namn")
    app.name = "Nytt namn"
    app._history_user = user
    app.save()
    latest = changes(app)[0]
    assert latest.user == "Anna Andersson"
    assert [(c.label, c.old, c.new) for c in latest.fields] == [("namn", "Gammalt namn", "Nytt namn")]
