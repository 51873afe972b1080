"""Which encoding and delimiter a CSV file uses, refusing what would be read as garbage."""

from __future__ import annotations

import codecs
import itertools
import re
from pathlib import Path

from django.utils.translation import gettext as _

from opora.core.imports.problems import CSV_DELIMITERS, FileRejected, _reject

HEADER_SEARCH_ROWS = 20  # a title, a date and notes above the header fit in this many rows

_UTF8_CYRILLIC = re.compile(rb"[\xd0\xd1][\x80-\xbf]")
_FREQUENT = set("оеаинт")  # a third of the letters of any Russian text


def _frequent_share(text: str) -> float:
    letters = [c for c in text.lower() if "а" <= c <= "я"]
    return sum(c in _FREQUENT for c in letters) / len(letters) if len(letters) >= 20 else 0.0


def _unsupported(detected: str) -> FileRejected:
    return _reject(
        _("The file's encoding looks like %(detected)s; supported: %(supported)s. "
          "Save it in Excel as «CSV UTF-8» or «Unicode text».")
        % {"detected": detected, "supported": _("UTF-8, UTF-16 (with a BOM), Windows-1251")}
    )


def _looks_utf16(sample: bytes) -> bool:
    """Latin and Cyrillic text in UTF-16 has a 0x00 or 0x04 in every other byte."""
    if len(sample) < 8:
        return False
    for high in (sample[1::2], sample[0::2]):
        if sum(b in (0, 4) for b in high) > 0.8 * len(high):
            return True
    return False


def detect_encoding(path: Path) -> str:
    """utf-8 or utf-16 (by BOM), utf-8 if the whole file decodes as such, otherwise cp1251.

    Raises FileRejected for what would otherwise be read as garbage: UTF-16 without a BOM,
    KOI8-R, or a file mixing UTF-8 with a single-byte encoding.
    """
    with path.open("rb") as f:
        start = f.read(4)
        if start[:3] == codecs.BOM_UTF8:
            return "utf-8-sig"
        if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        sample = f.read(1 << 16)
        if _looks_utf16(sample):
            raise _unsupported(_("UTF-16 without a byte order mark"))
        f.seek(0)
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8"
    if len(_UTF8_CYRILLIC.findall(sample)) >= 3:
        raise _unsupported(_("a mix of UTF-8 and another encoding"))
    # The same bytes read as KOI8-R give Russian letter frequencies only if that is what they are.
    as_cp1251 = _frequent_share(sample.decode("cp1251", errors="replace"))
    if _frequent_share(sample.decode("koi8-r", errors="replace")) > 1.5 * as_cp1251 + 0.05:
        raise _unsupported("KOI8-R")
    return "cp1251"


def detect_delimiter(line: str) -> str:
    """The delimiter that occurs most often in the header line, outside quotes."""
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def csv_dialect(path: Path) -> tuple[str, str]:
    """The CSV file's encoding and delimiter; FileRejected when it is empty or unreadable."""
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as f:
        lines = list(itertools.islice((line for line in f if line.strip()), HEADER_SEARCH_ROWS))
    if not lines:
        raise _reject(_("The file is empty."))
    # The header, not a title above it, shows the delimiter: the line that has most of one.
    delimiter = max((detect_delimiter(line) for line in lines),
                    key=lambda d: max(line.count(d) for line in lines))
    return encoding, delimiter


