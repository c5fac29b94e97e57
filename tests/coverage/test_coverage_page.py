"""The planners' page /coverage/ in real headless Chromium: Thai and English, no errors, nothing from outside."""
import pytest
import requests
from playwright.sync_api import sync_playwright

from gis_service.coverage.models import CoverageJob, CoverageResult

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# A radius no other test uses, so this test's committed jobs and results can be removed by it.
RADIUS_M = 1100


@pytest.fixture
def cleanup_committed(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        CoverageJob.objects.filter(params__radius_m=float(RADIUS_M)).delete()
        CoverageResult.objects.filter(params__radius_m=float(RADIUS_M)).delete()


def open_page(browser, url: str, problems: list[str], base: str):
    page = browser.new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"outside request: {r.url}")
            if not r.url.startswith((base, "data:")) else None)
    page.goto(url)
    # The first visit computes the national measurement as a job; the page polls and reloads itself.
    page.wait_for_selector("#least-covered tbody tr", timeout=120_000)
    page.wait_for_selector(".leaflet-container path.leaflet-interactive", timeout=30_000)
    return page


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db
def test_planners_page_shows_map_table_and_downloads_in_thai_and_english(live_service, cleanup_committed):
    url = f"{live_service}/coverage/?area=TH90&level=subdistrict&radius_m={RADIUS_M}&population=region12_under5"
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = open_page(browser, url + "&lang=en", problems, live_service)
            assert page.locator("h1").inner_text() == "Coverage for planners"
            rows = page.locator("#least-covered tbody tr")
            assert rows.count() == 20
            assert page.locator(".leaflet-container path.leaflet-interactive").count() > 100
            assert page.locator(".legend svg, svg.legend, #legend").count() >= 1  # folium's d3 colour legend
            assert page.locator(".leaflet-control-layers").count() == 1
            first_share = rows.nth(0).locator("td").nth(6).inner_text()
            assert first_share.endswith("%")

            csv_link = page.locator("#downloads a").first.get_attribute("href")
            csv = requests.get(live_service + csv_link, timeout=60)
            assert csv.status_code == 200 and csv.text.startswith("code,name_th,name_en")
            assert len(csv.text.strip().splitlines()) == 1 + 127  # Songkhla's 127 subdistricts

            thai = open_page(browser, url + "&lang=th", problems, live_service)
            assert thai.locator("h1").inner_text() == "การวิเคราะห์ความครอบคลุมสำหรับนักวางแผน"
            assert "ประชากร" in thai.locator("#least-covered thead").inner_text()
            assert thai.locator("html").get_attribute("lang") == "th"
        finally:
            browser.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db
def test_planners_page_explains_bad_input(live_service):
    response = requests.get(f"{live_service}/coverage/?radius_m=-3", timeout=30)
    assert response.status_code == 400
    assert "radius_m must be" in response.text
