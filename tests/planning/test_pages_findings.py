""" "Lägg till i färdplan" on every finding page: shown to those who may add the action, absent
for the others, and leading to the action form prefilled with the finding."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _AddToPlan(HTMLParser):
    """The hrefs of the page's "Lägg till i färdplan" links."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "add-to-plan" in (attrs.get("class") or "").split():
            self.hrefs.append(attrs["href"])


def _hrefs(content: bytes) -> list[str]:
    parser = _AddToPlan()
    parser.feed(content.decode())
    return parser.hrefs


def _add_links(client, user, url) -> list[dict[str, list[str]]]:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return [parse_qs(urlparse(href).query) for href in _hrefs(response.content)]


@pytest.mark.parametrize(
    ("page", "kind", "finding_kind"),
    [
        ("analysis:duplicates", "replace", "duplicate_cluster"),
        ("analysis:standardisation", "replace", "standardisation"),
        ("analysis:sso_coverage", "move_behind_sso", "outside_sso"),
        ("analysis:equity", "introduce", "equity_hole"),
    ],
)
def test_the_strategist_can_add_each_analysis_finding_to_a_plan(
    client, demo, strategist, reader, page, kind, finding_kind
):
    links = _add_links(client, strategist, reverse(page))
    assert links, f"no 'Lägg till i färdplan' on {page}"
    first = links[0]
    assert first["kind"] == [kind] and first["finding_kind"] == [finding_kind]
    assert first["finding_label"][0] and first["finding_ref"][0]
    if kind != "introduce":
        assert first["service"][0].isdigit()
    assert _add_links(client, reader, reverse(page)) == []


def test_every_gdpr_gap_goes_to_a_plan_as_the_coordinators_action(
    client, demo, data_protection_coordinator, reader, strategist
):
    """A missing agreement or DPIA as that kind, every other gap (a legal basis, a breach report)
    as a gap fix: all of them hers, none the strateg's."""
    links = _add_links(client, data_protection_coordinator, reverse("gdpr:gap_list"))
    kinds = {link["kind"][0] for link in links}
    assert kinds == {"dpia", "processor_agreement", "fix_gdpr_gap"}
    assert _add_links(client, strategist, reverse("gdpr:gap_list")) == []
    assert all(link["finding_kind"] == ["gdpr_gap"] for link in links)
    assert _add_links(client, reader, reverse("gdpr:gap_list")) == []


def test_the_prefilled_link_opens_the_action_form_with_the_finding(client, demo, strategist):
    client.force_login(strategist)
    response = client.get(_hrefs(client.get(reverse("analysis:standardisation")).content)[0])
    assert response.status_code == 200
    form = response.context["form"]
    assert form["kind"].value() == "replace" and form["service"].value() and form["replacement"].value()
    assert "Åtgärden motiveras av:" in response.content.decode()


def test_a_services_gaps_carry_the_link_for_the_coordinator(client, demo, data_protection_coordinator):
    from gdpr.gaps import find_gaps

    finding = next(f for f in find_gaps() if f.services and f.code.startswith("DPIA_"))
    kind, pk = finding.services[0]
    from portfolio.models import Service

    links = _add_links(client, data_protection_coordinator, Service.objects.get(pk=pk).get_absolute_url())
    assert any(link["kind"] == ["dpia"] and link["service"] == [str(pk)] for link in links)
