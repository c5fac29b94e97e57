"""The one-command setup and serve scripts, the container files and the production settings check.

These run the real scripts against the real database server; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import yaml
from psycopg2 import sql

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://gis_service:gis_service@127.0.0.1:5432/gis_service"
# Not test_gis_service (pytest-django's) and not gis_service (the developer's own data).
IDEMPOTENCY_DB = "gis_setup_idem"
SETUP_TIMEOUT_S = 15 * 60


def _script_env(**overrides: str) -> dict[str, str]:
    """Environment for a child script: ours, minus the settings module pytest chose."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(overrides)
    return env


def _server_url(database: str) -> str:
    """The configured database server's URL, pointing at another database on it."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + database))


def _connect(database: str):
    """A psycopg2 autocommit connection as the app role (CREATEDB, not superuser)."""
    parts = urlsplit(_server_url(database))
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=database,
        connect_timeout=10,
    )
    connection.autocommit = True
    return connection


def _execute_outside_transaction(statement: sql.Composable) -> None:
    """Run CREATE/DROP DATABASE, which refuse to run in a transaction block."""
    # Not `with connection:`, which opens a transaction even in autocommit mode (psycopg2 2.9+).
    connection = _connect("postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def _drop_database(name: str) -> None:
    _execute_outside_transaction(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _table_fingerprints(database: str) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row's full text, for each table in the public schema."""
    fingerprints = {}
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'spatial_ref_sys' ORDER BY tablename"
            )
            tables = [row[0] for row in cursor.fetchall()]
            for table in tables:
                cursor.execute(
                    sql.SQL(
                        "SELECT count(*), md5(coalesce(string_agg(row_md5, '' ORDER BY row_md5), '')) "
                        "FROM (SELECT md5(t::text) AS row_md5 FROM {} AS t) AS rows"
                    ).format(sql.Identifier(table))
                )
                fingerprints[table] = cursor.fetchone()
    finally:
        connection.close()
    return fingerprints


def _run_setup(database_url: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    completed = subprocess.run(
        [str(REPO_ROOT / "bin" / "setup")],
        cwd=REPO_ROOT,
        env=_script_env(DATABASE_URL=database_url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_S,
    )
    return time.monotonic() - started, completed


def _output_of(completed: subprocess.CompletedProcess) -> str:
    return (
        f"exit {completed.returncode}\n--- stdout\n{completed.stdout[-6000:]}\n--- stderr\n{completed.stderr[-6000:]}"
    )


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database created by the app role; it inherits PostGIS from template1."""
    _drop_database(IDEMPOTENCY_DB)
    _execute_outside_transaction(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(IDEMPOTENCY_DB)))
    try:
        yield _server_url(IDEMPOTENCY_DB)
    finally:
        _drop_database(IDEMPOTENCY_DB)


def test_setup_twice_changes_nothing_the_second_time_and_is_quick(fresh_database: str) -> None:
    first_s, first = _run_setup(fresh_database)
    assert first.returncode == 0, _output_of(first)
    after_first = _table_fingerprints(IDEMPOTENCY_DB)

    second_s, second = _run_setup(fresh_database)
    assert second.returncode == 0, _output_of(second)
    after_second = _table_fingerprints(IDEMPOTENCY_DB)

    changed = {
        table for table in after_first.keys() | after_second.keys() if after_first.get(table) != after_second.get(table)
    }
    assert not changed, f"second bin/setup changed tables: {sorted(changed)}"
    # The full dataset landed, so the comparison above is not between two empty databases.
    assert sum(count for count, _ in after_first.values()) > 7425, after_first
    assert second_s < first_s / 2 or second_s < 60, f"first run {first_s:.0f} s, second {second_s:.0f} s"


def _deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    from django.core.management.utils import get_random_secret_key

    env = _script_env(DEBUG="0", SECRET_KEY=get_random_secret_key())
    env.pop("SECURE_SSL_REDIRECT", None)
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _issue_ids(output: str) -> set[str]:
    return set(re.findall(r"\((\w+\.[EWCI]\d+)\)", output))


@pytest.mark.slow
def test_deploy_check_is_clean_with_ssl_redirect_on() -> None:
    completed = _deploy_check(SECURE_SSL_REDIRECT="1")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, _output_of(completed)
    assert _issue_ids(output) == set(), output
    assert "System check identified no issues" in output, output


@pytest.mark.slow
def test_deploy_check_without_ssl_redirect_warns_only_about_the_redirect() -> None:
    completed = _deploy_check()
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, _output_of(completed)
    assert _issue_ids(output) <= {"security.W008"}, output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_answers_healthz_through_gunicorn() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [str(REPO_ROOT / "bin" / "serve"), "--no-data"],
        cwd=REPO_ROOT,
        env=_script_env(HOST="127.0.0.1", PORT=str(port)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so the gunicorn workers stop with it
    )
    try:
        deadline = time.monotonic() + SETUP_TIMEOUT_S
        response = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:  # not listening yet, or workers still importing the app
                time.sleep(1)
        assert response is not None, f"bin/serve never answered (exit {server.poll()})"
        assert response.status == 200
        assert "gunicorn" in response.headers.get("Server", "").lower()
        health = json.loads(response.read())
        assert "postgis" in json.dumps(health).lower(), health
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed (bin/setup installs it)"
)
def test_docker_compose_file_is_valid_and_names_the_three_services() -> None:
    completed = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config"],
        cwd=REPO_ROOT,
        env=_script_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, _output_of(completed)
    services = yaml.safe_load(completed.stdout)["services"]
    assert {"db", "web", "nginx"} <= set(services)
    assert "@db:5432/" in services["web"]["environment"]["DATABASE_URL"]
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert any(str(port.get("published")) == "8000" for port in services["nginx"]["ports"])


@pytest.mark.parametrize("script", ["bin/setup", "bin/serve", "bin/test", ".ci/run", "docker/entrypoint.sh"])
def test_scripts_are_executable_and_stop_on_the_first_error(script: str) -> None:
    path = REPO_ROOT / script
    assert path.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"
    text = path.read_text()
    assert text.startswith("#!"), script
    assert "set -euo pipefail" in text or "set -eu" in text, script
