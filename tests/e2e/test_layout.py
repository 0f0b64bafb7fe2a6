"""Layout at laptop widths on the demo register: no page scrolls sideways, no analysis page is endless.

Wide tables scroll inside their own box (``.table-wrap``, the equity heat map), so the page itself
never gets wider than the window, whatever the names and however many columns. The demo at scale 1
(300 systems, 150 learning resources, ~50 schools) is seeded once per test: it is the register a
new user meets, and the hard case for widths (long names, 50 matrix columns).
"""

from django.core.management import call_command

from accounts.roles import Role
from tests.e2e.conftest import login, screenshot

WIDTHS = (1280, 1440)
#: Pages every role with read access meets; the strateg sees all of them.
PAGES = [
    "/",
    "/system/",
    "/larresurser/",
    "/analys/likvardighet/",
    "/analys/standardisering/",
    "/analys/dubbletter/",
    "/analys/inloggning/",
    "/analys/pm3/",
    "/upptackt/",
    "/upptackt/applikationer/",
    "/upptackt/applikationer/?grupp=alla",
]
GDPR_PAGES = ["/dataskydd/behandlingar/ny/", "/dataskydd/brister/", "/dataskydd/behandlingar/"]
ANALYSIS_PAGES = [p for p in PAGES if p.startswith("/analys/")]
#: About nine screens at 1440 × 900: past that a page needs paging or folding, not more scrolling.
MAX_ANALYSIS_HEIGHT = 8_000


def _size(page) -> tuple[int, int]:
    root = "document.documentElement"
    return tuple(page.evaluate(f"[{root}.scrollWidth, {root}.scrollHeight]"))


def _seed() -> None:
    call_command("seed_demo", verbosity=0)


def test_no_page_is_wider_than_the_window_at_1280_and_1440_px(page, e2e_user):
    _seed()
    too_wide = []
    for role, urls in ((Role.STRATEGIST, PAGES), (Role.DATA_PROTECTION, GDPR_PAGES)):
        page.context.clear_cookies()
        login(page, e2e_user(role))
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                response = page.goto(url)
                assert response.ok, (url, response.status)
                scroll_width, _height = _size(page)
                if scroll_width > width:
                    too_wide.append((url, width, scroll_width))
                    screenshot(page, f"too-wide-{width}-{url.strip('/').replace('/', '-') or 'dashboard'}")
    assert too_wide == []


def test_the_equity_heat_map_scrolls_inside_its_box_with_school_names_in_view(page, e2e_user):
    _seed()
    login(page, e2e_user(Role.READER))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/analys/likvardighet/")
    box = page.locator(".heatmap-wrap")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # 50 columns do not fit: the box scrolls
    first_school = page.locator(".heatmap tbody th").first
    left_before = first_school.bounding_box()["x"]
    box.evaluate("e => { e.scrollLeft = 600; }")
    assert abs(first_school.bounding_box()["x"] - left_before) < 1  # the row heads are sticky
    head = page.locator(".heatmap thead th.heatmap__col").first
    full_name = head.get_attribute("title")
    assert full_name and head.locator(".visually-hidden").inner_text() == full_name  # hover and reader
    assert _size(page)[0] <= 1440


def test_no_analysis_page_of_the_demo_is_taller_than_about_nine_screens(page, e2e_user):
    _seed()
    login(page, e2e_user(Role.STRATEGIST))
    page.set_viewport_size({"width": 1440, "height": 900})
    too_tall = []
    for url in ANALYSIS_PAGES:
        page.goto(url)
        _width, height = _size(page)
        if height > MAX_ANALYSIS_HEIGHT:
            too_tall.append((url, height))
    assert too_tall == []
