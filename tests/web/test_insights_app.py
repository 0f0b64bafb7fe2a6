"""The pages that compose both sides live in their own app, wired the way Django apps are.

- every register record names its own page (``get_absolute_url()``): the admin's "view on site"
  reaches it, and the links built from ids (analysis results, findings, review items) agree;
- the detail-page hooks are in place once Django is set up (``AppConfig.ready()``), before any
  views module is imported;
- each app imports only the apps below it (docs/architecture.md, "which may import which");
- the dashboard's cost figures come from one grouped query on ``Cost``.
"""

import ast
import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gdpr.models import ProcessingActivity
from insights.hooks import breaches_in_last_year, register_detail_hooks, service_findings, vendor_transfers
from insights.links import target_url
from portfolio.choices import RoleChoices
from portfolio.models import Application, Cost, LearningResource
from portfolio.views import REGISTERS
from portfolio.views_generic import DETAIL_CONTEXT_HOOKS, detail_url, page_url
from stewardship.models import ReviewRound
from stewardship.services import start_round
from tests import factories

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

#: Every register model that has a page of its own, as a factory of one record.
RECORDS_WITH_A_PAGE = {
    "vendor": factories.VendorFactory,
    "organisation": factories.SchoolUnitFactory,
    "capability": factories.CapabilityFactory,
    "management object": factories.ManagementObjectFactory,
    "management plan": factories.ManagementPlanFactory,
    "contract": factories.ContractFactory,
    "cost": factories.CostFactory,
    "person": factories.PersonFactory,
    "role assignment": factories.RoleAssignmentFactory,
    "data flow": factories.DataFlowFactory,
    "catalogue product": factories.CatalogueProductFactory,
    "processing activity": factories.ProcessingActivityFactory,
    "security review": factories.ProcessorSecurityReviewFactory,
    "breach": factories.BreachFactory,
    "review round": lambda: ReviewRound.objects.create(
        name="Årsgenomgång", deadline=timezone.localdate() + datetime.timedelta(days=30)
    ),
}


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("kind", RECORDS_WITH_A_PAGE)
def test_the_admins_view_on_site_opens_the_records_own_page(client, superuser, kind):
    record = RECORDS_WITH_A_PAGE[kind]()
    client.force_login(superuser)
    content_type = ContentType.objects.get_for_model(record)

    view_on_site = client.get(reverse("admin:view_on_site", args=[content_type.pk, record.pk]))

    assert view_on_site.status_code == 302
    assert view_on_site["Location"].endswith(record.get_absolute_url())
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    shown = page.context.get("object") or page.context.get("activity") or page.context.get("round")
    assert shown == record


