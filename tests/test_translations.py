"""Every word a user sees is Russian: the catalogue is complete and compiled."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src" / "opora" / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_every_message_in_the_catalogue_is_translated() -> None:
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po if not e.translated() and not e.obsolete] == []


def test_compiled_catalogue_matches_the_source() -> None:
    # Keyed by context too: the same English word may read differently in Russian by context.
    po = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in polib.pofile(str(PO)) if not e.obsolete}
    mo = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in polib.mofile(str(PO.with_suffix(".mo")))}
    mo.pop((None, ""), None)
    assert mo == po


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="Debian's gettext is not installed")
def test_no_message_in_the_code_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    """Run the extraction on a copy and compare: a new string without a translation fails."""
    copy = tmp_path / "opora"
    shutil.copytree(ROOT / "src" / "opora", copy, ignore=shutil.ignore_patterns("__pycache__"))
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "ru", "--no-location", "-v", "0"],
        cwd=copy, check=True,
    )
    extracted = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in extracted if not e.translated() and not e.obsolete]
    assert untranslated == [], "run `make messages` and translate these"
