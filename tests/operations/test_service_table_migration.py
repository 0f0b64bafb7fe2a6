"""The move to one service table (portfolio 0006–0008, gdpr 0005–0007, stewardship 0002–0004) keeps the past.

A register is built on the old schema — systems and learning resources in two tables, with
history at several past dates — and its answers as of those dates are read from the old
history tables. After migrating, the same questions are asked through the register's own
as-of reader (``portfolio.history.Snapshot``) and must get the same answers. The migration is
run by Django's ``MigrationExecutor`` on the real test database, as Django's own migration
tests do.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("portfolio", "0005_contract_dpa_reference"),
    ("gdpr", "0005_breach_register"),
    ("stewardship", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    # Every app's newest migration: going back to BEFORE also unapplies the apps that depend on
    # the portfolio (discovery), and the tests after this one need their tables.
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


class OldRegister:
    """Writes rows and their history on the old schema, as simple-history would have."""

    def __init__(self, apps, user):
        self.apps = apps
        self.user = user

    def model(self, label):
        return self.apps.get_model(label)

    def record(self, obj, when, kind="+"):
        historical = self.model(f"{obj._meta.app_label}.Historical{obj._meta.object_name}")
        values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        historical.objects.create(
            history_date=when,
            history_type=kind,
            history_user_id=self.user.pk,
            history_change_reason="",
            **values,
        )

    def create(self, label, when, **values):
        obj = self.model(label).objects.create(**values)
        self.record(obj, when)
        return obj

    def change(self, obj, when, **values):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        self.record(obj, when, "~")

    def delete(self, obj, when):
        self.record(obj, when, "-")
        obj.delete()


def _alive(historical, when):
    """simple-history's as-of, written out: the newest row per id up to ``when``, unless a deletion."""
    newest = {}
    for row in historical.objects.filter(history_date__lte=when).order_by("history_date", "history_id"):
        newest[row.id] = row
    return [row for row in newest.values() if row.history_type != "-"]


