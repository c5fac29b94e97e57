"""The public web map in real headless Chromium: local assets, tiles drawn, popups, search, Thai and English."""
from contextlib import contextmanager

import pytest
from django.db import connection
from playwright.sync_api import sync_playwright

from gis_service.programmes.registry import PROGRAMMES
from tests.conftest import ARTIFACTS

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 412, "height": 860}

pytestmark = pytest.mark.browser


@contextmanager
def chromium():
    """Headless Chromium; start it after any database work (Playwright runs an event loop in the thread)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class WatchedPage:
    """A page that records console errors, failed requests and the tiles it received."""

    def __init__(self, browser, base_url: str, viewport=PHONE):
        self.page = browser.new_page(viewport=viewport)
        self.base_url = base_url
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.tiles: list[tuple[int, str]] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", lambda request: self.failed.append(f"{request.failure} {request.url}"))
        self.page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")
        if "/tiles/" in response.url:
            self.tiles.append((response.status, response.url))
        if not response.url.startswith(self.base_url) and not response.url.startswith("data:"):
            self.failed.append(f"left the server: {response.url}")

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_function("window.publicMap !== undefined")
        self.wait_for_drawing()

    def wait_for_drawing(self) -> None:
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function("document.querySelectorAll('.leaflet-tile-pane svg path').length > 0")

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.failed == [], self.failed


def isolated_published_well() -> tuple[str, str, float, float]:
    """A published well with no other programme site within 300 m, so a click can only hit it."""
    others = " UNION ALL ".join(
        f"SELECT id, geom, '{p.id}' AS layer FROM {p.model._meta.db_table}" for p in PROGRAMMES
    )
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT w.code, w.name_en, ST_X(w.geom), ST_Y(w.geom) FROM programmes_groundwaterbank w
            WHERE w.published AND NOT EXISTS (
              SELECT 1 FROM ({others}) o
              WHERE NOT (o.layer = 'groundwater_banks' AND o.id = w.id)
                AND ST_DWithin(o.geom::geography, w.geom::geography, 300))
            ORDER BY w.code LIMIT 1""")
        return cursor.fetchone()


def test_the_map_loads_local_assets_draws_tiles_and_opens_the_right_popup(live_service, django_db_blocker):
    with django_db_blocker.unblock():
        code, name_en, lon, lat = isolated_published_well()
    with chromium() as browser:
        check_map_and_popup(WatchedPage(browser, live_service), code, name_en, lon, lat)


def check_map_and_popup(watched: "WatchedPage", code: str, name_en: str, lon: float, lat: float) -> None:
    watched.open("/map/?lang=en")
    assert any(status == 200 and ".mvt?v=" in url for status, url in watched.tiles)
    # Every programme has a layer in the layer switcher, and the legend names them.
    legend = watched.page.inner_text(".pm-legend")
    for title in ("Groundwater banks", "Environment-friendly local roads", "Brain-building playgrounds",
                  "E-waste collection points"):
        assert title in legend
    assert watched.page.locator(".leaflet-control-layers-overlays label").count() == len(PROGRAMMES)
    ARTIFACTS.mkdir(exist_ok=True)
    watched.page.screenshot(path=str(ARTIFACTS / "map_public_national.png"))

    watched.page.evaluate(f"publicMap.map.setView([{lat}, {lon}], 15, {{animate: false}})")
    watched.wait_for_drawing()
    watched.page.wait_for_timeout(300)
    point = watched.page.evaluate(f"publicMap.map.latLngToContainerPoint([{lat}, {lon}])")
    watched.page.mouse.click(point["x"], point["y"])
    popup = watched.page.locator(f".pm-popup[data-code='{code}']")
    popup.wait_for(timeout=15000)
    text = popup.inner_text()
    assert name_en in text and code in text and "Groundwater banks" in text
    watched.page.screenshot(path=str(ARTIFACTS / "map_public_popup.png"))
    watched.assert_clean()


def test_a_merged_cell_zooms_in_instead_of_opening_a_popup(live_service):
    with chromium() as browser:
        watched = WatchedPage(browser, live_service)
        watched.open("/map/?lang=en")
        zoom_before = watched.page.evaluate("publicMap.map.getZoom()")
        # The largest merged cell of wells drawn on the screen.
        box = watched.page.evaluate("""() => {
            const paths = [...document.querySelectorAll('.leaflet-tile-pane svg path.leaflet-interactive')]
              .filter(p => p.getAttribute('fill') === '#1f78b4');
            const sized = paths.map(p => p.getBoundingClientRect())
                .filter(r => r.width > 0 && r.top > 150 && r.top < 600);
            sized.sort((a, b) => b.width - a.width);
            return {x: sized[0].x + sized[0].width / 2, y: sized[0].y + sized[0].height / 2};
        }""")
        # Other programmes may lie over it: show only the wells for this click.
        watched.page.evaluate("""for (const id of Object.keys(publicMap.layers))
                                   if (id !== 'groundwater_banks') publicMap.map.removeLayer(publicMap.layers[id]);""")
        watched.page.mouse.click(box["x"], box["y"])
        watched.page.wait_for_function(f"publicMap.map.getZoom() > {zoom_before}")
        assert watched.page.locator(".pm-popup").count() == 0
        watched.assert_clean()


def test_search_finds_a_province_in_thai_and_moves_the_map_there(live_service):
    with chromium() as browser:
        watched = WatchedPage(browser, live_service)
        watched.open("/map/?lang=th")
        assert watched.page.evaluate("document.documentElement.lang") == "th"
        assert "ธนาคารน้ำใต้ดิน" in watched.page.inner_text(".pm-legend")
        watched.page.fill(".pm-search input", "เชียงใหม่")
        hit = watched.page.locator(".pm-search-hit").first
        hit.wait_for()
        assert "เชียงใหม่" in hit.inner_text() and "Chiang Mai" in hit.inner_text()
        hit.click()
        watched.page.wait_for_timeout(500)
        centre = watched.page.evaluate("publicMap.map.getCenter()")
        # Chiang Mai province lies between about 17.2 and 20.2 N, 97.9 and 99.6 E.
        assert 17.0 < centre["lat"] < 20.4 and 97.7 < centre["lng"] < 99.8
        watched.wait_for_drawing()
        watched.page.screenshot(path=str(ARTIFACTS / "map_public_search_th.png"))
        watched.assert_clean()


def test_search_in_english_finds_districts_and_says_when_nothing_matches(live_service):
    with chromium() as browser:
        watched = WatchedPage(browser, live_service, viewport={"width": 1280, "height": 800})
        watched.open("/map/")
        watched.page.fill(".pm-search input", "mueang chiang")
        hits = watched.page.locator(".pm-search-hit")
        hits.first.wait_for()
        assert "District" in hits.first.inner_text()
        watched.page.fill(".pm-search input", "Atlantis")
        assert watched.page.inner_text(".pm-search-empty") == "No province or district of that name"
        watched.assert_clean()


@pytest.mark.django_db
def test_the_map_page_names_only_local_scripts_and_styles(client):
    html = client.get("/map/").content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/leaflet/leaflet.js" in html and "/static/maps/vendor/Leaflet.VectorGrid.bundled.min.js" in html
    places = client.get("/map/places.json").json()["places"]
    assert sum(place["kind"] == "province" for place in places) == 77
