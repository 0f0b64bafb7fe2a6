"""The dashboard and the analysis pages present what the analyses return and link to the lists behind."""

import pytest
from django.urls import reverse

from gdpr.gaps import find_gaps
from portfolio.analysis import find_duplicates, pm3_gaps, standardisation_report
from portfolio.models import ServiceUsage
from tests.factories import ApplicationFactory, CapabilityFactory, CostFactory, SchoolUnitFactory
from tests.web.conftest import build_landscape

pytestmark = pytest.mark.django_db


@pytest.fixture
def overlapping(db):
    """Two systems doing the same thing in different schools, one of them registered twice."""
    capability = CapabilityFactory(name="Lärplattform")
    systems = [
        ApplicationFactory(name="Skolportalen"),
        ApplicationFactory(name="SkolPortalen"),
        ApplicationFactory(name="Classroom-tjänsten"),
    ]
    for system in systems:
        system.capability_links.create(capability=capability)
        ServiceUsage.objects.create(service=system, organisation=SchoolUnitFactory(), users=100)
        CostFactory(application=system, year=2025)
    return capability, systems


def test_dashboard_figures_are_the_analyses_figures(client, strategist, overlapping):
    build_landscape(2)
    client.force_login(strategist)
    context = client.get(reverse("dashboard")).context
    assert context["duplicate_count"] == len(find_duplicates(include_test_environments=False)) >= 1
    assert context["gap_count"] == len(find_gaps())
    assert context["pm3_count"] == len(pm3_gaps())
    assert context["candidate_count"] == len(standardisation_report().candidates)


def test_capability_chart_bar_leads_to_the_systems_with_that_capability(client, strategist, overlapping):
    capability, systems = overlapping
    client.force_login(strategist)
    bars = client.get(reverse("dashboard")).context["capability_bars"]
    bar = next(b for b in bars if b["label"] == "Lärplattform")
    assert bar["value"] == 3
    listed = [row["object"] for row in client.get(bar["url"]).context["rows"]]
    assert sorted(s.pk for s in listed) == sorted(s.pk for s in systems)


def test_charts_are_inline_svg_with_a_link_per_bar(client, reader, overlapping):
    client.force_login(reader)
    content = client.get(reverse("dashboard")).content.decode()
    assert content.count('class="bar-chart"') >= 4
    assert content.count('role="figure"') >= 1  # charts with linked bars are figures, not images
    assert '<a href="/system/?capability=' in content
    assert 'y="4,0"' not in content  # numbers in SVG never take the Swedish decimal comma


def test_following_a_standardisation_candidate_leads_to_its_systems(client, strategist, overlapping):
    _capability, systems = overlapping
    client.force_login(strategist)
    page = client.get(reverse("analysis:standardisation"))
    candidate = next(c for c in page.context["candidates"] if c["candidate"].kind == "capability")
    listed = {row["object"].pk for row in client.get(candidate["systems_url"]).context["rows"]}
    chosen = candidate["candidate"]
    named = {chosen.keep.service_id, *(s.service_id for s in chosen.phase_out)}
    assert named <= listed


def test_duplicate_page_merges_a_cluster_and_the_kept_page_records_it(client, strategist, overlapping):
    _capability, systems = overlapping
    client.force_login(strategist)
    page = client.get(reverse("analysis:duplicates"))
    row = next(r for r in page.context["rows"] if r["can_merge"])
    kept, duplicate = (m["member"].service_id for m in row["members"][:2])
    response = client.post(
        reverse("analysis:merge"),
        {"service_type": "application", "kept": kept, "duplicate": duplicate},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("portfolio:application_detail", args=[kept])
    assert "är sammanslagen med" in response.content.decode()
    assert response.context["changes"][0].user == "strateg"


def test_sso_pm3_and_equity_pages_list_what_their_analyses_find(client, reader, overlapping):
    build_landscape(2)
    client.force_login(reader)
    pm3 = client.get(reverse("analysis:pm3_gaps"))
    assert len(pm3.context["gaps"]) == len(pm3_gaps())
    high = client.get(reverse("analysis:pm3_gaps"), {"severity": "high"}).context["gaps"]
    assert all(gap.severity == "high" for gap, _url in high)
    sso = client.get(reverse("analysis:sso_coverage")).context["coverage"]
    assert sso.services >= 3
    equity = client.get(reverse("analysis:equity"))
    assert len(equity.context["rows"]) == len(equity.context["matrix"].schools)


def test_analysis_exports_hold_what_the_pages_show(client, strategist, overlapping):
    import io

    import openpyxl

    ApplicationFactory(name="Lokala kontons system", authentication="lokala_konton", identity_provider="")
    client.force_login(strategist)
    for name, count in (
        ("standardisation", lambda c: len(c["candidates"])),
        ("duplicates", lambda c: sum(len(r["members"]) for r in c["rows"])),
        ("pm3_gaps", lambda c: len(c["gaps"])),
        ("sso_coverage", lambda c: len(c["outside"])),
    ):
        url = reverse(f"analysis:{name}")
        shown = count(client.get(url).context)
        response = client.get(url, {"format": "xlsx"})
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert len(rows) - 1 == shown and shown > 0, name


def test_dashboard_shows_completeness_overall_by_kind_and_by_group(client, strategist, overlapping):
    from stewardship import completeness_summary

    client.force_login(strategist)
    response = client.get(reverse("dashboard"))
    summary = completeness_summary()
    assert response.context["completeness"].overall.percent == summary.overall.percent
    page = response.content.decode()
    assert f"{summary.overall.percent}&nbsp;%" in page
    assert 'id="chart-completeness-kind"' in page
    groups = {str(title): rows for title, rows in response.context["completeness_groups"]}
    assert set(groups) == {"Förvaltningsobjekt", "Ansvarig", "Personuppgiftsansvarig"}
    lowest = sorted(summary.by_management_object, key=lambda a: (a.percent, str(a.label)))[:8]
    assert [a.label for a in groups["Förvaltningsobjekt"]] == [a.label for a in lowest]


def test_sso_figures_summed_per_service_are_called_accounts_not_users(client, reader, overlapping):
    # Usage is recorded per service, so a person with three services counts three times: the
    # pages may not call the sum "användare" until distinct people are known.
    ApplicationFactory(name="Lokalt inlogg", authentication="lokala_konton", identity_provider="")
    client.force_login(reader)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Andel konton bakom single sign-on per skola" in dashboard
    assert "användare bakom" not in dashboard.lower()
    sso = client.get(reverse("analysis:sso_coverage")).content.decode()
    assert "konton bakom SSO" in sso and "Andel konton bakom SSO" in sso
    assert ">Konton</th>" in sso and ">Användare</th>" not in sso
    assert "viktat med konton" in sso and "användare" not in sso.split('id="accounts-note"')[0].lower()
