"""The Upptäckt page and the review queue: who sees what, and each decision saved with its user."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from discovery.choices import Decision, MatchState
from discovery.models import DiscoveredApplication, MeasuredUsage
from portfolio.choices import AuthenticationMethod, IdentityProvider
from portfolio.evidence import measured_users_by_service
from portfolio.models import Application, LearningResource, Vendor
from tests.discovery.files import FIXTURES, entra_sign_ins_jsonl
from tests.factories import ApplicationFactory, SchoolUnitFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _import(tmp_path, name: str, content: bytes, source: str, *extra: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    call_command("import_identity_provider", str(path), "--source", source, *extra, stdout=io.StringIO())


@pytest.fixture
def discovered(tmp_path):
    """Kahoot matched to the register; Quizlet, Mentimeter unregistered; Teams Microsoft's own."""
    SchoolUnitFactory(school_unit_code="12345678")
    SchoolUnitFactory(school_unit_code="87654321")
    kahoot = ApplicationFactory(name="Kahoot Skola", url="https://kahoot.com")
    _import(tmp_path, "apps.json", (FIXTURES / "entra_service_principals.json").read_bytes(), "entra-apps")
    _import(
        tmp_path, "signins.jsonl", entra_sign_ins_jsonl(), "entra-signins",
        "--membership", str(FIXTURES / "membership.csv"),
    )  # fmt: skip
    return kahoot


def _app(name: str) -> DiscoveredApplication:
    return DiscoveredApplication.objects.get(name=name)


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.IT, Role.DATA_PROTECTION, Role.READER])
def test_every_role_reads_the_discovery_page_with_its_counts(client, discovered, role):
    client.force_login(UserFactory(role=role))
    response = client.get("/upptackt/")
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["discovered"] == 5
    assert counts["registered"] == 1 and counts["platform_own"] == 1
    assert counts["shadow_it"] == 3  # Quizlet, Mentimeter, Skolplattformen Närvaro
    page = response.content.decode()
    assert 'role="figure"' in page  # the charts carry their text alternative and link to their lists


def test_the_discovery_page_lists_the_latest_imports_with_source_period_and_user(client, discovered, it_user):
    client.force_login(it_user)
    page = client.get("/upptackt/").content.decode()
    assert "Entra ID – inloggningsloggar" in page and "2026-11-03 – 2026-11-06" in page


@pytest.mark.parametrize(
    ("role", "may_decide"),
    [(Role.STRATEGIST, True), (Role.IT, True), (Role.DATA_PROTECTION, False), (Role.READER, False)],
)
def test_only_the_strateg_and_it_decide_and_others_see_no_action_buttons(
    client, discovered, role, may_decide
):
    client.force_login(UserFactory(role=role))
    queue = client.get(reverse("discovery:applications"))
    detail = client.get(reverse("discovery:application", args=[_app("Quizlet").pk]))
    for page in (queue.content.decode(), detail.content.decode()):
        assert ("/beslut/" in page) == may_decide
        assert ("/registrera/" in page) == may_decide
    quizlet = _app("Quizlet")
    assert client.get(reverse("discovery:register", args=[quizlet.pk])).status_code == (
        200 if may_decide else 403
    )
    response = client.post(
        reverse("discovery:decide", args=[quizlet.pk]),
        {"decision": "not_service", "version": quizlet.version},
    )
    assert response.status_code == (302 if may_decide else 403)


def test_marking_not_a_service_is_saved_with_history_and_the_user_and_survives_the_next_import(
    client, discovered, strategist, tmp_path
):
    client.force_login(strategist)
    quizlet = _app("Quizlet")
    client.post(
        reverse("discovery:decide", args=[quizlet.pk]),
        {"decision": Decision.NOT_A_SERVICE, "version": quizlet.version},
    )
    quizlet.refresh_from_db()
    assert quizlet.decision == Decision.NOT_A_SERVICE
    latest = quizlet.history.first()
    assert (latest.history_user, latest.history_change_reason) == (strategist, "Beslut: inte en tjänst")
    assert quizlet not in DiscoveredApplication.objects.to_review()

    _import(tmp_path, "again.jsonl", entra_sign_ins_jsonl(), "entra-signins")

    quizlet.refresh_from_db()
    assert quizlet.decision == Decision.NOT_A_SERVICE


