"""Accessibility basics on every page of the web UI (WCAG 2.1 AA): language, skip link, one h1,
headings in order, a label for every field, alt text on images, names on SVG charts."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from portfolio.views import REGISTERS

pytestmark = pytest.mark.django_db

ANALYSIS_PAGES = ["duplicates", "standardisation", "sso_coverage", "pm3_gaps", "equity"]


class Page(HTMLParser):
    """Collects what the checks need in one pass over the HTML."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.headings: list[int] = []
        self.fields: list[dict] = []
        self.label_for: set[str] = set()
        self.images_without_alt: list[dict] = []
        self.unnamed_svgs = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        elif tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"])
        elif tag in {"input", "select", "textarea"}:
            if attributes.get("type") not in {"hidden", "submit", "button"}:
                self.fields.append(attributes)
        elif tag == "img" and "alt" not in attributes:
            self.images_without_alt.append(attributes)
        elif tag == "svg" and attributes.get("role") == "img" and not attributes.get("aria-labelledby"):
            self.unnamed_svgs += 1
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def check(content: str) -> list[str]:
    page = Page()
    page.feed(content)
    problems = []
    if not page.lang:
        problems.append("no lang on <html>")
    if "#main" not in page.links:
        problems.append("no skip link to #main")
    if page.headings.count(1) != 1:
        problems.append(f"{page.headings.count(1)} h1 headings")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level jumps from h{before} to h{after}")
    for field in page.fields:
        if field.get("id") not in page.label_for and not field.get("aria-label"):
            problems.append(f"field without label: {field.get('name')}")
    if page.images_without_alt:
        problems.append(f"images without alt: {page.images_without_alt}")
    if page.unnamed_svgs:
        problems.append(f"{page.unnamed_svgs} charts without a name")
    return problems


def test_every_page_meets_the_accessibility_basics(client, strategist, landscape):
    client.force_login(strategist)
    urls = [reverse("dashboard"), *(reverse(f"analysis:{name}") for name in ANALYSIS_PAGES)]
    for _prefix, model, *_rest in REGISTERS:
        name = model._meta.model_name
        pk = landscape[name].pk
        urls += [
            reverse(f"portfolio:{name}_list"),
            reverse(f"portfolio:{name}_detail", args=[pk]),
            reverse(f"portfolio:{name}_edit", args=[pk]),
        ]
    problems = {}
    for url in urls:
        found = check(client.get(url).content.decode())
        if found:
            problems[url] = found
    assert problems == {}


def test_login_page_meets_the_accessibility_basics(client):
    assert check(client.get(reverse("login")).content.decode()) == []


def test_menu_marks_the_section_of_the_current_page(client, reader, landscape):
    client.force_login(reader)
    url = reverse("portfolio:application_detail", args=[landscape["application"].pk])
    content = client.get(url).content.decode()
    assert f'<a href="{reverse("portfolio:application_list")}" aria-current="true">' in content
    assert content.count('aria-current="true"') == 1
