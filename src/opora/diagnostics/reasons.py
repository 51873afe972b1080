"""Reason and note codes of a risk profile (from `opora.analytics.risk_profile`) as sentences a
person reads. The API returns the raw codes with their numbers; pages show these sentences.

School reasons are dicts `{"code": ..., numbers...}`; factor notes are strings `code[:group]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext


def group_name(group: str) -> str:
    """A respondent group's name for headings and sentences (capitalised)."""
    names = {
        "head": pgettext("respondent group", "Head"),
        "teacher": pgettext("respondent group", "Teachers"),
        "pupil": pgettext("respondent group", "Pupils"),
        "parent": pgettext("respondent group", "Parents"),
    }
    return names.get(group, group)


def level_name(level: str) -> str:
    names = {"high": pgettext("risk level", "high"), "medium": pgettext("risk level", "medium"),
             "low": pgettext("risk level", "low")}
    return names.get(level or "", _("no data"))


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    try:
        return number_format(float(value), decimal_pos=digits)
    except (TypeError, ValueError):
        return str(value)


def _pct(value: Any) -> str:
    if value is None:
        return "—"
    try:
        return number_format(round(float(value) * 100), decimal_pos=0)
    except (TypeError, ValueError):
        return str(value)


def _int(value: Any) -> int:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return 0


def reason_text(reason: Mapping[str, Any], factor_names: Mapping[str, str] | None = None) -> str:
    """One school reason (why the answers are not reliable, or an informational note)."""
    code = reason.get("code", "")
    group = group_name(str(reason.get("group", "")))
    if code == "no_answers":
        return _("%(group)s: nobody answered.") % {"group": group}
    if code == "too_few":
        used = _int(reason.get("used"))
        return ngettext(
            "%(group)s: only %(used)s usable answer, at least %(min)s are needed.",
            "%(group)s: only %(used)s usable answers, at least %(min)s are needed.", used,
        ) % {"group": group, "used": used, "min": _int(reason.get("min"))}
    if code == "rate_low":
        return _("%(group)s: %(used)s answered of about %(expected)s expected (%(rate)s%%), "
                 "at least %(min_rate)s%% are needed.") % {
            "group": group, "used": _int(reason.get("used")), "expected": _num(reason.get("expected"), 0),
            "rate": _pct(reason.get("rate")), "min_rate": _pct(reason.get("min_rate"))}
    if code == "flagged":
        return _("%(group)s: %(share)s%% of the answers were set aside (more than %(max)s%% is too many): "
                 "too fast %(too_fast)s, the same answer everywhere %(straightlining)s, repeated %(duplicate)s.") % {
            "group": group, "share": _pct(reason.get("share")), "max": _pct(reason.get("max")),
            "too_fast": _int(reason.get("too_fast")), "straightlining": _int(reason.get("straightlining")),
            "duplicate": _int(reason.get("duplicate"))}
    if code == "divergence":
        factor = str(reason.get("factor", ""))
        name = (factor_names or {}).get(factor, factor)
        return _("«%(factor)s»: the head's score %(head)s and the score of the group «%(group)s» %(other)s "
                 "differ by %(diff)s.") % {
            "factor": name, "group": group, "head": _num(reason.get("head")), "other": _num(reason.get("other")),
            "diff": _num(reason.get("diff"))}
    if code == "expected_unknown":
        return _("%(group)s: the expected number of respondents is unknown (the school's size is missing), "
                 "so the response rate is not checked.") % {"group": group}
    return str(code)


def note_text(note: str) -> str:
    """One factor note: `too_few:<group>`, `divergence:<group>` or `no_data`."""
    code, _sep, group = str(note).partition(":")
    if code == "too_few":
        return _("%(group)s: too few answers, left out of this factor.") % {"group": group_name(group)}
    if code == "divergence":
        return _("The head and the group «%(group)s» see this factor differently.") % {"group": group_name(group)}
    if code == "no_data":
        return _("Not enough answers to score this factor.")
    return str(note)


def is_note(reason: Mapping[str, Any]) -> bool:
    """Informational reasons do not make the answers unreliable."""
    return bool(reason.get("note"))
