"""Documentation that cannot drift: the CLI reference and the settings table."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_script(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_generated_from_the_current_help() -> None:
    cli_reference = _load_script("cli_reference")
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference.render(), (
        "docs/cli.md is stale: run `python scripts/cli_reference.py`"
    )


def test_every_environment_setting_is_documented_for_administrators() -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "opora").rglob("*.py"))
    names = set(re.findall(r'environ(?:\.get)?\(\s*"(OPORA_[A-Z_]+|DATABASE_URL)"', sources))
    names |= set(re.findall(r'env_(?:bool|list)\("(OPORA_[A-Z_]+)"', sources))
    guide = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    undocumented = sorted(n for n in names if n not in guide)
    assert names and undocumented == []


def test_import_formats_document_every_column() -> None:
    from opora.core.models import PASSPORT_SHARE_FIELDS, PASSPORT_STAFF_FIELDS

    formats = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    for column in ("code", "name", "municipality", "type", "settlement", "distance_km", "enrolment",
                   "school_code", "year", *PASSPORT_SHARE_FIELDS, *PASSPORT_STAFF_FIELDS):
        assert f"`{column}`" in formats, column
