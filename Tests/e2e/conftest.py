"""Fixtures for the end-to-end suites: they run the REAL `millwright` binary, as an operator would.

Environment:
  MILLWRIGHT_BIN                path of the binary (default: .build/debug/millwright in the repo)
  MILLWRIGHT_E2E_DATABASE_URL   postgres://… of an EMPTY database to run against; unset: SQLite in a temp
                                folder. (Not DATABASE_URL itself, so that a developer's own DATABASE_URL
                                never points a destructive suite at a real database.)
"""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("MILLWRIGHT_BIN") or REPO_ROOT / ".build/debug/millwright").resolve()
E2E_DATABASE_URL = os.environ.get("MILLWRIGHT_E2E_DATABASE_URL") or None
ON_POSTGRES = E2E_DATABASE_URL is not None

# A debug build on PostgreSQL migrates a fresh database in well under this.
START_TIMEOUT = 90
# The graceful-shutdown promise: SIGTERM → exit 0 within this many seconds.
STOP_TIMEOUT = 10


def child_env(data_dir, database_url, **extra):
    """The environment of every `millwright` process: our own data dir and database, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MILLWRIGHT_SECRET", "LOG_LEVEL")}
    env["MILLWRIGHT_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `millwright serve` process on 127.0.0.1 with a fresh data folder (and database)."""

    def __init__(self, data_dir, database_url):
        self.data_dir = Path(data_dir)
        self.database_url = database_url
        self.env = child_env(self.data_dir, database_url)
        self.proc = None
        self.port = None
        self.log_path = self.data_dir / "server.log"

    # --- life cycle ---
    def start(self):
        # A port picked free can be taken before the server binds it: retry on "address in use".
        for _ in range(3):
            self.port = free_port()
            with open(self.log_path, "wb") as log:  # stdout (box + JSON logs) and stderr, in order
                self.proc = subprocess.Popen(
                    [str(BIN), "serve", "--hostname", "127.0.0.1", "--port", str(self.port)],
                    env=self.env, cwd=self.data_dir, stdout=log, stderr=subprocess.STDOUT,
                )
            if self._wait_ready():
                return self
            if "address already in use" not in self.log().lower():
                break
        raise AssertionError(f"millwright serve did not become ready:\n{self.log_tail()}")

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if requests.get(self.url("/ready"), timeout=2).status_code == 200:
                    return True
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.kill()
        return False

    def stop(self):
        """SIGTERM, then the exit status; kills and fails if the process outlives STOP_TIMEOUT."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"millwright serve still running {STOP_TIMEOUT}s after SIGTERM:\n{self.log_tail()}")
        return self.proc.returncode

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    # --- talking to it ---
    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.url(path), headers=headers, timeout=30, **kwargs)

    def cli(self, *args, **extra_env):
        """Runs `millwright <args>` against the same data folder and database as the server."""
        return subprocess.run(
            [str(BIN), *args], env={**self.env, **extra_env}, cwd=self.data_dir,
            capture_output=True, text=True, timeout=120,
        )

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines=40):
        return "\n".join(self.log().splitlines()[-lines:])

    # --- the database underneath, for what only an attacker (or an operator) does ---
    def sql(self, statement):
        """Runs one SQL statement directly on the server's database; returns rows (as strings on PostgreSQL)."""
        if not self.database_url:
            db = sqlite3.connect(self.data_dir / "millwright.sqlite")  # WAL mode: fine beside the server
            try:
                with db:  # commits
                    return db.execute(statement).fetchall()
            finally:
                db.close()
        out = subprocess.run(
            [psql_binary(), "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-d", self.database_url, "-c", statement],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]


def psql_binary():
    found = shutil.which("psql") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))), None)
    if not found:
        pytest.skip("psql is not installed")
    return str(found)


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not BIN.is_file():
        pytest.exit(f"{BIN} does not exist: build it first (swift build) or set MILLWRIGHT_BIN", returncode=2)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh server per test module. Teardown checks the graceful shutdown, and kills it whatever happens."""
    srv = Server(tmp_path_factory.mktemp("millwright"), E2E_DATABASE_URL)
    try:
        srv.start()
        yield srv
        status = srv.stop()
        assert status == 0, f"millwright serve exited {status} after SIGTERM (want 0):\n{srv.log_tail()}"
    finally:
        srv.kill()


@dataclass
class Member:
    email: str
    password: str
    user_id: str
    organization_id: str
    token: str


def sign_in(server, email, password):
    r = server.request("POST", "/api/v1/auth/token", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    return Member(email, password, body["userId"], body["organizationId"], body["accessToken"])


@pytest.fixture(scope="module")
def owner(server):
    """The first-start owner: the password is read from the box the server prints on an empty database."""
    email = re.search(r"│\s+e-mail:\s+(\S+)", server.log())
    password = re.search(r"│\s+password:\s+(\S+)", server.log())
    assert email and password, f"no first-start box with the owner's credentials:\n{server.log_tail()}"
    return sign_in(server, email[1], password[1])


def add_member(server, owner, email, name, role, password):
    """Invites `email` and accepts the invitation with `password`, as the invitee would through its link."""
    invited = server.request("POST", "/api/v1/users", owner.token, json={"email": email, "name": name, "role": role})
    assert invited.status_code == 201, invited.text
    token = invited.json()["link"].rsplit("/", 1)[-1]
    accepted = server.request("POST", "/api/v1/invitations/accept", json={"token": token, "password": password, "name": name})
    assert accepted.status_code == 201, accepted.text
    return accepted.json()["userId"]