def _build_old_register(apps, days):
    """Two systems and two learning resources, their usage, capability, contract and activity links,
    a role, a cost, a data flow, a review item and a duplicate decision — changed over ``days``."""
    user = apps.get_model("auth.User").objects.create(username="historiker")
    old = OldRegister(apps, user)
    d1, d2, d3 = days
    vendor = old.create("portfolio.Vendor", d1, name="Läromedel AB", country="SE", search_text="laromedel ab")
    school = old.create(
        "portfolio.Organisation", d1, name="Östra skolan", kind="skolenhet", search_text="ostra skolan"
    )
    other = old.create(
        "portfolio.Organisation", d1, name="Västra skolan", kind="skolenhet", search_text="vastra skolan"
    )
    board = old.create("portfolio.Organisation", d1, name="Barn- och utbildningsnämnden", kind="namnd")
    capability = old.create("portfolio.Capability", d1, name="Bedömning", search_text="bedomning")
    unikum = old.create(
        "portfolio.Application",
        d1,
        name="Unikum",
        vendor=vendor,
        external_id="sys-unikum",
        time_classification="invest",
    )
    matte = old.create(
        "portfolio.LearningResource",
        d1,
        name="Matteboken",
        vendor=vendor,
        kind="digital_larobok",
        subjects="Matematik",
        school_year_from=4,
        school_year_to=6,
        approval_status="godkand",
        external_id="lr-matte",
    )
    old.create("portfolio.ApplicationUsage", d1, application=unikum, organisation=school, users=100)
    matte_use = old.create(
        "portfolio.LearningResourceUsage", d1, learning_resource=matte, organisation=school, users=30
    )
    old.create("portfolio.ApplicationCapability", d1, application=unikum, capability=capability)
    old.create("portfolio.LearningResourceCapability", d1, learning_resource=matte, capability=capability)
    activity = old.create(
        "gdpr.ProcessingActivity",
        d1,
        name="Bedömning av elever",
        controller=board,
        purposes="Bedömning",
        search_text="bedomning av elever",
    )
    old.create("gdpr.ProcessingActivityApplication", d1, processing_activity=activity, application=unikum)

    # d2: a rename, a new system and learning resource, more use, a new activity link
    old.change(unikum, d2, name="Unikum lärplattform")
    procapita = old.create("portfolio.Application", d2, name="Procapita", vendor=vendor)
    skolon = old.create(
        "portfolio.LearningResource", d2, name="Skolon", vendor=vendor, approval_status="begard"
    )
    old.change(matte_use, d2, users=60)
    old.create("portfolio.LearningResourceUsage", d2, learning_resource=skolon, organisation=other, users=12)
    matte_link = old.create(
        "gdpr.ProcessingActivityLearningResource", d2, processing_activity=activity, learning_resource=matte
    )
    contract = old.create("portfolio.Contract", d2, name="Avtal Matteboken", vendor=vendor)
    old.create("portfolio.ContractLearningResource", d2, contract=contract, learning_resource=matte)
    old.create("portfolio.ContractApplication", d2, contract=contract, application=procapita)
    person = old.create("portfolio.Person", d2, name="Anna Ägare", email="anna@mittkoping.se")
    old.create("portfolio.RoleAssignment", d2, person=person, role="systemagare", learning_resource=matte)
    old.create(
        "portfolio.Cost",
        d2,
        amount=1200,
        year=2026,
        learning_resource=matte,
        category="licens",
        kind="utfall",
    )
    old.create(
        "portfolio.DataFlow",
        d2,
        name="Elever till Matteboken",
        source_application=unikum,
        target_learning_resource=matte,
        search_text="elever till matteboken",
    )

    # d3: a system retired from the register, a link ended, use grows
    old.delete(procapita, d3)
    old.delete(matte_link, d3)
    usage = apps.get_model("portfolio.ApplicationUsage").objects.get(application=unikum)
    old.change(usage, d3, users=150)
    round_ = old.create(
        "stewardship.ReviewRound", d3, name="Årlig genomgång", start=d3.date(), deadline=d3.date()
    )
    old.create("stewardship.ReviewItem", d3, round=round_, person=person, learning_resource=skolon)
    old.create(
        "portfolio.DuplicateDecision",
        d3,
        first_type="application",
        first_id=unikum.pk,
        second_type="learning_resource",
        second_id=skolon.pk,
        fingerprint="0" * 16,
        reason="Olika",
    )
    old.create(
        "gdpr.GapAcknowledgement",
        d3,
        code="x",
        target_type="learning_resource",
        target_id=matte.pk,
        reason="Accepterad",
        acknowledged_on=d3.date(),
    )
    return {"matte": matte.pk, "skolon": skolon.pk, "unikum": unikum.pk}


def _old_answers(apps, when):
    """What the old schema's history says about services, use and activity links at ``when``."""
    get = apps.get_model
    services = {("application", r.id): r.name for r in _alive(get("portfolio.HistoricalApplication"), when)}
    services |= {
        ("learning_resource", r.id): r.name for r in _alive(get("portfolio.HistoricalLearningResource"), when)
    }
    organisations = {r.id: r.name for r in _alive(get("portfolio.HistoricalOrganisation"), when)}
    usage = [
        (
            "application",
            services[("application", r.application_id)],
            organisations[r.organisation_id],
            r.users,
        )
        for r in _alive(get("portfolio.HistoricalApplicationUsage"), when)
    ] + [
        (
            "learning_resource",
            services[("learning_resource", r.learning_resource_id)],
            organisations[r.organisation_id],
            r.users,
        )
        for r in _alive(get("portfolio.HistoricalLearningResourceUsage"), when)
    ]
    links = [
        ("application", services[("application", r.application_id)])
        for r in _alive(get("gdpr.HistoricalProcessingActivityApplication"), when)
    ] + [
        ("learning_resource", services[("learning_resource", r.learning_resource_id)])
        for r in _alive(get("gdpr.HistoricalProcessingActivityLearningResource"), when)
    ]
    return {
        "services": sorted((kind, name) for (kind, _), name in services.items()),
        "usage": sorted(usage),
        "activity_links": sorted(links),
    }


