"""SS 12000: the organisation tree from /organisations, staff from /duties and /persons, idempotent."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from integrations.ss12000 import PROTECTED_NAME, SS12000Error, import_ss12000
from portfolio.models import Organisation, Person
from tests.factories import SchoolUnitFactory, UserFactory
from tests.integrations.helpers import register_counts

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "ss12000"


def test_organisations_build_the_tree_with_school_unit_codes_and_forms():
    report = import_ss12000(DATA / "organisations_page1.json")
    assert report.applied and not report.errors
    principal = Organisation.objects.get(kind="huvudman")
    assert principal.organisation_number == "212000-0142"
    school = Organisation.objects.get(school_unit_code="12345678")
    # Listed before its parent on the page: parents are placed first whatever the order.
    assert school.parent == principal and school.path == f"{principal.pk}/"
    assert school.school_form == "grundskola"  # GR decides over FKLASS and FTH
    assert school.contact_email == "norrskolan@mittkoping.example"


def test_a_folder_of_pages_imports_everything_and_again_changes_nothing():
    user = UserFactory(username="skoladmin")
    report = import_ss12000(DATA, user=user)
    assert report.applied and len(report.created) == 3
    gymnasium = Organisation.objects.get(school_unit_code="87654321")
    assert gymnasium.school_form == "gymnasieskola"
    entry = gymnasium.history.get()
    assert entry.history_user == user and entry.history_change_reason == "SS 12000: ss12000"
    before = register_counts()
    again = import_ss12000(DATA, user=user)
    assert again.unchanged == 3 and not again.created and not again.updated
    assert again.persons_unchanged == 2
    assert register_counts() == before


def test_an_existing_school_is_found_by_its_school_unit_code():
    school = SchoolUnitFactory(name="Norrskolan F-6", school_unit_code="12345678")
    import_ss12000(DATA / "organisations_page1.json")
    school.refresh_from_db()
    assert school.name == "Norrskolan" and school.external_id.endswith("000002")
    assert Organisation.objects.filter(school_unit_code="12345678").count() == 1


def test_staff_are_stored_with_their_duty_and_school_but_pupils_are_not():
    report = import_ss12000(DATA)
    assert report.persons_created == 2 and report.persons_without_duty == 1
    principal = Person.objects.get(external_id="p0000000-0000-4000-8000-000000000001")
    assert principal.name == "Karin Lindqvist" and principal.title == "Rektor"
    assert principal.email == "karin.lindqvist@mittkoping.example"  # work address, never the private one
    assert principal.organisation.school_unit_code == "12345678"
    assert not Person.objects.filter(name__contains="Exempelsson").exists()


def test_a_person_with_a_security_marking_is_stored_only_as_far_as_the_role_needs():
    report = import_ss12000(DATA)
    assert report.protected_persons == 1
    protected = Person.objects.get(external_id="p0000000-0000-4000-8000-000000000002")
    assert (protected.name, protected.email, protected.title) == (PROTECTED_NAME, "", "Lärare")
    assert protected.organisation.school_unit_code == "87654321"
    history = protected.history.values_list("name", "email")
    assert all("Hemlig" not in name and email == "" for name, email in history)
    assert "skyddsmarkering" in report.summary()


def test_a_person_marked_after_an_earlier_import_is_erased_from_history_too(tmp_path):
    import shutil

    folder = tmp_path / "ss12000"
    shutil.copytree(DATA, folder)
    import_ss12000(folder)
    karin = Person.objects.get(external_id="p0000000-0000-4000-8000-000000000001")
    assert karin.history.filter(name="Karin Lindqvist").exists()

    persons = json.loads((folder / "persons.json").read_text())
    for person in persons["data"]:
        if person["id"] == karin.external_id:
            person["securityMarking"] = "Sekretessmarkering"
    (folder / "persons.json").write_text(json.dumps(persons))
    import_ss12000(folder)

    karin.refresh_from_db()
    assert (karin.name, karin.email) == (PROTECTED_NAME, "")
    assert set(karin.history.values_list("name", "email")) == {(PROTECTED_NAME, "")}


def test_a_dry_run_writes_nothing():
    before = register_counts()
    report = import_ss12000(DATA, dry_run=True)
    assert len(report.created) == 3 and not report.applied
    assert register_counts() == before


def test_an_invalid_organisation_refuses_the_whole_import(tmp_path):
    page = json.loads((DATA / "organisations_page1.json").read_text())
    page["data"][1]["organisationNumber"] = "212000-0143"  # wrong check digit
    (tmp_path / "orgs.json").write_text(json.dumps(page))
    before = register_counts()
    report = import_ss12000(tmp_path)
    assert not report.applied
    assert any("organisation_number" in e for e in report.errors)
    assert register_counts() == before


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"items": []}', '{"data": [{"displayName": "utan id"}]}'],
    ids=["json", "data", "id"],
)
def test_malformed_pages_are_refused_with_a_reason(tmp_path, content):
    (tmp_path / "page.json").write_text(content)
    with pytest.raises(SS12000Error):
        import_ss12000(tmp_path)


def test_the_command_reports_protected_persons(tmp_path):
    out = StringIO()
    call_command("import_ss12000", str(DATA), "--dry-run", stdout=out)
    assert "1 med skyddsmarkering" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import_ss12000", str(tmp_path / "saknas"))
