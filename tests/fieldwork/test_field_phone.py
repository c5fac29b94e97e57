"""The phone page in real headless Chromium: register a well, go offline, register another, come back online."""
import uuid

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from gis_service.fieldwork.models import Submission
from tests.conftest import ARTIFACTS
from tests.fieldwork.test_field_support import make_officer, make_reviewer, remove_user_data, spot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "field-Very-long-42"


@pytest.fixture
def people(django_db_blocker):
    """A field officer and a reviewer, committed so the live server sees them; removed afterwards."""
    suffix = uuid.uuid4().hex[:6]
    names = [f"phone-officer-{suffix}", f"phone-reviewer-{suffix}"]
    with django_db_blocker.unblock():
        officer, _ = make_officer(names[0])
        reviewer, reviewer_token = make_reviewer(names[1], "TH30")
    yield {"officer": officer, "reviewer": reviewer, "reviewer_token": reviewer_token}
    with django_db_blocker.unblock():
        remove_user_data(names)


def geolocation(step: int, accuracy_m: float = 8.0) -> dict:
    lon, lat = spot(step)
    return {"longitude": lon, "latitude": lat, "accuracy": accuracy_m}


def register_well(page, name: str) -> None:
    page.fill("#attributes input[name=name_th]", name)
    page.fill("#attributes input[name=programme_year]", "2024")
    page.select_option("#attributes select[name=status]", "operational")
    expect(page.locator("#send")).to_be_enabled()
    page.click("#send")


def test_phone_registers_online_and_offline_and_each_arrives_once(live_service, people, django_db_blocker):
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="th-TH",
            geolocation=geolocation(40), permissions=["geolocation"],
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{live_service}/field/")
        expect(page.locator("h1")).to_have_text("ลงทะเบียนภาคสนาม")

        page.fill("#signin-form input[name=username]", people["officer"].username)
        page.fill("#signin-form input[name=password]", PASSWORD)
        page.click("#signin-form button")
        expect(page.locator("#whoami")).to_contain_text(people["officer"].username)
        expect(page.locator("#gps-acc")).to_have_text("± 8 m")
        expect(page.locator("#gps-status")).to_have_class("gps good")

        # A weak fix needs a reason before the page lets the officer send.
        context.set_geolocation(geolocation(40, accuracy_m=60))
        expect(page.locator("#gps-status")).to_have_class("gps weak")
        page.fill("#attributes input[name=name_th]", "บ่อทดสอบ")
        page.fill("#attributes input[name=programme_year]", "2024")
        expect(page.locator("#send")).to_be_disabled()
        expect(page.locator("#blocked")).to_contain_text("เหตุผล")
        context.set_geolocation(geolocation(40))
        expect(page.locator("#gps-status")).to_have_class("gps good")

        register_well(page, "ธนาคารน้ำใต้ดินออนไลน์")
        expect(page.locator("#outbox li[data-status=sent]")).to_have_count(1, timeout=15000)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        context.set_offline(True)
        expect(page.locator("#network")).to_have_class("banner offline")
        context.set_geolocation(geolocation(42))
        expect(page.locator("#gps-lat")).to_have_text(f"{spot(42)[1]:.6f}")
        register_well(page, "ธนาคารน้ำใต้ดินออฟไลน์")
        expect(page.locator("#outbox li[data-status=queued]")).to_have_count(1)
        expect(page.locator("#counts")).to_contain_text("รอส่ง 1")
        # The page itself opens with no network (service worker) and the queue survives the reload.
        page.reload()
        expect(page.locator("#outbox li[data-status=queued]")).to_have_count(1)
        page.screenshot(path=str(ARTIFACTS / "field_phone_offline.png"), full_page=True)

        context.set_offline(False)
        expect(page.locator("#outbox li[data-status=sent]")).to_have_count(2, timeout=20000)
        expect(page.locator("#outbox li[data-status=queued]")).to_have_count(0)
        uuids = page.eval_on_selector_all("#outbox li", "items => items.map(i => i.dataset.uuid)")
        page.click("#lang")
        expect(page.locator("h1")).to_have_text("Field registration")
        page.screenshot(path=str(ARTIFACTS / "field_phone_sent.png"), full_page=True)

        # The reviewer's page lists both, each once.
        review = context.new_page()
        review.goto(f"{live_service}/field/review/")
        review.fill("input[name=username]", people["reviewer"].username)
        review.fill("input[name=password]", "review-Very-long-42")
        review.click("#send")
        for submission_uuid in uuids:
            card = review.locator(f"section[data-uuid='{submission_uuid}']")
            # Sign-in, the page and its queue request take a few seconds when the machine is busy.
            expect(card).to_have_count(1, timeout=20000)
            # Each card's map (or, without Leaflet's files, its list) shows the submission beside nearby sites.
            expect(card.locator(".leaflet-interactive, ul li").first).to_be_attached()
        review.screenshot(path=str(ARTIFACTS / "field_review_queue.png"), full_page=True)
        browser.close()

    with django_db_blocker.unblock():
        stored = list(Submission.objects.filter(officer=people["officer"]).values_list("client_uuid", flat=True))
    assert sorted(str(u) for u in stored) == sorted(uuids) and len(uuids) == 2
    queue = requests.get(f"{live_service}/api/field/review-queue",
                         headers={"Authorization": f"Token {people['reviewer_token']}"}, timeout=30).json()
    queued_uuids = [s["uuid"] for s in queue]
    assert all(queued_uuids.count(u) == 1 for u in uuids)
    names = {s["attributes"]["name_th"] for s in queue if s["uuid"] in uuids}
    assert names == {"ธนาคารน้ำใต้ดินออนไลน์", "ธนาคารน้ำใต้ดินออฟไลน์"}
    assert [e for e in errors if "net::ERR_INTERNET_DISCONNECTED" not in e and "Failed to fetch" not in e] == []


@pytest.mark.django_db
def test_phone_page_and_its_service_worker_are_served_locally(client):
    # Marked django_db also so that running this module alone sets up the test database for the live server.
    page = client.get("/field/")
    html = page.content.decode()
    assert page.status_code == 200 and 'capture="environment"' in html and 'accept="image/*"' in html
    assert "http://" not in html and "https://" not in html  # no CDN: everything comes from this server
    assert '"slug": "groundwater_banks"' in html
    worker = client.get("/field/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/field/"
    assert "/field/assets/app.js" in worker.content.decode()
    assert client.get("/field/assets/app.js")["Content-Type"] == "text/javascript"
    assert client.get("/field/assets/secrets.py").status_code == 404
