"""The "done when" walk-through, on the real binary: first start, web sign-in, tokens, API keys, tenancy,
the audit chain, backup/restore, and the operational promises (config errors, limits, request ids, metrics).

Tests in this module share one server (see conftest.py) and run in file order; each one sets up what it
needs, so any of them can also be run alone with `-k`.
"""

import re
import sqlite3
import subprocess
import threading
from collections import Counter

import pytest
import requests

from conftest import BIN, ON_POSTGRES, child_env, free_port, sign_in

sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite-specific")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL-specific")


def test_hostname_and_port_are_honoured(server):
    # The fixture started it with --hostname 127.0.0.1 --port <p>; it must say so and answer there.
    assert f"Server started on http:\\/\\/127.0.0.1:{server.port}" in server.log()
    assert requests.get(f"http://127.0.0.1:{server.port}/health", timeout=10).status_code == 200


def test_web_sign_in_with_csrf(server, owner):
    browser = requests.Session()
    form = browser.get(server.url("/"), timeout=10)
    assert form.status_code == 200
    csrf = re.search(r'name="csrfToken" value="([^"]+)"', form.text)
    assert csrf, form.text

    fields = {"email": owner.email, "password": owner.password}
    # Without the token the form is refused, and the session stays signed out.
    assert browser.post(server.url("/sign-in"), data=fields, allow_redirects=False, timeout=10).status_code == 403

    signed_in = browser.post(server.url("/sign-in"), data={**fields, "csrfToken": csrf[1]}, allow_redirects=False, timeout=10)
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["Location"] == "/"
    assert "millwright-session" in browser.cookies
    home = browser.get(server.url("/"), timeout=10)
    assert home.status_code == 200 and owner.email in home.text


def test_api_key_works_within_its_scopes(server, owner):
    me = server.request("GET", "/api/v1/me", owner.token)
    assert me.status_code == 200 and me.json()["user"]["email"] == owner.email

    created = server.request("POST", "/api/v1/api-keys", owner.token, json={"name": "e2e reader", "scopes": ["users:read"]})
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("mw_")

    users = server.request("GET", "/api/v1/users", key)
    assert users.status_code == 200, users.text
    assert owner.email in users.text
    # audit:read is not among its scopes.
    assert server.request("GET", "/api/v1/audit-events", key).status_code == 403


def test_second_organization_sees_nothing_of_the_first(server, owner):
    created = server.cli("orgs", "create", "--name", "Second Org")
    assert created.returncode == 0, created.stderr
    assert "Second Org" in server.cli("orgs", "list").stdout
    password = "second-org-admin-password"
    added = server.cli("users", "create", "--org", "Second Org", "--email", "admin@second.test", "--role", "admin",
                       "--password", password)
    assert added.returncode == 0, added.stderr
    stranger = sign_in(server, "admin@second.test", password)
    assert stranger.organization_id != owner.organization_id

    # Ids that exist in the first organization: the owner can read them...
    key = server.request("POST", "/api/v1/api-keys", owner.token, json={"name": "not yours", "scopes": ["users:read"]})
    event = server.request("GET", "/api/v1/audit-events", owner.token).json()["items"][0]
    paths = [f"/api/v1/users/{owner.user_id}", f"/api/v1/api-keys/{key.json()['apiKey']['id']}",
             f"/api/v1/audit-events/{event['id']}"]
    for path in paths:
        assert server.request("GET", path, owner.token).status_code == 200, path
    # ...and to the second organization they do not exist at all (404, not 403: no existence leak).
    for path in paths:
        r = server.request("GET", path, stranger.token)
        assert r.status_code == 404, f"{path}: {r.status_code} {r.text}"


