"""Every page carries a Content-Security-Policy that allows this origin only, and no page needs more.

The browser side (GraphiQL and the pages running without a single violation) is in
``tests/e2e/test_content_security_policy.py``; here the header itself and the templates.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
#: A <script> without src that a browser would run (JSON data blocks are not run).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"\b(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("url", ["/", "/graphql/", "/admin/", "/system/", "/konto/logga-in/"])
def test_every_page_allows_scripts_styles_and_requests_from_this_origin_only(client, it_user, url):
    it_user.is_staff = True
    it_user.save()
    client.force_login(it_user)
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, url
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    for name in ("script-src", "style-src", "connect-src"):
        assert directives[name] == ["'self'"], name
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert not re.search(r"(?:^|\s)(?:\*|https?:)", header)  # no other host, no wildcard


def test_graphiql_page_loads_every_script_and_style_from_a_file(client, it_user):
    client.force_login(it_user)
    page = client.get(reverse("graphql"), HTTP_ACCEPT="text/html").content.decode()
    assert "graphiql.min.js" in page
    assert not INLINE_SCRIPT.search(page) and not INLINE_STYLE.search(page)


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL],
                         ids=["script", "style", "event-handler", "javascript-url"])
def test_no_template_has_inline_script_style_or_event_handler(pattern):
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
