"""`opora backup` / `opora restore`: a demo installation backed up and restored into an empty
database (SQLite, or PostgreSQL when DATABASE_URL points at it) has the same rows, the same
results store and the same identification list; a damaged backup is refused before any change."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.installation import ROOT, installation_env, opora, scratch_databases

pytestmark = pytest.mark.slow

COUNTS = """
import json, django
django.setup()
from opora.core.models import School, User
from opora.identification.models import Run, RunSchool
from opora.results.models import ResultPart, SchoolIndicator
print(json.dumps({m.__name__: m.objects.count() for m in (School, User, Run, RunSchool, ResultPart, SchoolIndicator)}))
"""


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two fresh databases: the installation's and the empty one to restore into."""
    with scratch_databases(2, "opora_backup") as (first, second):
        yield first, second


def counts(env: dict[str, str]) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", COUNTS], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return dict(json.loads(out))


def identification(env: dict[str, str]) -> str:
    done = opora(env, "identify", "--year", "2025", "--rule-set", "municipal", "--format", "csv")
    assert done.returncode == 0, done.stderr
    return done.stdout


def store_files(var: Path) -> dict[str, int]:
    root = var / "results"
    return {p.relative_to(root).as_posix(): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def test_demo_backed_up_and_restored_into_an_empty_database_is_the_same(
    tmp_path: Path, databases: tuple[str, str]
) -> None:
    source = installation_env(tmp_path / "source", databases[0])
    for args in (["migrate", "--noinput", "-v", "0"], ["demo", "--size", "tiny", "--seed", "1"]):
        assert opora(source, *args).returncode == 0
    (tmp_path / "source" / "media" / "reports").mkdir(parents=True)
    (tmp_path / "source" / "media" / "reports" / "справка.docx").write_bytes(b"docx bytes")
    before = counts(source)

    backup = tmp_path / "backup"
    made = opora(source, "backup", str(backup))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["opora_version"] and manifest["created_at"]
    files = manifest["files"]
    assert "media/reports/справка.docx" in files and any(f.startswith("results/") for f in files)
    assert opora(source, "backup", str(backup)).returncode == 1  # never over an existing backup

    target = installation_env(tmp_path / "target", databases[1])
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    (damaged / "media" / "reports" / "справка.docx").write_bytes(b"changed")
    refused = opora(target, "restore", str(damaged))
    assert refused.returncode == 1 and "повреждена" in refused.stderr and "справка.docx" in refused.stderr

    restored = opora(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert counts(target) == before and before["School"] > 0 and before["RunSchool"] > 0
    assert store_files(tmp_path / "target") == store_files(tmp_path / "source")
    assert (tmp_path / "target" / "media" / "reports" / "справка.docx").read_bytes() == b"docx bytes"
    assert identification(target) == identification(source)
