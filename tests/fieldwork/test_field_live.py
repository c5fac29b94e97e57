"""Against real gunicorn: 20 clients sending one UUID store one submission; a lost database answers 503 and
every submission answered 201 is in the database once the retries are through."""
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from gis_service.fieldwork.models import Submission
from tests.conftest import ARTIFACTS, REPO, database_url
from tests.fieldwork.test_field_support import TcpProxy, make_officer, remove_user_data, well_payload

pytestmark = pytest.mark.slow
URL = "/api/field/submissions"


@pytest.fixture
def officer(django_db_blocker):
    """A committed field officer (the servers only see committed data) and their token; removed afterwards."""
    name = f"live-officer-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        user, token = make_officer(name)
    yield user, {"Authorization": f"Token {token}"}
    with django_db_blocker.unblock():
        remove_user_data([name])


@pytest.fixture
def proxied_service(django_db_setup, django_db_blocker):
    """gunicorn whose database connections go through a TCP proxy the test can cut."""
    with django_db_blocker.unblock():
        direct = database_url()
    proxy = TcpProxy()
    proxy.start()
    port = TcpProxy().port
    env = {**os.environ, "DATABASE_URL": direct.replace(":5432/", f":{proxy.port}/"), "DEBUG": "0",
           "ALLOWED_HOSTS": "127.0.0.1", "SECRET_KEY": "test-secret-key-for-the-proxied-service-0123456789",
           "CONN_MAX_AGE": "60"}
    log = open(ARTIFACTS / "gunicorn-field-proxied.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "gis_service.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"], cwd=REPO, env=env, stdout=log,
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
            time.sleep(0.3)
        yield base, proxy
    finally:
        server.terminate()
        server.wait(timeout=30)
        proxy.stop()
        log.close()


def stored_count(django_db_blocker, uuids) -> int:
    with django_db_blocker.unblock():
        return Submission.objects.filter(client_uuid__in=list(uuids)).count()


def test_twenty_clients_sending_one_uuid_store_exactly_one_submission(live_service, officer, django_db_blocker):
    _, headers = officer
    payload = well_payload(step=30)
    barrier = threading.Barrier(20)
    answers: list[tuple[int, dict]] = []

    def client() -> None:
        with requests.Session() as session:
            barrier.wait()
            response = session.post(live_service + URL, json=payload, headers=headers, timeout=60)
            answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=client) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 19 + [201], statuses
    assert {body["uuid"] for _, body in answers} == {payload["uuid"]}
    assert stored_count(django_db_blocker, [payload["uuid"]]) == 1


def send_until_stored(base: str, headers: dict, payload: dict, outcome: dict) -> None:
    """A phone's outbox in miniature: resend on 503 (after Retry-After, shortened here) until answered."""
    while True:
        try:
            response = requests.post(base + URL, json=payload, headers=headers, timeout=30)
        except requests.ConnectionError:
            time.sleep(0.2)
            continue
        if response.status_code == 503:
            outcome.setdefault("503", []).append(response.headers.get("Retry-After"))
            time.sleep(min(float(response.headers["Retry-After"]), 0.3))
            continue
        outcome[payload["uuid"]] = response.status_code
        return


def test_lost_database_answers_503_and_every_retried_submission_is_stored(proxied_service, officer,
                                                                          django_db_blocker):
    base, proxy = proxied_service
    _, headers = officer
    first = requests.post(base + URL, json=well_payload(step=31), headers=headers, timeout=30)
    assert first.status_code == 201

    proxy.stop()
    payload = well_payload(step=32)
    down = requests.post(base + URL, json=payload, headers=headers, timeout=30)
    assert down.status_code == 503 and down.headers["Retry-After"] == "5"
    assert down.json()["errors"][0]["code"] == "database_unavailable" and down.json()["detail_th"]
    assert stored_count(django_db_blocker, [payload["uuid"]]) == 0
    proxy.start()
    assert requests.post(base + URL, json=payload, headers=headers, timeout=30).status_code == 201

    # Submissions keep coming from three phones while the database goes away for a while and comes back.
    outcome: dict = {}
    payloads: list[dict] = []
    done = threading.Event()

    def phone(first_step: int) -> None:
        sent = 0
        while not done.is_set():
            # Steps 33..54 stay inside the officer's LAO; repeats are flagged as duplicates, not refused.
            payload = well_payload(step=33 + (first_step + 3 * sent) % 22)
            payloads.append(payload)
            send_until_stored(base, headers, payload, outcome)
            sent += 1

    phones = [threading.Thread(target=phone, args=(i,)) for i in range(3)]
    for thread in phones:
        thread.start()
    time.sleep(0.5)
    proxy.stop()
    time.sleep(1.5)
    proxy.start()
    time.sleep(0.5)
    done.set()
    for thread in phones:
        thread.join(timeout=120)
    answered = {u: s for u, s in outcome.items() if u != "503"}
    assert set(answered) == {p["uuid"] for p in payloads}
    assert set(answered.values()) <= {200, 201}
    assert outcome.get("503"), "the outage should have been seen by at least one phone"
    assert stored_count(django_db_blocker, answered) == len(payloads)
    log = (ARTIFACTS / "gunicorn-field-proxied.log").read_text()
    assert "Traceback" not in log and "Internal Server Error" not in log


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_row_with_one_uuid():
    # Also marked django_db so that running this module alone sets up the test database for the servers.
    from django.db import IntegrityError, transaction

    from tests.fieldwork.test_field_support import make_officer as officer_in_transaction

    user, _ = officer_in_transaction("field-unique-officer")
    first = Submission.objects.create(
        client_uuid=uuid.uuid4(),
        content_sha256="a" * 64,
        kind="new_site",
        programme="groundwater_banks",
        officer=user,
        lao=user.lao_memberships.get().lao,
        subdistrict=user.lao_memberships.get().lao.subdistricts.first(),
        province=user.lao_memberships.get().lao.province,
        location="POINT(102.0977 14.9799)",
        accuracy_m=5,
        captured_at="2026-01-01T00:00:00Z",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            **{f.attname: getattr(first, f.attname) for f in Submission._meta.concrete_fields if f.name != "id"}
        )
