"""import_identity_provider: what is stored, what is refused, and that no person is stored."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from discovery.choices import Decision, Directory, MatchState, SignOnMode
from discovery.models import DiscoveredApplication, IdentityImport, MeasuredUsage, SchoolPopulation
from integrations.identity.synthetic import SignIn, write_json_lines
from tests.factories import ApplicationFactory, SchoolUnitFactory, UserFactory

FIXTURES = Path(__file__).parents[1] / "integrations" / "identity" / "fixtures"
KAHOOT_APP_ID = "6a1e9f3c-2d4b-4c8e-9f10-2b3c4d5e6f70"

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("anna.elev@skola.mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000001"),
    ("bertil.elev@skola.mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000002"),
    ("cecilia.larare@mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000003"),
    ("david.elev@skola.mittkoping.se", "5b0f1a2e-0000-4000-8000-000000000004"),
    ("okand.person@example.org", "5b0f1a2e-0000-4000-8000-000000000005"),
]


@pytest.fixture
def schools():
    return SchoolUnitFactory(school_unit_code="12345678"), SchoolUnitFactory(school_unit_code="87654321")


@pytest.fixture
def kahoot():
    return ApplicationFactory(name="Kahoot Skola", url="https://kahoot.com")


def _sign_ins(tmp_path: Path, month: str = "2026-11") -> Path:
    rows = [
        SignIn(f"{month}-{day:02d}T07:5{day % 10}:00Z", upn, user_id, KAHOOT_APP_ID, "Kahoot!", 0)
        for day in (3, 4, 5)
        for upn, user_id in PEOPLE
    ]
    rows.append(SignIn(f"{month}-06T08:00:00Z", PEOPLE[0][0], PEOPLE[0][1], "3f1c-unknown", "Quizlet", 0))
    rows.append(SignIn(f"{month}-06T08:01:00Z", PEOPLE[1][0], PEOPLE[1][1], KAHOOT_APP_ID, "Kahoot!", 50126))
    path = tmp_path / f"signins-{month}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        write_json_lines(handle, rows)
    return path


def _run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("import_identity_provider", *[str(a) for a in args], stdout=out, **kwargs)
    return out.getvalue()


def test_enterprise_applications_are_stored_with_their_sign_on_mode_and_matched(kahoot):
    user = UserFactory()
    _run(FIXTURES / "entra_service_principals.json", "--source", "entra-apps", "--user", user.username)
    apps = {a.name: a for a in DiscoveredApplication.objects.all()}
    assert set(apps) == {"Kahoot!", "Skolplattformen Närvaro", "Microsoft Teams", "Mentimeter"}
    assert (apps["Kahoot!"].service_id, apps["Kahoot!"].match) == (kahoot.pk, MatchState.MATCHED)
    assert apps["Skolplattformen Närvaro"].sign_on_mode == SignOnMode.PASSWORD
    assert apps["Microsoft Teams"].first_party and apps["Microsoft Teams"].match == MatchState.UNMATCHED
    assert apps["Kahoot!"].history.first().history_user == user


def test_sign_ins_become_distinct_users_per_school_and_group(tmp_path, schools, kahoot):
    first, second = schools
    _run(_sign_ins(tmp_path), "--source", "entra-signins", "--membership", FIXTURES / "membership.csv")
    usage = {
        (u.service_id, u.application_id is not None, u.organisation_id, u.user_group): (u.users, u.sign_ins)
        for u in MeasuredUsage.objects.all()
    }
    quizlet = DiscoveredApplication.objects.get(name="Quizlet")
    assert usage == {
        (kahoot.pk, False, first.pk, "elever"): (2, 6),
        (kahoot.pk, False, second.pk, "personal"): (1, 3),
        (kahoot.pk, False, second.pk, "elever"): (1, 3),
        (kahoot.pk, False, None, "okand"): (1, 3),
        (None, True, first.pk, "elever"): (1, 1),
    }
    assert quizlet.match == MatchState.UNMATCHED and quizlet.last_seen.isoformat() == "2026-11-06"
    run = IdentityImport.objects.get()
    assert (run.records, run.people, run.failures) == (17, 5, 1)


def test_no_user_identifier_reaches_any_table_or_history(tmp_path, schools, kahoot):
    _run(_sign_ins(tmp_path), "--source", "entra-signins", "--membership", FIXTURES / "membership.csv")
    _run(FIXTURES / "membership.csv", "--source", "membership")
    identifiers = [value.casefold() for person in PEOPLE for value in person]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            text = repr(cursor.fetchall()).casefold()
            found = [value for value in identifiers if value in text]
            assert not found, f"{table} holds {found}"


def test_a_file_of_the_wrong_source_is_refused_in_swedish_and_nothing_is_saved(tmp_path, kahoot):
    with pytest.raises(CommandError, match="Välj rätt källa. Inget har sparats"):
        _run(_sign_ins(tmp_path), "--source", "entra-apps")
    assert not DiscoveredApplication.objects.exists()
    assert not IdentityImport.objects.exists()


def test_a_dry_run_reports_what_it_would_do_and_saves_nothing(tmp_path, schools, kahoot):
    out = _run(_sign_ins(tmp_path), "--source", "entra-signins", "--dry-run")
    assert "Provkörning" in out and "2 applikationer" in out
    assert not MeasuredUsage.objects.exists() and not DiscoveredApplication.objects.exists()


def test_a_persons_decision_survives_the_next_import(tmp_path, schools, kahoot):
    path = _sign_ins(tmp_path)
    _run(path, "--source", "entra-signins")
    quizlet = DiscoveredApplication.objects.get(name="Quizlet")
    quizlet.decision = Decision.NOT_A_SERVICE
    quizlet.save()
    _run(path, "--source", "entra-signins")
    quizlet.refresh_from_db()
    assert quizlet.decision == Decision.NOT_A_SERVICE
    assert DiscoveredApplication.objects.filter(directory=Directory.ENTRA).count() == 2


def test_reading_the_same_period_again_replaces_its_counts(tmp_path, schools, kahoot):
    path = _sign_ins(tmp_path)
    _run(path, "--source", "entra-signins")
    counts = MeasuredUsage.objects.order_by("service", "application", "organisation", "user_group")
    before = list(counts.values_list("service_id", "users", "sign_ins"))
    _run(path, "--source", "entra-signins")
    assert list(counts.values_list("service_id", "users", "sign_ins")) == before
    _run(_sign_ins(tmp_path, "2026-10"), "--source", "entra-signins")
    assert MeasuredUsage.objects.values("period_start").distinct().count() == 2


def test_membership_counts_people_per_school_and_names_unknown_codes(schools):
    out = _run(FIXTURES / "membership.csv", "--source", "membership")
    populations = {
        (p.organisation.school_unit_code, p.user_group): p.people for p in SchoolPopulation.objects.all()
    }
    assert populations == {("12345678", "elever"): 2, ("87654321", "personal"): 1, ("87654321", "elever"): 1}
    assert "4 poster" in out


def test_a_sign_in_file_is_deleted_by_nobody_but_its_owner(tmp_path, kahoot):
    # The command reads a file the administrator owns and leaves it; uploads are deleted by the page.
    path = _sign_ins(tmp_path)
    copy = tmp_path / "kept.jsonl"
    shutil.copy(path, copy)
    _run(copy, "--source", "entra-signins")
    assert copy.exists()
