"""Column mapping for files whose header does not match: the preview a user maps from, the
suggested field of each column, and checking a mapping before it is used.

Pure functions over the file and the importer's columns; the saved mappings are in
`mapping_store.py`, the page in `core/views/import_mapping.py`.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from opora.core.imports.cells import cell_text
from opora.core.imports.tabular import (
    HEADER_SEARCH_ROWS,
    Column,
    Layout,
    _is_blank,
    header_name,
    likely_header,
    normalise,
    raw_rows,
)

PREVIEW_ROWS = 12  # rows shown under the header: enough to see what a column holds
SIMILAR = 0.8  # difflib ratio from which a header is taken for a slightly different name


@dataclass(frozen=True)
class Field:
    """What a column may be mapped to: an importer's column key and its Russian name."""

    key: str
    label: str
    required: bool = False
    names: tuple[str, ...] = ()


@dataclass
class Preview:
    """The first rows of a sheet as text, and which of them looks like the header."""

    sheet: str
    sheets: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as Excel shows it, cells)
    header_row: int
    width: int

    def header(self) -> list[str]:
        for number, cells in self.rows:
            if number == self.header_row:
                return cells
        return []

    def below(self, number: int) -> list[tuple[int, list[str]]]:
        return [(n, cells) for n, cells in self.rows if n > number][:PREVIEW_ROWS]

    def samples(self, position: int) -> list[str]:
        """A few values of the column under the header, for choosing its meaning."""
        values = (cells[position] for _n, cells in self.below(self.header_row) if position < len(cells))
        return list(itertools.islice((v for v in values if v), 3))


def preview(path: Path, sheet: str | None = None, known: Sequence[Column] = (),
            header_row: int | None = None) -> Preview:
    """The first non-blank rows of the file's sheet (FileRejected if it cannot be read)."""
    with raw_rows(path, sheet or None) as (name, sheets, numbered):
        found: list[tuple[int, list[str]]] = []
        for number, cells in numbered:
            if not _is_blank(cells):
                found.append((number, [cell_text(c) for c in cells]))
            if len(found) >= HEADER_SEARCH_ROWS + PREVIEW_ROWS:
                break
    width = max((len(c) for _n, c in found), default=0)
    rows = [(n, [*cells, *[""] * (width - len(cells))]) for n, cells in found]
    names = frozenset(normalise(n) for c in known for n in c.names())
    candidates = rows[:HEADER_SEARCH_ROWS]
    guessed = candidates[likely_header(candidates, names)][0] if candidates else 1
    chosen = header_row if header_row and any(n == header_row for n, _c in rows) else guessed
    return Preview(name, sheets, rows, chosen, width)


# Abbreviations forms use for the school («код ОО», «наименование ОУ»).
_SCHOOL_WORDS = {"оо": "школы", "оу": "школы", "организации": "школы", "организация": "школы",
                 "учреждения": "школы", "учреждение": "школы", "школа": "школы"}


def _plain(text: str) -> str:
    """The header without punctuation, «№» and words in brackets, the school's abbreviations
    spelt out, for a lenient comparison."""
    text = re.sub(r"\([^)]*\)", " ", normalise(text))
    words = re.sub(r"[^\w%]+", " ", text.replace("№", " ")).split()
    return " ".join(_SCHOOL_WORDS.get(w, w) for w in words)


def _likeness(header: str, name: str) -> float:
    """2 the same name, 1.5 the same but for punctuation, 1.2 the name's words all in a header at
    most two words longer, otherwise difflib's ratio of the plain texts."""
    if normalise(header) == normalise(name):
        return 2.0
    plain, other = _plain(header), _plain(name)
    if not plain or not other:
        return 0.0
    if plain == other:
        return 1.5
    words, wanted = plain.split(), other.split()
    if set(wanted) <= set(words) and len(words) - len(wanted) <= 2:
        return 1.2
    return difflib.SequenceMatcher(None, plain, other).ratio()


_NUMBER = re.compile(r"^\d{1,3}$")


def suggest(header: Sequence[str], fields: Sequence[Field], *, tasks: str = "") -> dict[int, str]:
    """The likely field of each header position: the same name, nearly the same name, or, for a
    bare number when the import has task columns, that task. Each field is suggested once."""
    keys = {f.key for f in fields}
    scored: list[tuple[float, int, str]] = []
    for pos, written in enumerate(header):
        if not written:
            continue
        for f in fields:
            best = max(_likeness(written, n) for n in (f.key, f.label, *f.names))
            if best >= SIMILAR:
                scored.append((best, pos, f.key))
        if tasks and _NUMBER.match(written.strip()) and int(written) >= 1:
            scored.append((1.0, pos, tasks.format(n=int(written))))
    chosen: dict[int, str] = {}
    for _score, pos, key in sorted(scored, key=lambda s: (-s[0], s[1])):
        if pos not in chosen and key not in chosen.values() and (key in keys or tasks):
            chosen[pos] = key
    return chosen


def mapping_errors(chosen: dict[int, str], fields: Sequence[Field], values: dict[str, str] | None = None) -> list[str]:
    """Why the chosen mapping cannot be used: a field taken twice, a required field neither
    chosen for a column nor given one value for the whole file."""
    errors = []
    labels = {f.key: f.label for f in fields}
    taken: dict[str, int] = {}
    for pos, key in sorted(chosen.items()):
        if not key:
            continue
        if key in taken:
            errors.append(_("«%(field)s» is chosen for two columns (%(first)d and %(second)d).")
                          % {"field": labels.get(key, key), "first": taken[key] + 1, "second": pos + 1})
        taken.setdefault(key, pos)
    for f in fields:
        if f.required and f.key not in taken and not (values or {}).get(f.key):
            errors.append(_("Choose the column for «%(field)s»: it is required.") % {"field": f.label})
    return errors


def layout_of(preview_: Preview, chosen: dict[int, str], values: dict[str, str] | None = None) -> Layout:
    """The mapping as it is saved and applied: by header text, so column order may change; a
    value given for the whole file holds only where no column was chosen for that field."""
    header = preview_.header()
    columns = {header_name(header, pos): key for pos, key in chosen.items()}
    # Headers left unchosen are skipped explicitly, so a known name among them cannot sneak in.
    for pos in range(len(header)):
        columns.setdefault(header_name(header, pos), "")
    mapped = set(chosen.values())
    fixed = {k: v for k, v in (values or {}).items() if v and k not in mapped}
    return Layout(preview_.sheet, preview_.header_row, columns, fixed)


def fits(layout: Layout, header: Sequence[str]) -> bool:
    """Whether a saved mapping describes a file with this header: every column it maps is there."""
    names = {header_name(header, pos) for pos in range(len(header))}
    wanted = {name for name, key in layout.columns.items() if key and not name.startswith("#")}
    return bool(wanted) and wanted <= names