def test_audit_tampering_is_detected(server, owner):
    verified = server.cli("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    org_name = server.request("GET", "/api/v1/me", owner.token).json()["organization"]["name"]
    # Event 2 of the first organization (the owner's creation); the prefix trick works the same in
    # SQLite and PostgreSQL, so the row can be put back exactly afterwards.
    where = f"sequence = 2 AND organization_id = (SELECT id FROM organizations WHERE name = '{org_name}')"
    server.sql(f"UPDATE audit_events SET actor_label = 'forged:' || actor_label WHERE {where}")
    try:
        broken = server.cli("audit", "verify")
        assert broken.returncode == 1, broken.stdout + broken.stderr
        assert re.search(rf"^BROKEN\s+{re.escape(org_name)}: at event 2\b", broken.stdout, re.M), broken.stdout

        api = server.request("GET", "/api/v1/audit-events/verify", owner.token)
        assert api.status_code == 200, api.text
        assert api.json()["ok"] is False and api.json()["brokenAtSequence"] == 2, api.text
    finally:
        server.sql(f"UPDATE audit_events SET actor_label = substr(actor_label, 8) WHERE {where}")
    assert server.cli("audit", "verify").returncode == 0
    assert server.request("GET", "/api/v1/audit-events/verify", owner.token).json()["ok"] is True


def table_counts(path):
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@sqlite_only
def test_cli_writes_and_restore_beside_a_write_burst(server, owner):
    """Another process writing beside the server: both sides wait for each other, neither fails; restore
    refuses while the server runs and works once it has stopped."""
    snapshot = server.data_dir / "snapshot.sqlite"
    backup = server.cli("backup", str(snapshot))
    assert backup.returncode == 0, backup.stderr

    statuses = []
    done = threading.Event()

    def burst(worker):
        index = 0
        while not done.is_set():
            r = server.request("POST", "/api/v1/users", owner.token, json={"email": f"burst{worker}-{index}@e2e.test", "role": "viewer"})
            statuses.append(r.status_code)
            index += 1

    threads = [threading.Thread(target=burst, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    try:
        created = [
            server.cli("users", "create", "--org", owner.organization_id, "--email", f"cli{index}@e2e.test", "--role", "viewer")
            for index in range(3)
        ]
        refused = server.cli("restore", str(snapshot))
    finally:
        done.set()
        for thread in threads:
            thread.join()

    assert [r.returncode for r in created] == [0, 0, 0], [r.stdout + r.stderr for r in created]
    assert refused.returncode != 0
    assert "Stop the server first" in refused.stdout + refused.stderr, refused.stdout + refused.stderr
    assert statuses and set(statuses) == {201}, Counter(statuses)
    assert server.sql("SELECT count(*) FROM users WHERE email LIKE 'cli%@e2e.test'") == [(3,)]

    # Stopped, the folder is free: restore brings back the snapshot, which the restarted server serves.
    assert server.stop() == 0
    restore = server.cli("restore", str(snapshot))
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert table_counts(server.data_dir / "millwright.sqlite") == table_counts(snapshot)
    server.start()
    users = server.request("GET", "/api/v1/users", owner.token)
    assert users.status_code == 200 and "cli0@e2e.test" not in users.text


@sqlite_only
def test_a_second_server_on_the_same_folder_refuses_to_start(server):
    second = subprocess.run(
        [str(BIN), "serve", "--hostname", "127.0.0.1", "--port", str(free_port())],
        env=server.env, cwd=server.data_dir, capture_output=True, text=True, timeout=60,
    )
    assert second.returncode != 0
    assert f"process {server.proc.pid}" in second.stderr, second.stderr
    assert server.request("GET", "/ready").status_code == 200


@postgres_only
def test_backup_and_restore_refuse_on_postgres(server):
    for command, tool in (("backup", "pg_dump"), ("restore", "pg_restore")):
        result = server.cli(command, str(server.data_dir / "snapshot.sqlite"))
        assert result.returncode != 0
        assert tool in result.stdout + result.stderr, result.stdout + result.stderr


def test_bad_log_level_stops_start_up(tmp_path):
    result = subprocess.run(
        [str(BIN), "serve", "--hostname", "127.0.0.1", "--port", str(free_port())],
        env=child_env(tmp_path, None, LOG_LEVEL="loud"), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "LOG_LEVEL" in result.stderr, result.stderr


def test_oversized_body_gets_413_problem(server, owner):
    body = b'{"email": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    r = server.request("POST", "/api/v1/users", owner.token, data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert r.json()["status"] == 413


def test_every_response_has_a_request_id(server, owner):
    for method, path, token in [
        ("GET", "/health", None), ("GET", "/ready", None), ("GET", "/metrics", None), ("GET", "/", None),
        ("GET", "/api/v1/openapi.json", None), ("GET", "/api/v1/me", None), ("GET", "/api/v1/me", owner.token),
        ("GET", "/no/such/page", None), ("POST", "/api/v1/auth/token", None),
    ]:
        r = server.request(method, path, token)
        assert r.headers.get("X-Request-Id"), f"{method} {path} ({r.status_code}) has no X-Request-Id"


def test_metrics_are_exported(server):
    r = server.request("GET", "/metrics")
    assert r.status_code == 200
    assert "http_requests_total" in r.text
