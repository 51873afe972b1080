"""Reading procedures and subjects as files write them, and scoring a primary score on a scale.

Which scoring a work uses is decided by its scale, not by the procedure alone:
- a scale with mark boundaries (`mark3_from`, `mark4_from`, `mark5_from`) gives marks 2–5:
  every `mark` procedure, and ЕГЭ basic mathematics inside the `test_score` procedure ЕГЭ;
- a scale with a `test_table` gives test scores 0–100: `test_table[primary]`.
A scale of a test-score procedure with neither (no table loaded yet) scores nothing: its result
files must then carry the test scores themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from opora.core.imports.tabular import normalise
from opora.results.models import Procedure, Subject


class ScaleLike(Protocol):
    """What scoring reads from a scale (a `Scale` or anything shaped like one)."""

    max_score: int
    mark3_from: int | None
    mark4_from: int | None
    mark5_from: int | None
    test_table: Sequence[int] | None


def scored_by_marks(scale: ScaleLike) -> bool:
    return None not in (scale.mark3_from, scale.mark4_from, scale.mark5_from)


def _check_score(scale: ScaleLike, primary_score: int) -> None:
    if not 0 <= primary_score <= scale.max_score:
        raise ValueError(f"primary score {primary_score} outside 0..{scale.max_score}")


def mark_for(scale: ScaleLike, primary_score: int) -> int | None:
    """Mark 2–5 for the score, or None when the scale has no mark boundaries."""
    _check_score(scale, primary_score)
    if not scored_by_marks(scale):
        return None
    for mark, bound in ((5, scale.mark5_from), (4, scale.mark4_from), (3, scale.mark3_from)):
        assert bound is not None
        if primary_score >= bound:
            return mark
    return 2


def test_score_for(scale: ScaleLike, primary_score: int) -> int | None:
    """Test score 0–100 for the score, or None when the scale has no primary → test table."""
    _check_score(scale, primary_score)
    if not scale.test_table:
        return None
    return int(scale.test_table[primary_score])


test_score_for.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported


# --- Names ------------------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[().,]")


def match_key(text: str) -> str:
    """How names are compared: case, ё/е, brackets, dots and extra spaces do not matter."""
    return normalise(_PUNCTUATION.sub(" ", text))


@dataclass(frozen=True)
class SubjectIndex:
    """All subjects, found by code, name or another spelling; load once per import."""

    by_key: dict[str, Subject]
    subjects: tuple[Subject, ...]

    @classmethod
    def load(cls, subjects: Iterable[Subject] | None = None) -> SubjectIndex:
        items = tuple(Subject.objects.all() if subjects is None else subjects)
        by_key: dict[str, Subject] = {}
        for subject in items:
            # Codes first, so a name can never shadow another subject's code.
            by_key.setdefault(match_key(subject.code), subject)
        for subject in items:
            for name in (subject.name, *subject.aliases):
                by_key.setdefault(match_key(str(name)), subject)
        return cls(by_key, items)

    def find(self, text: str) -> Subject | None:
        return self.by_key.get(match_key(text)) if text.strip() else None

    def accepted(self) -> str:
        """For error messages: «Русский язык (rus), …»."""
        return ", ".join(f"{s.name} ({s.code})" for s in self.subjects)


@dataclass(frozen=True)
class ProcedureIndex:
    """All procedures, found by code (or name: «ВПР» works as well as «vpr»)."""

    by_key: dict[str, Procedure]
    procedures: tuple[Procedure, ...]

    @classmethod
    def load(cls, procedures: Iterable[Procedure] | None = None) -> ProcedureIndex:
        items = tuple(Procedure.objects.all() if procedures is None else procedures)
        by_key: dict[str, Procedure] = {}
        for procedure in items:
            by_key.setdefault(match_key(procedure.code), procedure)
        for procedure in items:
            by_key.setdefault(match_key(procedure.name), procedure)
        return cls(by_key, items)

    def find(self, text: str) -> Procedure | None:
        return self.by_key.get(match_key(text)) if text.strip() else None

    def accepted(self) -> str:
        return ", ".join(f"{p.code} ({p.name})" for p in self.procedures)


def subject_find(text: str) -> Subject | None:
    """One subject by code, name or other spelling (loads all subjects: use SubjectIndex in loops)."""
    return SubjectIndex.load().find(text)


def procedure_find(text: str) -> Procedure | None:
    """One procedure by code or name."""
    return ProcedureIndex.load().find(text)
