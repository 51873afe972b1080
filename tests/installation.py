"""Helpers for the tests that run Opora as separate processes, as an installation does:
scratch databases (a new PostgreSQL database each when the suite runs on PostgreSQL, otherwise a
SQLite file in the installation's var directory), the installation's environment, the `opora` command."""

from __future__ import annotations

import os
import subprocess
import sys
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
