"""What an import reports back to the page, the task and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opora.core.imports.tabular import FileRejected, HeaderMismatch, RowError


@dataclass
class ImportOutcome:
    """Either `errors` (the file was rejected, nothing changed) or the counts of what was done."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    # Set when the header did not fit: the file may be read again with a column mapping.
    mismatch: HeaderMismatch | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> list[str]:
        if not self.ok:
            count = len(self.errors)
            return [
                ngettext(
                    "The file was rejected: %(count)d problem; nothing was changed.",
                    "The file was rejected: %(count)d problems; nothing was changed.",
                    count,
                )
                % {"count": count}
            ]
        counts = _("created %(created)d, changed %(updated)d, unchanged %(unchanged)d") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        return [counts, *self.notes]

    def as_result(self) -> dict[str, Any]:
        """The shape stored in Job.result."""
        return {
            "summary": self.summary,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def ignored_note(headers: list[str]) -> list[str]:
    """A summary line naming columns nobody read, so a misspelt header does not go unnoticed."""
    if not headers:
        return []
    return [_("columns skipped: %(names)s") % {"names": ", ".join(f"«{h}»" for h in headers)}]


def rejected(errors: list[RowError] | FileRejected) -> ImportOutcome:
    if isinstance(errors, FileRejected):
        return ImportOutcome(errors=errors.errors,
                             mismatch=errors if isinstance(errors, HeaderMismatch) else None)
    return ImportOutcome(errors=errors)
