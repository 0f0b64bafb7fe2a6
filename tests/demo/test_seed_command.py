"""The ``seed_demo`` command: builds the demo, reports counts, and leaves a populated register alone."""

from io import StringIO

import pytest
from django.core.management import call_command

from portfolio.models import Application
from tests.factories import ApplicationFactory


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
