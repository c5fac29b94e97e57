"""LAOs of the register as a map layer (OGC API collection, vector tiles) and each LAO's own page."""
import subprocess

import pytest
from django.contrib.auth.models import User

from gis_service.geography.models import LAO
from gis_service.i18n import english as english_text
from gis_service.i18n import thai
from gis_service.programmes.models import GroundwaterBank
from gis_service.programmes.registry import PROGRAMMES
from tests.conftest import ARTIFACTS
from tests.layers.tiles.tiles_helpers import decode_tile, tile_of

pytestmark = pytest.mark.django_db
CITY = "3300102"  # Nakhon Ratchasima City Municipality (เทศบาลนครนครราชสีมา)


def test_lao_offices_are_an_ogc_collection_with_type_name_and_code(client):
    body = client.get("/ogc/collections/lao_offices/items?limit=5&province=TH30", HTTP_ACCEPT="application/geo+json")
    assert body.status_code == 200, body.content
    data = body.json()
    with_office = LAO.objects.filter(province__code="TH30", office_location__isnull=False)
    assert data["numberMatched"] == with_office.count() > 200
    assert all(feature["geometry"]["type"] == "Point" for feature in data["features"])
    one = client.get(f"/ogc/collections/lao_offices/items/{CITY}", HTTP_ACCEPT="application/geo+json").json()
    assert one["id"] == CITY
    assert one["properties"]["full_name_th"] == "เทศบาลนครนครราชสีมา"
    assert one["properties"]["kind"] == "city_municipality"
    assert one["properties"]["district"] == "TH3001"
    lon, lat = one["geometry"]["coordinates"]
    assert abs(lon - 102.0857) < 0.001 and abs(lat - 14.9740) < 0.001
    queryables = client.get("/ogc/collections/lao_offices/queryables").json()["properties"]
    assert "city_municipality" in queryables["kind"]["enum"]


def test_an_lao_without_an_office_point_is_not_drawn(client):
    without = LAO.objects.filter(office_location__isnull=True).exclude(kind="bangkok").first()
    if without is None:
        pytest.skip("every LAO of these provinces has an office point")
    response = client.get(f"/ogc/collections/lao_offices/items/{without.code}", HTTP_ACCEPT="application/geo+json")
    assert response.status_code == 404


