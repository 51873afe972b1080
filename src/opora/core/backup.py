"""Backup and restore of an installation: the database, the results store and the users' files.

A backup directory holds `database.sqlite3` (SQLite, through sqlite3's online backup API) or
`database.dump` (PostgreSQL, `pg_dump -Fc`), `results/` (OPORA_RESULTS_DIR), `media/`
(OPORA_MEDIA_ROOT) and `manifest.json`: the Opora version, the time, the database engine and the
sha256 of every file. A restore checks every checksum before it changes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from opora.core.errors import ValidationFailed

MANIFEST = "manifest.json"
FORMAT = 1


def _engine() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine.startswith("django.db.backends.postgresql"):
        return "postgresql"
    raise ValidationFailed(_("Backups support SQLite and PostgreSQL only."))


def _pg_uri() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth + '@' if auth else ''}{host}{port}/{quote(db['NAME'])}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksums(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): _sha256(p)
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != MANIFEST}


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise ValidationFailed([_("%(program)s failed:") % {"program": argv[0]}, result.stderr.strip()])


def backup_create(*, target: Path) -> dict[str, Any]:
    """Write a backup of this installation into the new or empty directory `target`."""
    if target.exists() and any(target.iterdir()):
        raise ValidationFailed(_("The backup directory must be new or empty."))
    target.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    if engine == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target / "database.sqlite3"))
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    else:
        _run(["pg_dump", "-Fc", "--no-owner", "-f", str(target / "database.dump"), "--dbname", _pg_uri()])
    for name, directory in (("results", settings.RESULTS_DIR), ("media", settings.MEDIA_ROOT)):
        if Path(directory).is_dir():
            shutil.copytree(directory, target / name)
    manifest = {"format": FORMAT, "opora_version": version("opora"), "created_at": timezone.now().isoformat(),
                "database": engine, "files": _checksums(target)}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def backup_verify(source: Path) -> dict[str, Any]:
    """The manifest of the backup in `source`, once every file matches its checksum."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed(_("No readable manifest.json in the backup directory.")) from exc
    found = _checksums(source)
    damaged = sorted(name for name, digest in manifest.get("files", {}).items() if found.get(name) != digest)
    if damaged:
        raise ValidationFailed([_("The backup is damaged; these files are missing or changed:"), *damaged])
    return manifest


def backup_restore(*, source: Path) -> dict[str, Any]:
    """Replace this installation's database, results store and files with the backup in `source`."""
    manifest = backup_verify(source)
    engine = _engine()
    if manifest.get("database") != engine:
        raise ValidationFailed(_("The backup is of a %(backup)s database; this installation uses %(here)s.")
                               % {"backup": manifest.get("database"), "here": engine})
    connections.close_all()
    if engine == "sqlite":
        backup = sqlite3.connect(str(source / "database.sqlite3"))
        here = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        with here:
            backup.backup(here)
        here.close()
        backup.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
              "--dbname", _pg_uri(), str(source / "database.dump")])
    for name, directory in (("results", Path(settings.RESULTS_DIR)), ("media", Path(settings.MEDIA_ROOT))):
        if directory.exists():
            shutil.rmtree(directory)
        if (source / name).is_dir():
            shutil.copytree(source / name, directory)
        else:
            os.makedirs(directory, exist_ok=True)
    return manifest
