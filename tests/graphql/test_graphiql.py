"""GraphiQL is served from the app's own static files: nothing loads from another host."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_graphiql_page_loads_every_script_and_style_from_our_own_static_files(client, reader):
    client.force_login(reader)
    page = client.get("/graphql/", HTTP_ACCEPT="text/html").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert len(sources) >= 5  # css, react, react-dom, graphiql, our start script
    for source in sources:
        assert source.startswith(settings.STATIC_URL) or source.startswith("/" + settings.STATIC_URL), source
        assert "//" not in source
        path = source.split(settings.STATIC_URL, 1)[1]
        assert finders.find(path), f"{path} is not among the static files (run make install)"
    assert "cdn" not in page.lower() and "https://" not in page


def test_vendored_graphiql_files_do_not_fetch_from_a_cdn_at_run_time():
    """The copied UMD builds must not themselves load anything from unpkg/jsdelivr."""
    for name in ("graphiql.min.js", "react.production.min.js", "react-dom.production.min.js"):
        found = finders.find(f"vendor/graphiql/{name}")
        assert found, f"vendor/graphiql/{name} missing: run make install"
        text = Path(found).read_text(errors="ignore")
        assert "cdn.jsdelivr.net" not in text and "unpkg.com" not in text
