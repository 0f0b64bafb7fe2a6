"""The register of breaches on the web: who records, who reports, who reads, and what each page shows."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gdpr.models import Breach, BreachProcessingActivity, ProcessingActivityService
from tests.factories import ApplicationFactory, BreachFactory, ProcessingActivityFactory, VendorFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _form_data(**changes) -> dict:
    data = {
        "title": "Förlorat USB-minne",
        "status": "oppen",
        "description": "Ett okrypterat USB-minne med elevlistor har tappats bort.",
        "occurred_at": "2026-03-27T08:00",
        "discovered_at": "2026-03-27T12:00",
        "data_subject_categories": ["elever"],
        "subjects_approx": "30",
        "records_approx": "30",
        "personal_data_categories": "Namn och klass",
        "consequences": "Spridning av elevlistor.",
        "measures": "USB-minnen förbjudna.",
        "risk": "risk",
        "risk_reasoning": "Inga känsliga uppgifter.",
    }
    data.update(changes)
    return data


#
# The dataskyddssamordnare records and edits
#


def test_the_dataskyddssamordnare_records_a_breach_with_its_activities_and_history(
    client, data_protection_coordinator
):
    activity = ProcessingActivityFactory()
    client.force_login(data_protection_coordinator)
    assert client.get(reverse("gdpr:breach_add")).status_code == 200
    response = client.post(reverse("gdpr:breach_add"), _form_data(processing_activities=[activity.pk]))
    assert response.status_code == 302
    breach = Breach.objects.get()
    # Entered in Stockholm time, before the spring change: stored as the same instant.
    assert breach.discovered_at == datetime.datetime(2026, 3, 27, 12, 0, tzinfo=STOCKHOLM)
    assert breach.notification_deadline == datetime.datetime(2026, 3, 30, 13, 0, tzinfo=STOCKHOLM)
    assert list(breach.processing_activities.all()) == [activity]
    assert breach.history.get().history_user == data_protection_coordinator
    assert BreachProcessingActivity.history.get().history_user == data_protection_coordinator


def test_bad_input_names_the_field_in_swedish_and_saves_nothing(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    response = client.post(
        reverse("gdpr:breach_add"),
        _form_data(occurred_at="2026-03-28T08:00", imy_reference="IMY-1"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "En incident kan inte ha inträffat efter att den upptäcktes." in errors["occurred_at"]
    assert "Ett diarienummer hos IMY anges bara när incidenten är anmäld." in errors["imy_reference"]
    assert Breach.objects.count() == 0


def test_the_dataskyddssamordnare_edits_a_breach_and_sees_its_findings(client, data_protection_coordinator):
    breach = BreachFactory(risk="hog")
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:breach_detail", args=[breach.pk]))
    assert page.status_code == 200
    assert [f.code for f in page.context["breach_findings"]] == ["BREACH_SUBJECTS_NOT_INFORMED"]
    data = {
        **_form_data(),
        "title": breach.title,
        "discovered_at": timezone.localtime(breach.discovered_at).strftime("%Y-%m-%dT%H:%M"),
        "occurred_at": timezone.localtime(breach.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "risk": "hog",
        "imy_notified_at": timezone.localtime(breach.imy_notified_at).strftime("%Y-%m-%dT%H:%M"),
        "imy_reference": breach.imy_reference,
        "communication_exception": "a",
        "subjects_not_informed_reason": "Uppgifterna var krypterade.",
        "version": breach.version,
    }
    response = client.post(reverse("gdpr:breach_edit", args=[breach.pk]), data)
    assert response.status_code == 302
    page = client.get(reverse("gdpr:breach_detail", args=[breach.pk]))
    assert page.context["breach_findings"] == []


def test_an_open_breach_shows_its_clock_on_its_page(client, data_protection_coordinator):
    breach = BreachFactory(discovered_at=timezone.now() - datetime.timedelta(hours=30), imy_notified_at=None)
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:breach_detail", args=[breach.pk]))
    assert page.context["clock_running"]
    assert "kvar av 72 timmar" in page.content.decode()
    assert page.context["hours_left_text"].startswith(("41 tim", "42 tim"))


#
# Everyone may report; the dataskyddssamordnare is e-mailed
#


@pytest.mark.parametrize("role", ["reader", "it_user", "strategist"])
def test_anyone_logged_in_reports_a_breach_and_the_dataskyddssamordnare_is_emailed(
    client, request, role, data_protection_coordinator, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(reverse("gdpr:breach_report")).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("gdpr:breach_report"),
            {
                "title": "Klasslista till fel vårdnadshavare",
                "description": "Skickade klasslistan till 7B:s vårdnadshavare i stället för 7A:s.",
                "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            },
        )
    assert response.status_code == 302
    assert mail.outbox == []  # not inside the report's transaction: the task runs after the commit
    for callback in callbacks:
        callback()
    breach = Breach.objects.get()
    assert breach.status == "oppen" and breach.reported_by == user and breach.reported_internally_at
    assert breach.history.get().history_user == user
    [message] = mail.outbox
    assert message.to == [data_protection_coordinator.email]
    assert "Klasslista till fel vårdnadshavare" in message.subject
    assert reverse("gdpr:breach_detail", args=[breach.pk]) in message.body
    assert "Tid kvar till anmälan till IMY (72 timmar): 7" in message.body  # 71 or 72 hours


def test_a_report_without_a_description_is_refused_and_nobody_is_emailed(
    client, reader, data_protection_coordinator
):
    client.force_login(reader)
    response = client.post(reverse("gdpr:breach_report"), {"title": "Något hände", "discovered_at": ""})
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert Breach.objects.count() == 0 and mail.outbox == []


def test_the_report_form_needs_a_login(client):
    response = client.get(reverse("gdpr:breach_report"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


#
# Who reads
#


@pytest.mark.parametrize("role", ["strategist", "it_user"])
def test_other_roles_read_breaches_but_cannot_record_them(client, request, role):
    breach = BreachFactory()
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("gdpr:breach_list")).status_code == 200
    assert client.get(reverse("gdpr:breach_detail", args=[breach.pk])).status_code == 200
    assert client.post(reverse("gdpr:breach_add"), _form_data()).status_code == 403
    assert client.get(reverse("gdpr:breach_edit", args=[breach.pk])).status_code == 403
    assert Breach.objects.count() == 1


def test_a_reader_sees_no_breach_details_anywhere(client, reader):
    activity = ProcessingActivityFactory()
    app = ApplicationFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    breach = BreachFactory(title="Hemlig incident", risk="hog")
    BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)
    client.force_login(reader)
    for url in (
        reverse("gdpr:breach_list"),
        reverse("gdpr:breach_detail", args=[breach.pk]),
        reverse("gdpr:breach_export"),
        reverse("gdpr:breach_register") + "?as_of=",
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("gdpr:gap_list"),
        reverse("gdpr:activity_detail", args=[activity.pk]),
        reverse("portfolio:application_detail", args=[app.pk]),
        reverse("dashboard"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Hemlig incident" not in page.content.decode(), url
    assert "Personuppgiftsincidenter" not in client.get(reverse("dashboard")).content.decode()


def test_the_list_shows_the_breaches_to_the_dataskyddssamordnare(client, data_protection_coordinator):
    BreachFactory(title="Förlorat USB-minne")
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:breach_list"))
    assert "Förlorat USB-minne" in page.content.decode()
    assert reverse("gdpr:breach_register") in page.content.decode()


#
# Breaches feed the rest: the activity, the service, the processor, the dashboard
#


def test_the_activity_page_links_its_breaches(client, data_protection_coordinator):
    activity = ProcessingActivityFactory()
    breach = BreachFactory(title="Betyg exponerade i API")
    BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:activity_detail", args=[activity.pk])).content.decode()
    assert reverse("gdpr:breach_detail", args=[breach.pk]) in page


def test_a_service_and_its_processor_with_a_breach_in_the_last_year_are_flagged(
    client, data_protection_coordinator
):
    vendor = VendorFactory()
    app = ApplicationFactory(vendor=vendor)
    quiet = ApplicationFactory()
    activity = ProcessingActivityFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    breach = BreachFactory(title="Betyg exponerade i API", vendor=vendor)
    BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)
    old = BreachFactory(title="Gammal incident", discovered_at=timezone.now() - datetime.timedelta(days=400))
    BreachProcessingActivity.objects.create(breach=old, processing_activity=activity)
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("portfolio:application_detail", args=[app.pk])).content.decode()
    assert "1 personuppgiftsincident det senaste året" in page and "Betyg exponerade i API" in page
    assert "Gammal incident" not in page
    page = client.get(reverse("portfolio:vendor_detail", args=[vendor.pk])).content.decode()
    assert "1 personuppgiftsincident det senaste året" in page
    page = client.get(reverse("portfolio:application_detail", args=[quiet.pk])).content.decode()
    assert "personuppgiftsincident" not in page
    assert Breach.objects.affecting_services() == {("application", app.pk): 1}


def test_the_dashboard_shows_open_breaches_with_the_hours_left(client, data_protection_coordinator):
    BreachFactory(
        title="Inlämningar synliga",
        discovered_at=timezone.now() - datetime.timedelta(hours=60),
        imy_notified_at=None,
    )
    BreachFactory(title="Redan anmäld")
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("dashboard"))
    [clock] = page.context["breach_clocks"]
    assert clock["title"] == "Inlämningar synliga" and clock["left"].startswith(("11 tim", "12 tim"))
    assert "Redan anmäld" not in page.content.decode()


#
# The register for IMY, as of a date
#


def test_the_register_for_imy_as_of_a_date_shows_what_was_known_then(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    breach = BreachFactory(title="Förlorat USB-minne", measures="")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    history = breach.history.get()
    history.history_date = history.history_date - datetime.timedelta(days=2)
    history.save()
    breach.measures = "Krypterade minnen införda."
    breach.save()
    BreachFactory(title="Ny incident")

    def sheet(query: str) -> list[tuple]:
        response = client.get(reverse("gdpr:breach_register") + query)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        return list(book.worksheets[0].iter_rows(values_only=True))

    then = sheet(f"?as_of={yesterday.isoformat()}")
    headings = then[0]
    assert [row[headings.index("Rubrik")] for row in then[1:]] == ["Förlorat USB-minne"]
    assert then[1][headings.index("Vidtagna åtgärder")] in (None, "")
    now = sheet("?as_of=")
    assert {row[headings.index("Rubrik")] for row in now[1:]} == {"Förlorat USB-minne", "Ny incident"}
    assert "Krypterade minnen införda." in [row[headings.index("Vidtagna åtgärder")] for row in now[1:]]


def test_the_register_refuses_a_date_in_the_future(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.get(reverse("gdpr:breach_register") + f"?as_of={tomorrow.isoformat()}")
    assert response.status_code == 400
    assert "Datumet kan inte ligga i framtiden." in response.content.decode()


def test_the_landscape_workbook_leaves_breach_findings_out_for_a_reader(reader, data_protection_coordinator):
    from integrations.landscape_export import build_landscape

    activity = ProcessingActivityFactory()
    app = ApplicationFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    breach = BreachFactory(risk="hog")
    BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)

    def codes(user) -> set[str]:
        sheets = build_landscape(user=user)
        frame = next(f for f in sheets.values() if "Kod" in f.columns)
        return set(frame["Kod"])

    assert "BREACH_SUBJECTS_NOT_INFORMED" in codes(data_protection_coordinator)
    assert "BREACH_SUBJECTS_NOT_INFORMED" not in codes(reader)
