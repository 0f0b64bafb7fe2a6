"""Every role sees only the actions it may take: no link or button on its pages leads to a 403.

A Läsare that meets "Åtgärda", "Ändra" or "Lägg till" and gets "Du saknar behörighet" has been
shown a door that is locked for them. The test walks the pages each role reaches from the menu,
follows every link on them once (GET), and fails on any that answers 403.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from accounts.roles import Role
from gdpr.models import ProcessingActivity
from tests.factories import ProcessingActivityFactory, UserFactory
from tests.web.conftest import build_landscape

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\s[^>]*href="([^"#]+)[^"]*"')
SKIP = ("/admin/", "/konto/", "/i18n/", "/static/", "/graphql/")


def _links(page: str, base: str) -> set[str]:
    links = set()
    for href in HREF.findall(page):
        href = href.replace("&amp;", "&")
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
            continue
        links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


@pytest.mark.parametrize("role", [Role.READER, Role.IT, Role.DATA_PROTECTION, Role.STRATEGIST])
def test_no_link_a_role_is_shown_leads_to_a_403(client, role):
    made = build_landscape(1)
    # A gap whose fix is an edit form: the activity lacks its retention decision.
    incomplete = ProcessingActivityFactory(name="Ofullständig behandling", retention_decision="")
    incomplete.service_links.create(service=made["application"])
    user = UserFactory(username=f"links-{role[:4].lower()}", role=role)
    client.force_login(user)
    start = {"/", reverse("gdpr:gap_list"), reverse("analysis:pm3_gaps"), reverse("stewardship:round_list")}
    start |= {f"/{kind}/" for kind in ("system", "larresurser", "avtal", "leverantorer")}
    start.add(reverse("portfolio:application_detail", args=[made["application"].pk]))
    start.add(reverse("gdpr:activity_detail", args=[incomplete.pk]))
    other = ProcessingActivity.objects.exclude(pk=incomplete.pk).first()
    start.add(reverse("gdpr:activity_detail", args=[other.pk]))
    seen: dict[str, int] = {}
    for url in sorted(start):
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode(), url):
            if link not in seen:
                seen[link] = client.get(link).status_code
    locked = sorted(url for url, status in seen.items() if status == 403)
    assert locked == [], f"{role} is shown links to pages it may not open"
    if role == Role.DATA_PROTECTION:  # the one who fixes it is still shown the way
        assert any("/andra/" in url and seen[url] == 200 for url in seen)
