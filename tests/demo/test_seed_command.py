"""The ``seed_demo`` command: builds the demo, reports counts, and leaves a populated register alone."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from gdpr.models import ProcessingActivity
from portfolio.models import Application
from tests.factories import ApplicationFactory, UserFactory


@pytest.mark.django_db
def test_seed_demo_builds_the_municipality_and_prints_counts():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Application.objects.count() == 300
    assert "portfolio.Application" in out.getvalue()
    assert "Mittköpings kommun" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_if_empty_skips_a_register_that_has_systems():
    ApplicationFactory(name="Befintligt system")
    out = StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert list(Application.objects.values_list("name", flat=True)) == ["Befintligt system"]
    assert "--if-empty" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_if_empty_builds_an_empty_register():
    call_command("seed_demo", if_empty=True, stdout=StringIO())
    assert Application.objects.count() == 300


@pytest.mark.django_db
def test_seed_demo_refuses_to_build_the_municipality_twice():
    call_command("seed_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="finns redan"):
        call_command("seed_demo", seed=2, stdout=StringIO())
    assert Application.objects.count() == 300


@pytest.mark.django_db
def test_seed_demo_records_the_named_user_in_history():
    user = UserFactory(username="seeder")
    call_command("seed_demo", user="seeder", verbosity=0, stdout=StringIO())
    assert Application.history.filter(history_user=user).count() == 300
    with pytest.raises(CommandError, match="finns inte"):
        call_command("seed_demo", user="ingen-sadan", stdout=StringIO())


def test_seed_demo_help_documents_the_planted_defects(capsys):
    with pytest.raises(SystemExit):
        call_command("seed_demo", "--help")
    text = capsys.readouterr().out
    for phrase in (
        "Planterade brister",
        "utan rättslig grund",
        "single sign-on",
        "objektägare",
        "PUB-avtal",
        "Samma --seed ger samma data",
        "--scale",
    ):
        assert phrase in text


@pytest.mark.django_db
def test_seed_demo_records_the_demo_dataskyddssamordnare_as_reviewer():
    call_command("seed_demo", stdout=StringIO())
    reviewed = ProcessingActivity.objects.filter(last_reviewed_on__isnull=False)
    assert set(reviewed.values_list("last_reviewed_by__username", flat=True)) == {"dataskydd"}
    call_command("create_demo_users", force=True, stdout=StringIO())  # its password and role now
    reviewer = get_user_model().objects.get(username="dataskydd")
    assert reviewer.check_password("demo-dataskydd-2026")
    assert reviewer.groups.filter(name="Dataskyddssamordnare").exists()
