"""Helpers for the tests that run Opora as separate processes, as an installation does:
scratch databases (a new PostgreSQL database each when the suite runs on PostgreSQL, otherwise a
SQLite file in the installation's var directory), the installation's environment, the `opora` command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
OPORA = [sys.executable, "-m", "opora.cli"]


@contextmanager
def scratch_databases(count: int, prefix: str) -> Iterator[list[str]]:
    """`count` fresh database URLs, dropped afterwards; "" each on SQLite (the var dir's file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield [""] * count
        return
    import psycopg

    config = dj_database_url.parse(url)
    admin = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None,
             "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    names = [f"{prefix}_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    with psycopg.connect(**admin) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    base = url.rsplit("/", 1)[0]
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        with psycopg.connect(**admin) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def installation_env(var: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of an installation in `var` (production settings), plus OPORA_* `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPORA_") and k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "opora.settings", "OPORA_VAR_DIR": str(var), **settings})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def opora(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OPORA, *args], env=env, cwd=ROOT, capture_output=True, text=True)


def production_installation(var: Path, database_url: str, *, demo: bool = False) -> dict[str, str]:
    """A region's server environment (DEBUG off, a real secret key), migrated, with its static files
    collected and, when asked, the tiny demo loaded."""
    env = installation_env(
        var, database_url, OPORA_DEBUG="0", OPORA_SECRET_KEY="test-" + uuid.uuid4().hex * 2,
        OPORA_SSL_REDIRECT="0", OPORA_ALLOWED_HOSTS="127.0.0.1",
    )
    commands = [["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]]
    if demo:
        commands.append(["demo", "--size", "tiny", "-v", "0"])
    for command in commands:
        done = opora(env, *command)
        assert done.returncode == 0, done.stderr[-3000:]
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str]) -> tuple[str, subprocess.Popen[str]]:
    """`opora serve` (gunicorn, two workers) on a free port; its base URL once it accepts connections."""
    port = free_port()
    process = subprocess.Popen(
        [*OPORA, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a busy machine boots Django slowly; the workers must answer
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read() if process.stdout else "gunicorn exited")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10):  # noqa: S310 - the local test server
                return base, process
        except urllib.error.HTTPError:  # 503 from a server without its database still answers
            return base, process
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer within 180 s")


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a local test server
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)
