"""The dashboard shows the last computed analyses at once; a refresh brings them up to date.

The test settings run tasks at once (the immediate backend): a render that finds its
results out of date still shows them, labelled, and refreshes before it answers. Tests that look
at the out-of-date state alone switch to ``"command"`` (only ``refresh_analyses`` refreshes).
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analysis_cache.models import AnalysisRefresh, AnalysisResult
from analysis_cache.store import claim_lease, release_lease
from portfolio.analysis import find_duplicates
from stewardship.analyses import REFRESHED, dashboard_analyses, refresh_analyses
from tests.factories import ApplicationFactory, UserFactory
from tests.web.conftest import build_landscape

pytestmark = pytest.mark.django_db

STALE_LABEL = "Analyserna avser registret"


def duplicate_of(name: str) -> None:
    """Register ``name`` twice more in other spellings: one more duplicate cluster."""
    ApplicationFactory(name=name)
    ApplicationFactory(name=name.upper())


@pytest.fixture
def only_the_command_refreshes(settings):
    settings.ANALYSES_REFRESH = "command"


def test_after_a_change_the_dashboard_shows_the_last_results_labelled(
    client, strategist, only_the_command_refreshes
):
    build_landscape(2)
    client.force_login(strategist)
    first = client.get(reverse("dashboard"))
    assert first.context["analyses_current"] is True
    assert STALE_LABEL not in first.content.decode()
    before = first.context["duplicate_count"]

    duplicate_of("Elevportalen Norr")
    stale = client.get(reverse("dashboard"))
    page = stale.content.decode()
    assert stale.context["analyses_current"] is False
    assert stale.context["duplicate_count"] == before  # what was computed, not recomputed here
    assert STALE_LABEL in page and "de räknas om nu" in page
    assert f"kl. {timezone.localtime(stale.context['analyses_computed_from']):%H:%M}" in page


def test_a_refresh_brings_the_dashboard_up_to_date(client, strategist, only_the_command_refreshes):
    build_landscape(2)
    client.force_login(strategist)
    before = client.get(reverse("dashboard")).context["duplicate_count"]
    duplicate_of("Elevportalen Norr")
    assert client.get(reverse("dashboard")).context["analyses_current"] is False

    result = refresh_analyses()
    assert result.computed and set(result.values) == set(REFRESHED)
    fresh = client.get(reverse("dashboard"))
    assert fresh.context["analyses_current"] is True
    assert STALE_LABEL not in fresh.content.decode()
    exact = len(find_duplicates(include_test_environments=False))
    assert fresh.context["duplicate_count"] == before + 1 == exact


def test_the_render_that_finds_results_out_of_date_refreshes_them_for_the_next(client, strategist):
    build_landscape(2)
    client.force_login(strategist)
    before = client.get(reverse("dashboard")).context["duplicate_count"]
    duplicate_of("Elevportalen Norr")
    stale = client.get(reverse("dashboard"))  # shows the old figures, then the refresh task runs
    assert (stale.context["analyses_current"], stale.context["duplicate_count"]) == (False, before)
    fresh = client.get(reverse("dashboard"))
    assert (fresh.context["analyses_current"], fresh.context["duplicate_count"]) == (True, before + 1)


def test_pages_where_people_act_on_findings_stay_exact(client, strategist, only_the_command_refreshes):
    build_landscape(2)
    client.force_login(strategist)
    client.get(reverse("dashboard"))
    duplicate_of("Elevportalen Norr")
    assert client.get(reverse("dashboard")).context["analyses_current"] is False
    rows = client.get(reverse("analysis:duplicates")).context["rows"]
    assert any(row["members"][0]["member"].name.casefold() == "elevportalen norr" for row in rows)


def test_refresh_command_computes_every_analysis_in_every_language_once(only_the_command_refreshes):
    build_landscape(1)
    call_command("refresh_analyses", verbosity=0)
    stored = set(AnalysisResult.objects.filter(name__in=REFRESHED).values_list("name", "language"))
    assert stored == {(name, language) for name in REFRESHED for language in ("sv", "en")}
    computed_at = dict(AnalysisResult.objects.filter(language="sv").values_list("name", "computed_at"))

    assert refresh_analyses("sv").reason == "current"  # a second run with nothing changed does nothing
    again = dict(AnalysisResult.objects.filter(language="sv").values_list("name", "computed_at"))
    assert again == computed_at

    ApplicationFactory(name="Ny tjänst")
    call_command("refresh_analyses", language=["sv"], verbosity=0)
    later = dict(AnalysisResult.objects.filter(language="sv").values_list("name", "computed_at"))
    assert all(later[name] > computed_at[name] for name in REFRESHED)
    with pytest.raises(CommandError):
        call_command("refresh_analyses", language=["xx"], verbosity=0)


def test_only_one_process_refreshes_at_a_time(only_the_command_refreshes):
    build_landscape(1)
    refresh_analyses("sv")
    ApplicationFactory(name="Ny tjänst")
    held = claim_lease("sv")  # another process is refreshing
    assert held is not None
    assert refresh_analyses("sv").reason == "busy"
    release_lease("sv", held)
    assert refresh_analyses("sv").reason == "computed"
    assert AnalysisRefresh.objects.get(language="sv").started_at is None  # the lease is given back


def test_an_unreadable_stored_result_is_computed_again(client, strategist):
    build_landscape(1)
    client.force_login(strategist)
    client.get(reverse("dashboard"))
    AnalysisResult.objects.filter(name="pm3_gaps").update(value=b"not a pickle")
    from stewardship.analyses import forget_all

    forget_all()  # a new process: nothing kept in memory
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200 and response.context["analyses_current"] is True
    assert AnalysisResult.objects.get(name="pm3_gaps", language="sv").value != b"not a pickle"


def test_a_reader_without_gdpr_permission_sees_no_gdpr_figures_from_stored_results(client, strategist):
    build_landscape(2)
    client.force_login(strategist)
    client.get(reverse("dashboard"))  # the GDPR figures are stored now
    portfolio_only = UserFactory(username="bara-portfolio")
    portfolio_only.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portfolio", codename__in=["view_application", "view_learningresource"]
        )
    )
    client.force_login(portfolio_only)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "gap_count" not in response.context
    assert "öppna brister i dataskyddet" not in response.content.decode()
    assert all(c.gdpr_gaps_removed == 0 for c in response.context["candidates"])


def count_dashboard(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(queries)


def test_dashboard_reads_the_same_queries_at_two_sizes_current_or_out_of_date(
    client, strategist, only_the_command_refreshes
):
    client.force_login(strategist)
    counts = []
    for size in (2, 12):
        build_landscape(size)
        refresh_analyses()
        current = count_dashboard(client)
        ApplicationFactory(name=f"Ändring {size}")
        stale = count_dashboard(client)
        counts.append((current, stale))
    assert counts[0] == counts[1]
    assert counts[0][1] == counts[0][0]  # out-of-date results cost no more to show than current ones


def test_a_refresh_leaves_nothing_for_the_dashboard_to_compute():
    assert set(dashboard_analyses(True)) | set(dashboard_analyses(False)) <= set(REFRESHED)
