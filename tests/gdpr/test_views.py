"""The dataskyddssamordnare's pages: permissions, what they show, and the writes they make."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gdpr.gaps import find_gaps
from gdpr.models import GapAcknowledgement, ProcessingActivity
from gdpr.views import ActivityEditView
from tests.factories import (
    ApplicationFactory,
    BoardFactory,
    DpiaFactory,
    LearningResourceFactory,
    ProcessingActivityFactory,
    TransferFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    return client


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def edit_data(activity, **changes):
    view = ActivityEditView()
    form = view.form_class(instance=activity)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False or value == "":
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    data["version"] = activity.version
    data.update(changes)
    return data


def test_gdpr_pages_need_the_gdpr_view_permission(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("utan-roll", password="x" * 16))
    for name in (
        "gdpr:activity_list",
        "gdpr:gap_list",
        "gdpr:review_due",
        "gdpr:followup",
        "gdpr:questionnaire",
        "gdpr:ropa_download",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_activity_list_is_filtered_by_controller(coordinator_client):
    board = BoardFactory(name="Barn- och utbildningsnämnden")
    ProcessingActivityFactory(name="Elevers närvaro", controller=board)
    ProcessingActivityFactory(name="Bibliotekslån")
    response = coordinator_client.get(reverse("gdpr:activity_list"), {"controller": board.pk})
    assert response.status_code == 200
    assert "Elevers närvaro" in response.text and "Bibliotekslån" not in response.text


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("gdpr:gap_list")).status_code == 200
    return len(ctx.captured_queries)


def test_gap_list_query_count_does_not_grow_with_rows(coordinator_client):
    for _ in range(2):
        link_service(ProcessingActivityFactory(recipients="", controller=BoardFactory(dpo_contact="")))
    small = _list_queries(coordinator_client)
    for _ in range(6):
        link_service(ProcessingActivityFactory(recipients="", controller=BoardFactory(dpo_contact="")))
    assert _list_queries(coordinator_client) == small


def link_service(activity):
    activity.services.through.objects.create(processing_activity=activity, service=ApplicationFactory())
    return activity


def test_gap_list_links_each_finding_to_the_field_that_fixes_it(coordinator_client):
    activity = ProcessingActivityFactory(recipients="")
    response = coordinator_client.get(reverse("gdpr:gap_list"))
    assert response.status_code == 200
    assert f"{reverse('gdpr:activity_edit', args=[activity.pk])}#id_recipients" in response.text
    assert "Art. 30.1 d" in response.text and "MISSING_RECIPIENTS" in response.text


def test_acknowledging_from_the_gap_list_moves_the_finding_to_accepted(coordinator_client):
    activity = ProcessingActivityFactory(security_measures="")
    response = coordinator_client.post(
        reverse("gdpr:gap_acknowledge"),
        {
            "code": "NO_SECURITY_MEASURES",
            "target_type": "processing_activity",
            "target_id": activity.pk,
            "activity_id": activity.pk,
            "reason": "Beskrivs i systemets säkerhetsplan.",
        },
    )
    assert response.status_code == 302
    assert find_gaps() == []
    page = coordinator_client.get(reverse("gdpr:gap_list")).text
    assert "Beskrivs i systemets säkerhetsplan." in page and "Inga öppna brister." in page
    ack = GapAcknowledgement.objects.get()
    coordinator_client.post(reverse("gdpr:gap_withdraw", args=[ack.pk]))
    assert [f.code for f in find_gaps()] == ["NO_SECURITY_MEASURES"]


def test_reader_cannot_acknowledge(reader_client):
    activity = ProcessingActivityFactory(security_measures="")
    response = reader_client.post(
        reverse("gdpr:gap_acknowledge"),
        {
            "code": "NO_SECURITY_MEASURES",
            "target_type": "processing_activity",
            "target_id": activity.pk,
            "reason": "x",
        },
    )
    assert response.status_code == 403


def test_detail_shows_findings_transfers_dpias_and_changes_since_review(coordinator_client):
    activity = ProcessingActivityFactory(
        name="Elevhälsa", recipients="", last_reviewed_on=datetime.date(2020, 1, 1)
    )
    TransferFactory(processing_activity=activity, recipient="Molnbolaget Inc.")
    DpiaFactory(
        processing_activity=activity, residual_risk="hog", prior_consultation_on=datetime.date(2025, 5, 1)
    )
    activity.purposes = "Att dokumentera elevhälsans insatser för eleverna."
    activity.save()
    page = coordinator_client.get(reverse("gdpr:activity_detail", args=[activity.pk])).text
    assert "Mottagare saknas" in page and "Molnbolaget Inc." in page and "2025-05-01" in page
    assert "Ändringar sedan granskningen" in page and "Ändamål" in page


def test_edit_form_is_grouped_as_article_30_and_saves_with_history(
    coordinator_client, data_protection_coordinator
):
    activity = ProcessingActivityFactory(recipients="")
    url = reverse("gdpr:activity_edit", args=[activity.pk])
    page = coordinator_client.get(url).text
    assert "Mottagare (art. 30.1 d)" in page and 'id="id_recipients"' in page
    response = coordinator_client.post(url, edit_data(activity, recipients="Skolverket"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.recipients == "Skolverket" and activity.version == 2
    assert activity.history.first().history_user == data_protection_coordinator


def test_stale_edit_is_refused_with_a_clear_message(coordinator_client):
    activity = ProcessingActivityFactory()
    stale = edit_data(activity, recipients="Första")
    assert (
        coordinator_client.post(reverse("gdpr:activity_edit", args=[activity.pk]), stale).status_code == 302
    )
    response = coordinator_client.post(
        reverse("gdpr:activity_edit", args=[activity.pk]), {**stale, "recipients": "Andra"}
    )
    assert response.status_code == 400
    assert "har ändrats av någon annan" in response.text
    activity.refresh_from_db()
    assert activity.recipients == "Första"


def test_create_form_makes_a_new_record(coordinator_client):
    board = BoardFactory()
    response = coordinator_client.post(
        reverse("gdpr:activity_create"),
        {
            "name": "Skolskjuts",
            "controller": board.pk,
            "status": "utkast",
            "purposes": "Planera skolskjuts för elever.",
        },
    )
    assert response.status_code == 302
    assert ProcessingActivity.objects.get().name == "Skolskjuts"


def test_review_due_lists_stale_records_and_mark_reviewed_records_who_and_when(
    coordinator_client, data_protection_coordinator
):
    stale = ProcessingActivityFactory(name="Gammal post", last_reviewed_on=datetime.date(2020, 1, 1))
    ProcessingActivityFactory(name="Färsk post")
    page = coordinator_client.get(reverse("gdpr:review_due")).text
    assert "Gammal post" in page and "Färsk post" not in page
    response = coordinator_client.post(
        reverse("gdpr:activity_review", args=[stale.pk]), {"version": stale.version}
    )
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.last_reviewed_by == data_protection_coordinator
    assert stale.last_reviewed_on > datetime.date(2020, 1, 1)
    assert stale.history.first().history_change_reason == "Granskad"


def test_reader_cannot_mark_reviewed(reader_client):
    activity = ProcessingActivityFactory()
    assert reader_client.post(reverse("gdpr:activity_review", args=[activity.pk])).status_code == 403


def test_followup_shows_dpia_and_processor_findings(coordinator_client):
    ProcessingActivityFactory(name="Kameraövervakning", systematic_monitoring=True, large_scale=True)
    link_service(ProcessingActivityFactory(name="Lärplattform"))
    page = coordinator_client.get(reverse("gdpr:followup")).text
    assert "Konsekvensbedömning krävs men är inte klar" in page
    assert "Personuppgiftsbiträde utan biträdesavtal" in page


def test_questionnaire_classifies_and_writes_the_low_risk_record(coordinator_client):
    resource = LearningResourceFactory(name="Glosappen", vendor=VendorFactory(country="SE"))
    board = BoardFactory()
    answers = {
        "learning_resource": resource.pk,
        "controller": board.pk,
        "data_kinds": ["identitet"],
        "data_subjects": ["elever"],
        "login_method": "kommunens",
        "vendor_country": "SE",
    }
    page = coordinator_client.get(reverse("gdpr:questionnaire"), {"learning_resource": resource.pk}).text
    assert 'value="SE" selected' in page
    page = coordinator_client.post(reverse("gdpr:questionnaire"), answers).text
    assert "Låg risk – standardbehandling" in page and not ProcessingActivity.objects.exists()
    response = coordinator_client.post(reverse("gdpr:questionnaire"), {**answers, "write": "1"})
    assert response.status_code == 302
    assert ProcessingActivity.objects.get().services.get() == resource


def test_ropa_download_for_a_controller_and_a_date(coordinator_client):
    board = BoardFactory(name="Barn- och utbildningsnämnden")
    ProcessingActivityFactory(name="Elevers närvaro", controller=board)
    ProcessingActivityFactory(name="Annan nämnds post")
    response = coordinator_client.get(
        reverse("gdpr:ropa_download"), {"format": "xlsx", "controller": board.pk}
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Sammanfattning", "Barn- och utbildningsnämnden"]
    assert workbook["Barn- och utbildningsnämnden"]["E2"].value == "Elevers närvaro"
    old = coordinator_client.get(reverse("gdpr:ropa_download"), {"format": "json", "as_of": "2001-01-01"})
    assert old.json() == []
    form_page = coordinator_client.get(reverse("gdpr:ropa_download"))
    assert 'id="id_as_of"' in form_page.text


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _busy_record(activity):
    for _ in range(3):
        link_service(activity)
        TransferFactory(processing_activity=activity)
        DpiaFactory(processing_activity=activity)
    activity.purposes = "Ett ändrat ändamål för behandlingen."
    activity.save()
    return activity


def test_activity_list_review_and_followup_query_counts_do_not_grow_with_rows(coordinator_client):
    urls = [reverse("gdpr:activity_list"), reverse("gdpr:review_due"), reverse("gdpr:followup")]
    _busy_record(ProcessingActivityFactory(last_reviewed_on=None))
    small = [_page_queries(coordinator_client, url) for url in urls]
    for _ in range(5):
        _busy_record(ProcessingActivityFactory(last_reviewed_on=None, controller=BoardFactory()))
    assert [_page_queries(coordinator_client, url) for url in urls] == small


def test_activity_detail_query_count_does_not_grow_with_its_relations(coordinator_client):
    lean = _busy_record(ProcessingActivityFactory())
    busy = _busy_record(_busy_record(_busy_record(ProcessingActivityFactory())))
    lean_count = _page_queries(coordinator_client, reverse("gdpr:activity_detail", args=[lean.pk]))
    busy_count = _page_queries(coordinator_client, reverse("gdpr:activity_detail", args=[busy.pk]))
    assert busy_count == lean_count


def test_the_activity_page_lists_the_data_flows_of_its_systems(client, data_protection_coordinator):
    from tests.factories import ApplicationFactory, DataFlowFactory, ProcessingActivityFactory

    system = ApplicationFactory(name="Elevregistret")
    activity = ProcessingActivityFactory()
    activity.service_links.create(service=system)
    DataFlowFactory(
        name="Elever till CSN", source_application=system, target_application=None, target_external="CSN"
    )
    DataFlowFactory(name="Ovidkommande flöde")
    client.force_login(data_protection_coordinator)
    page = client.get(f"/dataskydd/behandlingar/{activity.pk}/").content.decode()
    assert "Elever till CSN" in page
    assert "Ovidkommande flöde" not in page


def test_the_coordinator_adds_and_edits_a_transfer_through_its_form(client, data_protection_coordinator):
    from gdpr.models import Transfer
    from tests.factories import ProcessingActivityFactory

    activity = ProcessingActivityFactory()
    client.force_login(data_protection_coordinator)
    form_page = client.get(f"/dataskydd/overforingar/ny/?behandling={activity.pk}")
    assert form_page.status_code == 200
    response = client.post(
        "/dataskydd/overforingar/ny/",
        {
            "processing_activity": activity.pk,
            "country": "US",
            "recipient": "Exempel Inc.",
            "mechanism": "scc",
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(processing_activity=activity)
    assert transfer.history.get().history_user == data_protection_coordinator
    response = client.post(
        f"/dataskydd/overforingar/{transfer.pk}/andra/",
        {
            "processing_activity": activity.pk,
            "country": "US",
            "recipient": "Exempel Inc.",
            "mechanism": "scc",
            "tia_done": "on",
            "version": transfer.version,
        },
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.tia_done and transfer.version == 2


def test_a_transfer_form_refuses_an_eea_country_and_a_strategist_may_not_add_one(
    client, strategist, data_protection_coordinator
):
    from gdpr.models import Transfer
    from tests.factories import ProcessingActivityFactory

    activity = ProcessingActivityFactory()
    data = {"processing_activity": activity.pk, "country": "DE", "recipient": "GmbH", "mechanism": ""}
    client.force_login(data_protection_coordinator)
    assert client.post("/dataskydd/overforingar/ny/", data).status_code == 400
    client.force_login(strategist)
    assert client.post("/dataskydd/overforingar/ny/", {**data, "country": "US"}).status_code == 403
    assert not Transfer.objects.exists()


def test_the_coordinator_completes_an_impact_assessment_through_its_form(client, data_protection_coordinator):
    from gdpr.models import Dpia
    from tests.factories import ProcessingActivityFactory

    activity = ProcessingActivityFactory()
    client.force_login(data_protection_coordinator)
    response = client.post(
        "/dataskydd/konsekvensbedomningar/ny/",
        {
            "processing_activity": activity.pk,
            "status": "klar",
            "started_on": "2025-01-10",
            "completed_on": "2025-03-01",
            "residual_risk": "lag",
        },
    )
    assert response.status_code == 302
    assert Dpia.objects.get(processing_activity=activity).residual_risk == "lag"
