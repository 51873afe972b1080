"""Meetings and decisions: the list of meetings, a meeting's protocol (edit, DOCX), its decisions
with their owners, each owner's part closed with evidence, the decisions across meetings (filters,
XLSX) and a school's decisions.

No VIEW_SUPPORT anywhere → 403; a meeting, decision or part outside the user's scope → 404; an
action the user may not take → 403.

One module per part: `meeting` (the list and one meeting), `decisions` (decisions, owners' parts,
decisions across meetings), `lookups` (what they share).
"""

from __future__ import annotations

from opora.support.views.meetings.decisions import (
    decision_delete,
    decision_edit,
    decision_status,
    decisions,
    part_detail,
    part_file,
    part_remove,
    part_reopen,
    school_decisions,
)
from opora.support.views.meetings.meeting import (
    home,
    meeting_delete,
    meeting_detail,
    meeting_edit,
    meeting_new,
    protocol,
)

__all__ = [
    "decision_delete", "decision_edit", "decision_status", "decisions", "home", "meeting_delete", "meeting_detail",
    "meeting_edit", "meeting_new", "part_detail", "part_file", "part_remove", "part_reopen", "protocol",
    "school_decisions",
]