def test_a_stale_decision_is_refused(client, discovered, strategist):
    client.force_login(strategist)
    quizlet = _app("Quizlet")
    client.post(reverse("discovery:decide", args=[quizlet.pk]), {"decision": "not_service", "version": 99})
    quizlet.refresh_from_db()
    assert quizlet.decision == Decision.UNDECIDED


def test_merging_into_a_registered_service_links_it_and_its_measured_use_counts_for_the_service(
    client, discovered, it_user
):
    client.force_login(it_user)
    quizlet = _app("Quizlet")
    target = ApplicationFactory(name="Quizlet för skolor")
    assert MeasuredUsage.objects.filter(application=quizlet).exists()

    client.post(
        reverse("discovery:decide", args=[quizlet.pk]),
        {"decision": Decision.IS_SERVICE, "service": target.pk, "version": quizlet.version},
    )

    quizlet.refresh_from_db()
    assert (quizlet.decision, quizlet.service_id) == (Decision.IS_SERVICE, target.pk)
    assert measured_users_by_service([target.pk])[target.pk].users == 1
    assert quizlet.history.first().history_user == it_user


def test_the_merge_choice_offers_the_suggested_services_first(client, discovered, strategist):
    client.force_login(strategist)
    mentimeter = _app("Mentimeter")
    suggestion = ApplicationFactory(name="Zeta Mentimeter-licens")
    mentimeter.suggested_services.add(suggestion)
    groups = client.get(reverse("discovery:application", args=[mentimeter.pk])).context["merge_choices"]
    assert groups[0][0] == "Föreslagna" and groups[0][1] == [(suggestion.pk, suggestion.name)]


def test_undoing_a_decision_puts_the_application_back_in_the_queue(client, discovered, strategist):
    client.force_login(strategist)
    quizlet = _app("Quizlet")
    client.post(reverse("discovery:decide", args=[quizlet.pk]), {"decision": "not_service", "version": 1})
    quizlet.refresh_from_db()
    client.post(reverse("discovery:decide", args=[quizlet.pk]), {"decision": "", "version": quizlet.version})
    quizlet.refresh_from_db()
    assert quizlet.decision == Decision.UNDECIDED and quizlet in DiscoveredApplication.objects.shadow_it()


def test_the_registration_form_is_prefilled_from_the_application(client, discovered, it_user):
    client.force_login(it_user)
    kahoot_vendor = VendorFactory(name="Mentimeter AB")
    mentimeter = _app("Mentimeter")
    form = client.get(reverse("discovery:register", args=[mentimeter.pk])).context["form"]
    initial = form.initial
    assert initial["name"] == "Mentimeter"
    assert initial["vendor"] == kahoot_vendor.pk
    assert initial["url"].startswith("https://")
    assert (
        initial["authentication"]
        == {"oidc": AuthenticationMethod.OIDC, "saml": AuthenticationMethod.SAML}[mentimeter.sign_on_mode]
    )
    assert initial["identity_provider"] == IdentityProvider.ENTRA_ID
    narvaro = _app("Skolplattformen Närvaro")  # password vaulting: the vendor's own accounts
    initial = client.get(reverse("discovery:register", args=[narvaro.pk])).context["form"].initial
    assert (initial["authentication"], initial["identity_provider"]) == (
        AuthenticationMethod.LOCAL,
        IdentityProvider.VENDOR,
    )