def _new_answers(when):
    """The same questions through the register's own as-of reader, on the new schema."""
    from gdpr.models import ProcessingActivityService
    from portfolio.history import Snapshot
    from portfolio.models import Organisation, Service, ServiceUsage

    snapshot = Snapshot(when)
    return {
        "services": sorted((s.kind, s.name) for s in snapshot.all(Service)),
        "usage": sorted(
            (
                snapshot.get(Service, u.service_id).kind,
                snapshot.get(Service, u.service_id).name,
                snapshot.get(Organisation, u.organisation_id).name,
                u.users,
            )
            for u in snapshot.all(ServiceUsage)
        ),
        "activity_links": sorted(
            (snapshot.get(Service, link.service_id).kind, snapshot.get(Service, link.service_id).name)
            for link in snapshot.all(ProcessingActivityService)
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_the_move_to_one_service_table_keeps_the_past_and_every_relation():
    """Build on the old schema, record its answers as of past dates, migrate, ask again.

    One test, because migrating back and forth takes a minute; each check below is one behaviour.
    """
    latest = _latest()
    now = timezone.now()
    days = [now - datetime.timedelta(days=n) for n in (300, 200, 100)]
    # before anything existed, after each day's changes, and now
    asked = [days[0] - datetime.timedelta(days=1), *(day + datetime.timedelta(hours=1) for day in days), now]
    try:
        old_apps = _migrate(BEFORE)
        ids = _build_old_register(old_apps, days)
        answers = {when: _old_answers(old_apps, when) for when in asked}
    finally:
        _migrate(latest)
    every_past_date_answers_as_before_the_migration(answers)
    systems_keep_their_ids_and_learning_resources_move_above_them(ids)
    every_relation_points_at_the_moved_learning_resource()
    new_rows_after_the_migration_get_fresh_ids()


def every_past_date_answers_as_before_the_migration(answers):
    for when, before in answers.items():
        assert _new_answers(when) == before, when
    # the register changed between the dates asked (the last two agree: nothing changed since
    # day three), so the comparison means something
    past = list(answers.values())[:4]
    assert len({str(before) for before in past}) == 4


def systems_keep_their_ids_and_learning_resources_move_above_them(ids):
    from portfolio.models import Application, LearningResource, Service

    assert Application.objects.get(external_id="sys-unikum").pk == ids["unikum"]
    matte = LearningResource.objects.get(external_id="lr-matte")
    assert matte.pk > max(Application.history.values_list("id", flat=True))
    assert (matte.resource_type, matte.subjects, matte.approval_status) == (
        "digital_larobok",
        "Matematik",
        "godkand",
    )
    assert Service.objects.count() == 3  # Procapita was deleted before the migration
    # the proxies' history reads one kind each from the one history table
    assert set(LearningResource.history.values_list("kind", flat=True)) == {"learning_resource"}
    assert Application.history.filter(history_type="-").get().name == "Procapita"


def every_relation_points_at_the_moved_learning_resource():
    from gdpr.models import GapAcknowledgement
    from portfolio.models import Contract, Cost, DataFlow, DuplicateDecision, LearningResource, RoleAssignment
    from stewardship.models import ReviewItem

    matte = LearningResource.objects.get(external_id="lr-matte")
    skolon = LearningResource.objects.get(name="Skolon")
    assert RoleAssignment.objects.get().service_id == matte.pk
    assert Cost.objects.get().service_id == matte.pk
    flow = DataFlow.objects.get()
    assert (flow.source_service.name, flow.target_service_id) == ("Unikum lärplattform", matte.pk)
    assert ReviewItem.objects.get().service_id == skolon.pk
    assert sorted(Contract.objects.get().services.values_list("name", flat=True)) == ["Matteboken"]
    decision = DuplicateDecision.objects.get()
    assert (decision.second_type, decision.second_id) == ("learning_resource", skolon.pk)
    assert GapAcknowledgement.objects.get().target_id == matte.pk
    assert GapAcknowledgement.history.get().target_id == matte.pk


def new_rows_after_the_migration_get_fresh_ids():
    """Rows were copied with explicit ids: PostgreSQL's sequences must continue above them."""
    from portfolio.models import LearningResource, Organisation, ServiceUsage

    highest = max(LearningResource.objects.values_list("pk", flat=True))
    created = LearningResource.objects.create(name="Ny lärresurs")
    assert created.pk > highest
    usage = ServiceUsage.objects.create(service=created, organisation=Organisation.objects.first(), users=1)
    assert usage.pk not in set(ServiceUsage.objects.exclude(pk=usage.pk).values_list("pk", flat=True))
