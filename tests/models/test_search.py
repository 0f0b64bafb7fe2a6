"""Swedish free-text search finds "Östra skolan" from "ÖSTRA" on SQLite as on PostgreSQL."""

import pytest
from django.urls import reverse

from gdpr.filters import ProcessingActivityFilterSet
from gdpr.models import ProcessingActivity
from portfolio.filters import ApplicationFilterSet, OrganisationFilterSet
from portfolio.models import Application, Organisation
from portfolio.text import fold
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_fold_is_case_insensitive_for_swedish_letters_and_keeps_them_distinct():
    assert fold("ÖSTRA  Skolan") == fold("östra skolan") == "östra skolan"
    assert fold("Åsa") != fold("Asa")


def test_filterset_search_finds_swedish_names_whatever_the_case():
    school = f.SchoolUnitFactory(name="Östra skolan")
    f.SchoolUnitFactory(name="Västra skolan")
    for query in ("ÖSTRA", "östra", "Östra SKOLAN"):
        found = OrganisationFilterSet({"q": query}, queryset=Organisation.objects.all()).qs
        assert list(found) == [school], query


def test_filterset_search_needs_every_word_and_searches_aliases():
    application = f.ApplicationFactory(name="Skolportalen", aliases="Vårdnadshavarwebben\nÄLVA")
    f.ApplicationFactory(name="Elevhälsan")
    assert list(ApplicationFilterSet({"q": "älva"}, queryset=Application.objects.all()).qs) == [application]
    assert list(
        ApplicationFilterSet({"q": "VÅRDNADSHAVARWEBBEN"}, queryset=Application.objects.all()).qs
    ) == [application]
    assert not ApplicationFilterSet({"q": "älva elevhälsan"}, queryset=Application.objects.all()).qs.exists()


def test_processing_activity_search_reads_name_and_purpose():
    activity = f.ProcessingActivityFactory(name="Elevhälsojournal", purposes="Dokumentation i ÖGONHÄLSA")
    f.ProcessingActivityFactory(name="Närvaro")
    for query in ("ELEVHÄLSOJOURNAL", "ögonhälsa"):
        found = ProcessingActivityFilterSet({"q": query}, queryset=ProcessingActivity.objects.all()).qs
        assert list(found) == [activity], query


def test_admin_search_folds_the_term_like_the_stored_column(admin_client):
    school = f.SchoolUnitFactory(name="Östra skolan")
    f.SchoolUnitFactory(name="Västra skolan")
    response = admin_client.get(reverse("admin:portfolio_organisation_changelist"), {"q": "ÖSTRA"})
    assert list(response.context["cl"].result_list) == [school]


def test_admin_search_of_a_link_model_searches_both_ends(admin_client):
    role = f.RoleAssignmentFactory(person=f.PersonFactory(name="Örjan Åberg"))
    f.RoleAssignmentFactory(person=f.PersonFactory(name="Karin Berg"))
    response = admin_client.get(reverse("admin:portfolio_roleassignment_changelist"), {"q": "ÅBERG"})
    assert list(response.context["cl"].result_list) == [role]


def test_admin_autocomplete_finds_swedish_names(admin_client):
    vendor = f.VendorFactory(name="Ölands Skoldata AB")
    f.VendorFactory(name="Annan AB")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "ÖLANDS", "app_label": "portfolio", "model_name": "application", "field_name": "vendor"},
    )
    assert [row["id"] for row in response.json()["results"]] == [str(vendor.pk)]