def test_registering_creates_the_service_and_its_vendor_and_links_the_application(
    client, discovered, it_user
):
    client.force_login(it_user)
    quizlet = _app("Quizlet")
    form = client.get(reverse("discovery:register", args=[quizlet.pk])).context["form"]
    data = {k: v for k, v in form.initial_values().items() if v not in (None, [], False)}
    data.update({"name": "Quizlet", "new_vendor": "Quizlet Inc."})
    data["version"] = quizlet.version

    response = client.post(reverse("discovery:register", args=[quizlet.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    service = Application.objects.get(name="Quizlet")
    assert service.vendor == Vendor.objects.get(name="Quizlet Inc.")
    quizlet.refresh_from_db()
    assert (quizlet.decision, quizlet.service_id) == (Decision.IS_SERVICE, service.pk)
    assert service.history.first().history_user == it_user
    assert measured_users_by_service([service.pk])[service.pk].users == 1
    assert response["Location"] == service.get_absolute_url()


def test_registering_as_a_learning_resource_uses_its_form(client, discovered, strategist):
    client.force_login(strategist)
    quizlet = _app("Quizlet")
    url = reverse("discovery:register", args=[quizlet.pk]) + "?typ=larresurs"
    data = {"name": "Quizlet", "lifecycle_status": "i_drift", "mfa": "okant", "version": quizlet.version}
    response = client.post(url, data)
    assert response.status_code == 302
    assert LearningResource.objects.filter(name="Quizlet").exists()


def test_a_decided_application_is_not_registered_twice(client, discovered, strategist):
    client.force_login(strategist)
    kahoot = _app("Kahoot!")
    assert kahoot.match == MatchState.MATCHED
    client.post(
        reverse("discovery:decide", args=[kahoot.pk]),
        {"decision": Decision.IS_SERVICE, "service": discovered.pk, "version": kahoot.version},
    )
    response = client.get(reverse("discovery:register", args=[kahoot.pk]))
    assert response.status_code == 302


def test_the_queue_filters_by_group_and_name(client, discovered, reader):
    client.force_login(reader)

    def names(**query) -> list[str]:
        return [a.name for a in client.get(reverse("discovery:applications"), query).context["applications"]]

    assert names(grupp="oregistrerade") == ["Mentimeter", "Quizlet", "Skolplattformen Närvaro"]
    assert names(grupp="plattformens") == ["Microsoft Teams"]
    assert names(grupp="matchade") == ["Kahoot!"]
    assert names(grupp="alla", q="quiz") == ["Quizlet"]


def test_a_link_made_on_the_page_survives_the_next_import_which_counts_under_the_service(
    client, discovered, it_user, tmp_path
):
    client.force_login(it_user)
    quizlet = _app("Quizlet")
    target = ApplicationFactory(name="Quizlet för skolor")
    client.post(
        reverse("discovery:decide", args=[quizlet.pk]),
        {"decision": Decision.IS_SERVICE, "service": target.pk, "version": quizlet.version},
    )

    _import(tmp_path, "again.jsonl", entra_sign_ins_jsonl(), "entra-signins")

    quizlet.refresh_from_db()
    assert (quizlet.decision, quizlet.service_id) == (Decision.IS_SERVICE, target.pk)
    assert MeasuredUsage.objects.filter(service=target).exists()
    assert not MeasuredUsage.objects.filter(application=quizlet).exists()


def test_a_large_register_offers_the_services_to_merge_into_on_a_search(
    client, discovered, strategist, monkeypatch
):
    from discovery import views

    monkeypatch.setattr(views, "MERGE_LIST_LIMIT", 1)
    client.force_login(strategist)
    mentimeter = _app("Mentimeter")
    suggestion = ApplicationFactory(name="Zeta Mentimeter-licens")
    mentimeter.suggested_services.add(suggestion)
    wanted = ApplicationFactory(name="Mentimeter Pro för skolor")
    ApplicationFactory(name="Kahoot!")
    url = reverse("discovery:application", args=[mentimeter.pk])

    unsearched = client.get(url)
    searched = client.get(url, {"tjanst": "mentimeter PRO"})

    assert [heading for heading, _options in unsearched.context["merge_choices"]] == ["Föreslagna"]
    assert "sök på namn, produkt eller alias" in unsearched.content.decode()
    assert searched.context["merge_choices"] == [
        ("Föreslagna", [(suggestion.pk, suggestion.name)]),
        ("Sökträffar", [(wanted.pk, wanted.name)]),
    ]
