"""Hostile stored text is shown escaped and neutralised in exports; no asset comes from elsewhere."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory, VendorFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
FORMULAS = ['=HYPERLINK("http://evil.example","klicka")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
#: src/href of script, link and img that leave the site: a scheme or a protocol-relative URL.
EXTERNAL_ASSET = re.compile(
    r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE
)


def test_stored_script_is_shown_escaped_on_list_and_detail(client, reader):
    application = ApplicationFactory(name=SCRIPT, description=SCRIPT, vendor=VendorFactory(name=SCRIPT))
    client.force_login(reader)
    for url in (
        reverse("portfolio:application_list"),
        reverse("portfolio:application_detail", args=[application.pk]),
        reverse("portfolio:vendor_list"),
    ):
        content = client.get(url).content.decode()
        assert SCRIPT not in content, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content, url


def test_excel_export_neutralises_formulas(client, reader):
    for text in FORMULAS:
        ApplicationFactory(name=text)
    client.force_login(reader)
    response = client.get(reverse("portfolio:application_export"), {"ordering": "name"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted("'" + text for text in FORMULAS)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_security_headers_are_set(client, reader):
    client.force_login(reader)
    response = client.get(reverse("dashboard"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_protected(client, reader):
    credentials = {"username": reader.username, "password": "correct-horse-battery"}
    response = client.post(reverse("login"), credentials)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_login_page_refuses_a_post_without_csrf_token(reader):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": reader.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 403


def test_no_template_loads_a_script_style_or_image_from_another_host():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        for match in EXTERNAL_ASSET.finditer(template.read_text(encoding="utf-8")):
            offenders.append((str(template.relative_to(TEMPLATES)), match.group(0)))
    assert offenders == []


def test_no_rendered_page_loads_a_script_style_or_image_from_another_host(client, strategist, landscape):
    from portfolio.views import REGISTERS

    client.force_login(strategist)
    urls = [reverse("dashboard"), reverse("login")]
    for _prefix, model, *_rest in REGISTERS:
        name = model._meta.model_name
        urls.append(reverse(f"portfolio:{name}_list"))
        urls.append(reverse(f"portfolio:{name}_detail", args=[landscape[name].pk]))
    offenders = []
    for url in urls:
        content = client.get(url).content.decode()
        offenders += [(url, m.group(0)) for m in EXTERNAL_ASSET.finditer(content)]
    assert offenders == []
