"""Refresh the Russian catalogue: extract messages, fill translations from fragments, compile.

    python scripts/translations.py            # needs Debian's gettext (xgettext) for extraction
    python scripts/translations.py --check    # exit 1 if any message lacks a translation

Fragments (`locale-fragments/*.po`) are where translations are written first, one per area of
work, so parallel work does not collide on one file; this script merges them into
`src/opora/locale/ru/LC_MESSAGES/django.po` and compiles `django.mo` with polib.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "src" / "opora"
PO = APP / "locale" / "ru" / "LC_MESSAGES" / "django.po"
PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)


def extract() -> None:
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "ru", "--no-obsolete", "--no-location", "-v", "0"],
        cwd=APP, check=True,
    )


def known_translations() -> dict[tuple[str, str], polib.POEntry]:
    known: dict[tuple[str, str], polib.POEntry] = {}
    sources = sorted((ROOT / "locale-fragments").glob("*.po"))
    if PO.exists():
        sources.insert(0, PO)
    for path in sources:
        for entry in polib.pofile(str(path)):
            if entry.translated() and not entry.obsolete:
                known[(entry.msgctxt or "", entry.msgid)] = entry
    return known


def merge() -> list[str]:
    known = known_translations()
    po = polib.pofile(str(PO))
    po.metadata["Plural-Forms"] = PLURAL_FORMS
    po.metadata["Language"] = "ru"
    missing = []
    for entry in po:
        source = known.get((entry.msgctxt or "", entry.msgid))
        if source is not None:
            if entry.msgid_plural:
                entry.msgstr_plural = dict(source.msgstr_plural)
            else:
                entry.msgstr = source.msgstr
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        if not entry.translated():
            missing.append(entry.msgid)
    po.save(str(PO))
    po.save_as_mofile(str(PO.with_suffix(".mo")))
    return missing


def main() -> int:
    if "--check" not in sys.argv:
        extract()
    missing = merge()
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
