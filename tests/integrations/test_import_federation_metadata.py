"""SAML federation metadata: parsed safely, matched to the register, membership recorded with history."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from integrations.saml import MetadataError, federation_code, import_federation, parse_metadata
from portfolio.models import Application
from tests.factories import ApplicationFactory, LearningResourceFactory, UserFactory
from tests.integrations.helpers import register_counts

DATA = Path(__file__).parent / "data"
SMALL = (DATA / "federation_small.xml").read_bytes()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">
 <md:EntityDescriptor entityID="https://x.example/&lol4;"/>
</md:EntitiesDescriptor>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE md:EntitiesDescriptor SYSTEM "http://attacker.example/evil.dtd">
<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">
 <md:EntityDescriptor entityID="&xxe;"/>
</md:EntitiesDescriptor>"""


def test_the_parser_reads_names_organisation_attributes_and_registration():
    metadata = parse_metadata(SMALL)
    assert metadata.name == "https://md.example-skolfederation.se/test"
    assert len(metadata.entities) == 6 and len(metadata.service_providers) == 5
    platform = metadata.entities[0]
    assert platform.display_name == "Skolplattformen"
    assert platform.display_names["en"] == "The School Platform"
    assert platform.organisation_name == "Skolplattform AB"
    assert platform.privacy_statement_url == "https://skolplattform.example/integritet"
    assert platform.attributes["http://macedir.org/entity-category"] == [
        "http://www.skolfederation.se/category/school-service"
    ]
    assert platform.registration_authority == "https://www.skolfederation.se"
    assert platform.hosts == ["sso.skolplattform.example"]
    assert metadata.entities[1].is_test and not platform.is_test


@pytest.mark.parametrize(
    "document", [BILLION_LAUGHS, EXTERNAL_DTD, EXTERNAL_ENTITY], ids=["laughs", "dtd", "xxe"]
)
def test_entity_expansion_and_external_dtds_are_refused_before_parsing(document):
    with pytest.raises(MetadataError, match="DOCTYPE"):
        parse_metadata(document)


def test_metadata_above_the_size_limit_is_refused_unread():
    with pytest.raises(MetadataError, match="gränsen"):
        parse_metadata(SMALL, max_bytes=1000)


@pytest.mark.parametrize("document", [b"<not-closed", b"<html><body>hej</body></html>", b""])
def test_what_is_not_saml_metadata_is_refused_with_a_reason(document):
    with pytest.raises(MetadataError):
        parse_metadata(document)


def test_federation_names_are_read_by_code_or_label():
    assert federation_code("Skolfederation") == "skolfederation"
    assert federation_code("SWAMID") == "swamid"
    with pytest.raises(MetadataError, match="Okänd federation"):
        federation_code("Hemliga klubben")


@pytest.fixture
def register(db):
    return {
        # by entity ID
        "platform": ApplicationFactory(
            name="Lärplattform X", saml_entity_ids="https://sso.skolplattform.example/sp"
        ),
        # by host (its web address)
        "reading": LearningResourceFactory(
            name="Läsappen", url="https://app.lasappen.example/", authentication=""
        ),
        # by display name, through the duplicate detector's normalisation ("AB" is dropped)
        "maths": LearningResourceFactory(name="Matteboken", authentication="saml"),
        # claims the federation but is not in the metadata
        "claimer": ApplicationFactory(
            name="Gammal tjänst", federation="skolfederation", saml_entity_ids="https://gone.example/sp"
        ),
    }


def test_service_providers_are_matched_by_entity_id_then_host_then_name(register):
    report = import_federation(SMALL, federation="skolfederation", filename="skolfed.xml", dry_run=True)
    how = {match.service.name: match.how for match in report.matched}
    assert how == {"Lärplattform X": "entity_id", "Läsappen": "host", "Matteboken": "name"}
    assert [e.entity_id for e, _s in report.test_entities] == ["https://test.skolplattform.example/sp"]
    assert report.test_entities[0][1] == register["platform"]  # the production service it belongs to
    assert [e.entity_id for e in report.not_in_register] == ["https://okand-tjanst.example/sp"]
    assert report.claimed_but_missing == [register["claimer"]]


def test_a_dry_run_shows_everything_and_writes_nothing(register):
    before = register_counts()
    report = import_federation(SMALL, federation="skolfederation", dry_run=True)
    assert len(report.updated) == 3 and not report.applied
    assert register_counts() == before