@pytest.mark.parametrize(
    ("factory", "section"),
    [(factories.TransferFactory, "transfers"), (factories.DpiaFactory, "dpias")],
)
def test_a_transfer_and_a_dpia_lead_to_their_section_of_the_activitys_page(
    client, data_protection_coordinator, factory, section
):
    record = factory()
    client.force_login(data_protection_coordinator)

    response = client.get(record.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == f"{record.processing_activity.get_absolute_url()}#{section}"


@pytest.mark.parametrize("register", [r[0] for r in REGISTERS if r[3] is not None])
def test_a_link_built_from_an_id_is_the_page_the_register_serves(register):
    """``page_url`` (analysis results carry ids, not rows) agrees with each register's detail URL."""
    _prefix, model, _list, _detail, _form = next(r for r in REGISTERS if r[0] == register)
    assert page_url(model, 41) == reverse(f"portfolio:{model._meta.model_name}_detail", args=[41])
    assert page_url(model, None) is None


def test_analysis_targets_and_findings_link_to_the_records_pages():
    activity = factories.ProcessingActivityFactory()
    system = factories.ApplicationFactory()
    resource = factories.LearningResourceFactory()
    school = factories.SchoolUnitFactory()

    assert target_url("processing_activity", activity.pk) == activity.get_absolute_url()
    assert target_url("organisation", school.pk) == school.get_absolute_url()
    assert target_url("application", system.pk) == detail_url(system)
    assert target_url("learning_resource", resource.pk) == detail_url(resource)
    assert target_url("no_such_kind", 1) is None
    assert target_url("application", None) is None


def test_a_review_items_link_is_the_page_of_the_record_it_asks_about(client, strategist):
    system = factories.ApplicationFactory(name="Schemat")
    factories.RoleAssignmentFactory(application=system, role=RoleChoices.SYSTEM_OWNER)
    round_ = start_round(
        name="Vårens genomgång",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        start=timezone.localdate(),
        kinds=["application"],
        user=strategist,
    )
    client.force_login(strategist)

    page = client.get(round_.get_absolute_url())

    [item] = [i for i in page.context["items"] if i.target == system]
    assert item.detail_url == detail_url(system)
    assert f'href="{detail_url(system)}"' in page.content.decode()


def test_the_detail_page_hooks_are_registered_when_django_starts_before_any_view_is_imported():
    script = (
        "import sys, django; django.setup()\n"
        "from portfolio.views_generic import DETAIL_CONTEXT_HOOKS\n"
        "print(sorted(f'{h.__module__}.{h.__name__}' for h in DETAIL_CONTEXT_HOOKS))\n"
        "print(sorted(m for m in sys.modules if m.startswith('insights.views')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    hooks, views_loaded = result.stdout.strip().splitlines()
    assert hooks == (
        "['discovery.hooks.service_evidence', 'insights.hooks.breaches_in_last_year', "
        "'insights.hooks.service_findings', 'insights.hooks.vendor_transfers']"
    )
    assert views_loaded == "[]"


def test_registering_the_hooks_again_adds_none_twice():
    register_detail_hooks()
    register_detail_hooks()
    assert DETAIL_CONTEXT_HOOKS.count(service_findings) == 1
    assert DETAIL_CONTEXT_HOOKS.count(vendor_transfers) == 1
    assert DETAIL_CONTEXT_HOOKS.count(breaches_in_last_year) == 1


#: Which app may import which (docs/architecture.md): dependencies point down.
MAY_IMPORT = {
    "accounts": set(),
    "analysis_cache": set(),
    "portfolio": {"accounts", "analysis_cache"},
    "gdpr": {"portfolio", "accounts", "analysis_cache"},
    "stewardship": {"gdpr", "portfolio", "accounts", "analysis_cache"},
    "integrations": {"gdpr", "portfolio", "accounts", "analysis_cache"},
    "discovery": {"integrations", "gdpr", "portfolio", "accounts", "analysis_cache"},
    "planning": {
        "stewardship", "integrations", "discovery", "gdpr", "portfolio", "accounts", "analysis_cache",
    },
    "insights": {
        "planning", "discovery", "stewardship", "integrations", "gdpr", "portfolio", "accounts",
        "analysis_cache",
    },
    "config": {
        "insights", "planning", "discovery", "stewardship", "integrations", "gdpr", "portfolio", "accounts",
        "analysis_cache",
    },
}


def _imported_apps(app: str) -> dict[str, set[str]]:
    """``{other app: files of ``app`` importing it}``, imports inside functions included."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in MAY_IMPORT and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("app", MAY_IMPORT)
def test_each_app_imports_only_the_apps_below_it(app):
    upward = {other: files for other, files in _imported_apps(app).items() if other not in MAY_IMPORT[app]}
    assert not upward, f"{app} imports {upward}"


def test_cost_totals_per_year_and_kind_are_one_grouped_query():
    system = factories.ApplicationFactory()
    factories.CostFactory(application=system, year=2024, kind="budget", amount=Decimal("1000"))
    factories.CostFactory(application=system, year=2024, kind="budget", amount=Decimal("250.50"))
    factories.CostFactory(application=system, year=2025, kind="utfall", amount=Decimal("900"))
    factories.CostFactory(application=system, year=2021, kind="budget", amount=Decimal("5"))

    with CaptureQueriesContext(connection) as queries:
        totals = Cost.objects.totals_by_year_and_kind(2023, 2025)

    assert len(queries) == 1
    assert totals == {(2024, "budget"): Decimal("1250.50"), (2025, "utfall"): Decimal("900")}


def test_a_service_knows_the_page_of_its_kind():
    """``Service.get_absolute_url()`` answers for a bare service row and for each kind's proxy."""
    from portfolio.models import Service

    system = factories.ApplicationFactory()
    resource = factories.LearningResourceFactory()
    assert Service.objects.get(pk=resource.pk).get_absolute_url() == resource.get_absolute_url()
    assert Service.objects.get(pk=system.pk).get_absolute_url() == system.get_absolute_url()
    assert detail_url(system) == reverse("portfolio:application_detail", args=[system.pk])
    assert detail_url(resource) == reverse("portfolio:learningresource_detail", args=[resource.pk])
    assert page_url(Application, system.pk) == detail_url(system)
    assert page_url(LearningResource, resource.pk) == detail_url(resource)
    assert page_url(ProcessingActivity, 5) == reverse("gdpr:activity_detail", args=[5])
