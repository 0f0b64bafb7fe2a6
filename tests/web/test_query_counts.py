"""Every list, detail page and the dashboard read a fixed number of queries, whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.views import REGISTERS
from tests.web.conftest import build_landscape

pytestmark = pytest.mark.django_db

MODELS = [model._meta.model_name for _prefix, model, *_rest in REGISTERS]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


ANALYSIS_PAGES = ["duplicates", "standardisation", "sso_coverage", "pm3_gaps", "equity"]


def page_urls(made: dict) -> list[str]:
    urls = [reverse("dashboard"), *(reverse(f"analysis:{name}") for name in ANALYSIS_PAGES)]
    for name in MODELS:
        urls.append(reverse(f"portfolio:{name}_list"))
        urls.append(reverse(f"portfolio:{name}_detail", args=[made[name].pk]))
    return urls


def counts_once_computed(client, urls: list[str]) -> dict[str, int]:
    """Queries of each page once the analyses of this state of the register are computed.

    The first page after a change computes them (and the month-end completeness figures, which
    are kept once computed), so both sizes are measured after one render; the render that
    recomputes is counted at two sizes in test_dashboard_refresh.py.
    """
    for url in urls:
        client.get(url)
    return {url: count_queries(client, url) for url in urls}


def test_pages_read_the_same_number_of_queries_at_two_sizes(client, strategist):
    client.force_login(strategist)
    small = build_landscape(2)
    # Every detail page shows one record; give the records of the large run the same relations.
    first = counts_once_computed(client, page_urls(small))
    build_landscape(12)
    second = counts_once_computed(client, page_urls(small))
    grown = {url: (first[url], second[url]) for url in first if first[url] != second[url]}
    assert grown == {}
    pages = {url: n for url, n in second.items() if "/analys/" not in url and url != reverse("dashboard")}
    assert max(pages.values()) <= 30, pages


def test_a_detail_page_with_many_related_rows_reads_no_more_queries(client, strategist):
    from portfolio.models import ServiceUsage
    from tests.factories import CostFactory, RoleAssignmentFactory, SchoolUnitFactory

    client.force_login(strategist)
    application = build_landscape(1)["application"]
    url = reverse("portfolio:application_detail", args=[application.pk])
    before = count_queries(client, url)
    for _ in range(8):
        ServiceUsage.objects.create(service=application, organisation=SchoolUnitFactory(), users=3)
        CostFactory(application=application)
        RoleAssignmentFactory(application=application)
    application.name = "Nytt namn"
    application.save()
    assert count_queries(client, url) == before