def test_membership_is_recorded_through_the_form_with_history(register):
    user = UserFactory(username="it-tekniker")
    report = import_federation(SMALL, federation="skolfederation", filename="skolfed.xml", user=user)
    assert report.applied
    reading = register["reading"]
    reading.refresh_from_db()
    assert reading.federation == "skolfederation"
    assert reading.entity_id_list == ["https://app.lasappen.example/saml"]
    assert reading.authentication == "saml"  # a federation member logs in with SAML
    entry = reading.history.first()
    assert entry.history_user == user and entry.history_change_reason == "Federationsmetadata: skolfed.xml"
    # The test environment is never recorded on the production service.
    platform = Application.objects.get(pk=register["platform"].pk)
    assert platform.entity_id_list == ["https://sso.skolplattform.example/sp"]


def test_importing_the_same_metadata_again_changes_nothing(register):
    import_federation(SMALL, federation="skolfederation")
    before = register_counts()
    report = import_federation(SMALL, federation="skolfederation")
    assert len(report.matched) == 3 and not report.updated
    assert register_counts() == before


def test_the_command_prints_the_report_and_refuses_hostile_xml(register, tmp_path):
    path = tmp_path / "meta.xml"
    path.write_bytes(SMALL)
    out = StringIO()
    call_command(
        "import_federation_metadata", str(path), "--federation", "skolfederation", "--dry-run", stdout=out
    )
    text = out.getvalue()
    assert "Läsappen ← https://app.lasappen.example/saml (via värdnamn)" in text
    assert "https://okand-tjanst.example/sp" in text and "Provkörning" in text
    path.write_bytes(BILLION_LAUGHS)
    with pytest.raises(CommandError, match="DOCTYPE"):
        call_command("import_federation_metadata", str(path), "--federation", "skolfederation")


#
# The real aggregates in ../shared/data
#


@pytest.mark.parametrize(
    ("filename", "entities", "sps"),
    [
        ("saml_skolfederation_2014.xml", 53, 30),
        ("saml_swamid-1.0_2011.xml", 175, 137),
        ("saml_switch-aaitest_2019-11-27.xml", 296, 262),
    ],
)
def test_the_real_federation_aggregates_are_parsed(shared_data, filename, entities, sps):
    metadata = parse_metadata((shared_data / filename).read_bytes())
    assert len(metadata.entities) == entities
    assert len(metadata.service_providers) == sps


def test_skolfederation_2014_matches_registered_school_services(shared_data, db):
    infomentor = ApplicationFactory(name="InfoMentor", authentication="saml")
    skola24 = ApplicationFactory(name="Skola24", saml_entity_ids="service-sso1.novasoftware.se")
    liber = LearningResourceFactory(name="Liber Online", url="https://online.liber.se")
    data = (shared_data / "saml_skolfederation_2014.xml").read_bytes()
    report = import_federation(data, federation="skolfederation", filename="skolfed2014.xml")
    how = {match.service: match.how for match in report.matched}
    assert how[skola24] == "entity_id"
    assert how[liber] == "host"
    assert how[infomentor] == "name"
    test_ids = {entity.entity_id for entity, _service in report.test_entities}
    assert "sandbox-sso.skola24.se" in test_ids  # Skola24's sandbox is a test environment
    assert "https://ws-test.fronter.com/shibboleth" in test_ids
    assert len(report.not_in_register) > 20
    infomentor.refresh_from_db()
    assert infomentor.federation == "skolfederation"
    assert infomentor.entity_id_list == ["https://sso.infomentor.se/"]


def test_switch_and_swamid_aggregates_import_without_errors(shared_data, db):
    ApplicationFactory(name="Moodle", url="https://moodle.unifr.ch")
    for filename, federation in (
        ("saml_switch-aaitest_2019-11-27.xml", "annan"),
        ("saml_swamid-1.0_2011.xml", "swamid"),
    ):
        report = import_federation((shared_data / filename).read_bytes(), federation=federation, dry_run=True)
        assert not report.errors
        assert report.entity_count == len(report.matched) + len(report.test_entities) + len(
            report.not_in_register
        ) + len(report.ambiguous)


def test_the_demo_services_claiming_skolfederation_without_an_entity_id_are_reported(demo):
    report = import_federation(SMALL, federation="skolfederation", dry_run=True)
    claimed = {service.name for service in report.claimed_but_missing}
    assert demo.federation_without_entity_id
    assert set(demo.federation_without_entity_id) <= claimed