def test_lao_offices_are_in_vector_tiles(client):
    city = LAO.objects.get(code=CITY)
    z = 12
    x, y = tile_of(city.office_location.x, city.office_location.y, z)
    response = client.get(f"/tiles/lao_offices/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    features = decode_tile(response.content, z, x, y)["lao_offices"]
    mine = [f for f in features if f["code"] == CITY]
    assert mine and mine[0]["kind"] == "city_municipality" and mine[0]["full_name_th"] == "เทศบาลนครนครราชสีมา"


def test_an_lao_page_lists_its_sites_by_programme_in_thai_first(client):
    city = LAO.objects.get(code=CITY)
    page = client.get(f"/laos/{CITY}/", HTTP_ACCEPT_LANGUAGE="th")
    assert page.status_code == 200 and page["Content-Language"] == "th"
    text = page.content.decode()
    assert "<h1>เทศบาลนครนครราชสีมา</h1>" in text and "เทศบาลนคร</dd>" in text
    assert 'id="language" href="?lang=en"' in text
    counts = {programme.id: programme.model.objects.filter(lao=city, published=True).count()
              for programme in PROGRAMMES}
    assert sum(counts.values()) > 0, "the city builds sites in the dataset"
    for programme in PROGRAMMES:
        assert f"<h2>{thai(programme.title)}: {counts[programme.id]:,}</h2>" in text
        if counts[programme.id]:
            assert f"/ogc/collections/{programme.id}/items?lao={CITY}" in text
    english = client.get(f"/laos/{CITY}/?lang=en").content.decode()
    assert "Nakhon Ratchasima City Municipality" in english and "City municipality</dd>" in english
    for programme in PROGRAMMES:
        assert f"<h2>{english_text(programme.title)}: {counts[programme.id]:,}</h2>" in english
    # Years in Buddhist Era in Thai, Common Era in English.
    newest = GroundwaterBank.objects.filter(lao=city, published=True).order_by("-programme_year", "code").first()
    if newest:
        assert f'<td class="num">{newest.programme_year + 543}</td>' in text
        assert f'<td class="num">{newest.programme_year}</td>' in english


def test_an_lao_page_shows_unpublished_sites_to_planners_only(client):
    well = GroundwaterBank.objects.filter(lao__kind__in=["sao", "subdistrict_municipality"]).order_by("code").first()
    well.published = False
    well.save(update_fields=["published"])
    public = client.get(f"/laos/{well.lao.code}/?lang=en").content.decode()
    assert well.code not in public
    planner = User.objects.create_user("lao-page-planner", password="x-Very-long-42")
    from django.contrib.auth.models import Group
    planner.groups.add(Group.objects.get(name="planner"))
    client.force_login(planner)
    assert well.code in client.get(f"/laos/{well.lao.code}/?lang=en").content.decode()


def test_an_unknown_lao_page_is_404(client):
    assert client.get("/laos/0000000/").status_code == 404


@pytest.mark.browser
def test_ogrinfo_reads_the_lao_offices(live_service):
    result = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{live_service}/ogc/collections/lao_offices", "-al"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "full_name_th" in result.stdout and "Point" in result.stdout
    assert f"Feature Count: {LAO.objects.filter(office_location__isnull=False).count()}" in result.stdout


@pytest.mark.browser
def test_lao_page_screenshots_in_both_languages_on_desktop_and_phone(live_service):
    from tests.maps.test_map_public import PHONE, chromium

    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
            for lang in ("th", "en"):
                page = browser.new_page(viewport=viewport, locale="th-TH" if lang == "th" else "en-GB")
                errors = []
                page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                page.goto(f"{live_service}/laos/{CITY}/?lang={lang}")
                assert page.locator("#lao-code").inner_text() == CITY
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"] + 1, "nothing runs off the page sideways"
                page.screenshot(path=str(ARTIFACTS / f"lao_page_{name}_{lang}.png"), full_page=name == "desktop")
                assert errors == []
                page.close()
        # The office's coordinates open the public map there.
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_service}/laos/{CITY}/?lang=th")
        page.locator("a[href^='/map/']", has_text="102.08").click()
        page.wait_for_function("Object.values(window).some(v => window.L && v instanceof L.Map)")
        centre = page.evaluate("(() => { const m = Object.values(window).find(v => v instanceof L.Map);"
                               " const c = m.getCenter(); return [c.lng, c.lat, m.getZoom()]; })()")
        assert abs(centre[0] - 102.08575) < 0.001 and abs(centre[1] - 14.97401) < 0.001 and centre[2] == 12
        assert page.locator(".pm-asked-place").count() == 1, "the office is marked"
        page.wait_for_timeout(2000)  # tiles drawn before the picture
        page.screenshot(path=str(ARTIFACTS / "lao_page_office_on_map.png"))
        page.close()


def test_the_admin_finds_an_lao_as_a_planners_sheet_writes_it(client):
    admin_user = User.objects.create_superuser("lao-admin-search", "a@example.org", "x-Very-long-42")
    client.force_login(admin_user)
    page = client.get("/admin/geography/lao/", {"q": "ทน. นครราชสีมา"}).content.decode()
    assert f"/admin/geography/lao/{LAO.objects.get(code=CITY).pk}/change/" in page
    assert "1 result" in page, "the city municipality alone, not every LAO named นครราชสีมา"
    change = client.get(f"/admin/geography/lao/{LAO.objects.get(code=CITY).pk}/change/").content.decode()
    assert 'href="/admin/r/' in change, "view on site: the LAO's page"
