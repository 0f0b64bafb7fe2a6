"""The standardisation page: the strateg chooses the service to keep per candidate and sees the outcome."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from gdpr.models import ProcessingActivityService
from portfolio.choices import CostKind
from portfolio.models import ServiceCapability, ServiceUsage
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    ContractFactory,
    CostFactory,
    ProcessingActivityFactory,
    ProcessorSecurityReviewFactory,
    SchoolUnitFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("analysis:standardisation")
ROLES = [Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER]


@pytest.fixture
def response_tools(db):
    """Mentimeter registered twice (once with its vendor in brackets); Kahoot!, most used, no PUB-avtal."""
    capability = CapabilityFactory(name="Responsverktyg")
    north, south, east = (SchoolUnitFactory(name=n) for n in ("Norra skolan", "Södra skolan", "Östra skolan"))
    vendor = VendorFactory(name="Mentimeter AB")
    menti = ApplicationFactory(name="Mentimeter", vendor=vendor, url="https://www.mentimeter.com")
    menti_ab = ApplicationFactory(
        name="Mentimeter (Mentimeter AB)", vendor=vendor, url="https://www.mentimeter.com/app"
    )
    kahoot = ApplicationFactory(name="Kahoot!", vendor=VendorFactory(name="Kahoot! ASA", country="NO"))
    for app, school, users, cost in (
        (menti, north, 900, "60000"),
        (menti_ab, south, 200, "30000"),
        (kahoot, east, 2000, "50000"),
    ):
        ServiceCapability.objects.create(service=app, capability=capability)
        ServiceUsage.objects.create(service=app, organisation=school, users=users)
        CostFactory(application=app, year=datetime.date.today().year - 1, kind=CostKind.OUTCOME, amount=cost)
        activity = ProcessingActivityFactory(name=f"Omröstningar i klassrummet ({app.name})")
        ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    ContractFactory(vendor=vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors="AWS (IE)")
    for reviewed in (vendor, kahoot.vendor):  # security reviewed (Art. 28.1, 32): not what is weighed here
        ProcessorSecurityReviewFactory(vendor=reviewed)
    return capability, menti, menti_ab, kahoot


def capability_item(response):
    [item] = [i for i in response.context["candidates"] if i["candidate"].kind == "capability"]
    return item


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_recommendation_and_the_outcome_of_its_own_choice(client, response_tools, role):
    capability, _menti, _menti_ab, kahoot = response_tools
    client.force_login(UserFactory(username=f"std-{role}", role=role))
    item = capability_item(client.get(URL))
    recommended = item["candidate"]
    assert recommended.keep.name == "Mentimeter"  # Kahoot! is used most but has no processor agreement
    assert [s.name for s in recommended.folded] == ["Mentimeter (Mentimeter AB)"]
    assert [s.name for s in recommended.phase_out] == ["Kahoot!"]
    assert item["field"] == f"behall_capability-{capability.pk}"

    response = client.get(URL, {item["field"]: f"application:{kahoot.pk}"})
    chosen = capability_item(response)
    candidate = chosen["candidate"]
    assert candidate.keep.name == "Kahoot!" and chosen["is_chosen"]
    assert {s.name for s in candidate.phase_out} == {"Mentimeter", "Mentimeter (Mentimeter AB)"}
    assert (candidate.accounts_moving, candidate.yearly_saving) == (1100, 90000)
    page = response.content.decode()
    assert "ert val; analysen föreslår Mentimeter" in page
    assert "Kahoot! saknar personuppgiftsbiträdesavtal" in page  # what the chosen keep brings along
    assert "Konton som byter" in page and "Användare som byter" not in page
    selected = f'<option value="application:{kahoot.pk}" selected>'
    assert selected in page


def test_the_choice_form_is_a_get_form_that_carries_the_other_choices(client, strategist, response_tools):
    capability, _menti, _menti_ab, kahoot = response_tools
    client.force_login(strategist)
    response = client.get(URL, {"behall_duplicate-application-1": "application:1"})
    item = capability_item(response)
    assert item["carried"] == [("behall_duplicate-application-1", "application:1")]
    page = response.content.decode()
    assert 'class="searchbar keep-choice"' in page and 'method="get"' in page
    assert '<input type="hidden" name="behall_duplicate-application-1" value="application:1">' in page


def test_unknown_choices_leave_the_recommendation(client, strategist, response_tools):
    capability, *_rest = response_tools
    client.force_login(strategist)
    for value in ("application:999999", "x", ""):
        response = client.get(URL, {f"behall_capability-{capability.pk}": value, "behall_nothing": "y"})
        assert response.status_code == 200
        assert capability_item(response)["candidate"].keep.name == "Mentimeter"


def test_a_user_who_may_not_read_the_gdpr_record_gets_neither_its_weight_nor_its_figures(
    client, response_tools
):
    user = UserFactory(username="bara-portfolj", role=None)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portfolio", codename__in=["view_application", "view_learningresource"]
        )
    )
    client.force_login(user)
    response = client.get(URL)
    assert capability_item(response)["candidate"].keep.name == "Kahoot!"  # most accounts; no GDPR facts
    page = response.content.decode()
    assert "personuppgiftsbiträdesavtal" not in page
    assert "Brister i dataskyddet som försvinner" not in page


def test_the_export_carries_the_chosen_keep_and_counts_accounts(client, strategist, response_tools):
    capability, _menti, _menti_ab, kahoot = response_tools
    client.force_login(strategist)
    response = client.get(
        URL, {f"behall_capability-{capability.pk}": f"application:{kahoot.pk}", "format": "xlsx"}
    )
    header, *rows = openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    [row] = [dict(zip(header, r, strict=True)) for r in rows if r[header.index("Gäller")] == "Responsverktyg"]
    assert row["Behåll"] == "Kahoot!" and row["Föreslås"] == "Mentimeter"
    assert row["Konton som byter"] == 1100
    assert "Användare som byter" not in header


def test_a_chosen_outcome_reads_no_more_queries_than_the_recommendation(client, strategist, response_tools):
    capability, _menti, _menti_ab, kahoot = response_tools
    client.force_login(strategist)
    client.get(URL)  # computes and stores the analyses of this state
    with CaptureQueriesContext(connection) as recommended:
        client.get(URL)
    with CaptureQueriesContext(connection) as chosen:
        client.get(URL, {f"behall_capability-{capability.pk}": f"application:{kahoot.pk}"})
    assert len(chosen) == len(recommended)


def test_the_page_enhances_itself_with_a_static_script_and_no_inline_script(
    client, strategist, response_tools
):
    client.force_login(strategist)
    page = client.get(URL).content.decode()
    assert '<script src="/static/js/standardisation.js" defer></script>' in page
    assert "<script>" not in page


def test_one_candidates_outcome_alone_answers_the_pages_script(client, strategist, response_tools):
    capability, _menti, _menti_ab, kahoot = response_tools
    client.force_login(strategist)
    key = f"capability-{capability.pk}"
    response = client.get(URL, {"utfall": key, f"behall_{key}": f"application:{kahoot.pk}"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and fragment.count('class="outcome"') == 1
    assert "ert val; analysen föreslår Mentimeter" in fragment and "Konton som byter" in fragment
    assert client.get(URL, {"utfall": "capability-0"}).status_code == 404


def test_the_ranked_table_shows_keep_and_phase_out_as_chips_and_folds_the_choice(client, strategist):
    capability = CapabilityFactory(name="Quiz")
    apps = [ApplicationFactory(name=f"Quiz {n:02d}") for n in range(8)]
    for users, app in enumerate(apps, start=1):
        ServiceCapability.objects.create(service=app, capability=capability)
        ServiceUsage.objects.create(service=app, organisation=SchoolUnitFactory(), users=users * 100)
    client.force_login(strategist)
    page = client.get(URL).content.decode()
    row = page.split('<table class="candidates"')[1].split("</table>")[0]
    assert '<span class="chip chip--keep">Quiz 07</span>' in row  # the most used is kept
    assert row.count('<span class="chip" title=') == 4  # four phase-outs shown, the rest counted
    assert ">+3 till</a>" in row and 'href="#candidate-1"' in row
    folded = page.split('<section class="candidate" id="candidate-1">')[1].split("</section>")[0]
    assert folded.lstrip().startswith("<details>")  # the choice and the outcome are folded
    assert "Fasa ut" in folded and "Quiz 00" in folded  # every phase-out is named in the outcome


def test_a_chosen_candidate_is_unfolded_and_its_row_says_it_was_chosen(client, strategist, response_tools):
    capability, _menti, _menti_ab, kahoot = response_tools
    client.force_login(strategist)
    choice = {f"behall_capability-{capability.pk}": f"application:{kahoot.pk}"}
    page = client.get(URL, choice).content.decode()
    assert "<details open>" in page
    row = page.split('<table class="candidates"')[1].split("</table>")[0]
    assert '<span class="chip chip--keep">Kahoot!</span> <span class="muted">ert val</span>' in row
