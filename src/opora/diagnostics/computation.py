"""Computing a campaign's risk profiles from its answers (METHODS.md §7); the background task and
the demo call it, the services queue it.

A profile is always computed with its campaign's own instrument version, so a later version of
the questionnaires never changes or breaks it. Recomputing replaces the computed numbers and keeps
what people decided: the status and who verified, the verified levels with their reasons and the
selection.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from opora.core.models import User
from opora.diagnostics.expected import expected_counts
from opora.diagnostics.models import (
    Campaign,
    CampaignSchool,
    Profile,
    ProfileAction,
    ProfileEvent,
    ProfileFactor,
    ResponseStatus,
    SurveyResponse,
)
from opora.jobs.models import Job

Progress = Callable[[int, int], None]

FACTOR_FIELDS = ["name", "position", "score", "level", "indicators", "groups", "notes"]
PROFILE_FIELDS = ["version", "quality", "trusted", "weak_reasons", "computed_at", "job"]


def clean(value: Any) -> Any:
    """numpy/pandas values → plain JSON-safe Python, recursively; NaN/NA → None."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [clean(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):  # numpy arrays and scalars
        return clean(value.tolist())
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def _frames(campaign: Campaign, schools: list[CampaignSchool], definition: Any) -> tuple[Any, Any]:
    """The responses frame (one query, submitted answers only) and the expected frame."""
    import pandas as pd

    rows = (SurveyResponse.objects.filter(link__campaign_school__campaign=campaign, status=ResponseStatus.SUBMITTED)
            .order_by("pk")
            .values("pk", "link__campaign_school__school_id", "link__group", "client_hash", "seconds", "answers"))
    records = [{"response": r["pk"], "school": r["link__campaign_school__school_id"], "group": r["link__group"],
                "client": r["client_hash"] or "",
                "seconds": float("nan") if r["seconds"] is None else float(r["seconds"]),
                "answers": dict(r["answers"] or {})} for r in rows]
    responses = pd.DataFrame(records, columns=["response", "school", "group", "client", "seconds", "answers"])
    responses = responses.astype({"response": "int64", "school": "int64", "seconds": "float64"})
    expected = expected_counts([cs.school for cs in schools], campaign.year, definition)
    expected_frame = pd.DataFrame(
        [{"school": school, "group": group, "expected": float("nan") if value is None else float(value)}
         for (school, group), value in expected.items()], columns=["school", "group", "expected"])
    expected_frame = expected_frame.astype({"school": "int64", "expected": "float64"})
    return responses, expected_frame


def _by_school(frame: Any) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in frame.to_dict("records"):
        out.setdefault(int(row["school"]), []).append(row)
    return out


def _quality_of(rows: list[dict[str, Any]], groups: list[str]) -> dict[str, dict[str, Any]]:
    """group → the group's quality row (JSON-safe), in the definition's order."""
    by_group = {row["group"]: clean({k: v for k, v in row.items() if k != "school"}) for row in rows}
    return {g: by_group[g] for g in groups if g in by_group}


def _factor_values(row: dict[str, Any] | None, factor: Any, position: int, texts: dict[str, str]) -> dict[str, Any]:
    if row is None:  # the analytics returned nothing for the school: not enough data
        return {"name": factor.name, "position": position, "score": None, "level": "", "indicators": [],
                "groups": {}, "notes": ["no_data"]}
    indicators = clean(list(row.get("indicators") or []))
    for indicator in indicators:
        indicator.setdefault("text", texts.get(indicator.get("question", ""), ""))
    score = clean(row.get("score"))
    return {"name": factor.name, "position": int(row.get("position", position)), "score": score,
            "level": row.get("level") or "", "indicators": indicators, "groups": clean(dict(row.get("groups") or {})),
            "notes": [str(n) for n in clean(list(row.get("notes") or []))]}


def profiles_compute(*, campaign: Campaign, progress: Progress | None = None, actor: User | None = None,
                     job: Job | None = None) -> int:
    """Compute (or recompute) the profile of every school of the campaign; the number computed.

    The answers are read and scored outside the transaction (so a job's progress shows while it
    runs); everything is written in one transaction."""
    from opora.analytics.risk_profile import risk_profiles

    report = progress or (lambda done, total: None)
    report(0, 4)
    definition = campaign.version.parsed()
    schools = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school"))
    responses, expected = _frames(campaign, schools, definition)
    report(1, 4)
    result = risk_profiles(responses, expected, definition)
    report(2, 4)
    with transaction.atomic():
        count = _store(campaign, schools, definition, result, actor=actor, job=job)
    report(4, 4)
    return count


def _store(campaign: Campaign, schools: list[CampaignSchool], definition: Any, result: Any, *,
           actor: User | None, job: Job | None) -> int:
    version = campaign.version
    groups = definition.groups_used()
    texts = {q.code: q.text for q in definition.questions}
    quality = _by_school(result.quality)
    verdicts = {int(r["school"]): r for r in result.schools.to_dict("records")}
    factor_rows: dict[tuple[int, str], dict[str, Any]] = {
        (int(r["school"]), str(r["factor"])): r for r in result.factors.to_dict("records")}
    now = timezone.now()

    existing = {p.campaign_school_id: p for p in Profile.objects.filter(campaign_school__campaign=campaign)}
    new: list[Profile] = []
    for cs in schools:
        profile = existing.get(cs.pk) or Profile(campaign_school=cs)
        verdict = verdicts.get(cs.school_id)
        if verdict is None:  # no row at all: say that nobody answered
            reasons = [{"code": "no_answers", "group": g} for g in groups]
            trusted = False
        else:
            reasons = clean(list(verdict.get("reasons") or []))
            trusted = bool(verdict.get("trusted"))
        profile.version = version
        profile.quality = _quality_of(quality.get(cs.school_id, []), groups)
        profile.trusted = trusted
        profile.weak_reasons = reasons
        profile.computed_at = now
        profile.job = job
        if profile.pk is None:
            new.append(profile)
    Profile.objects.bulk_create(new)
    Profile.objects.bulk_update([p for p in existing.values()], PROFILE_FIELDS)
    profiles = {p.campaign_school_id: p for p in Profile.objects.filter(campaign_school__campaign=campaign)}

    codes = [f.code for f in definition.factors]
    current = {(f.profile_id, f.factor): f for f in ProfileFactor.objects.filter(profile__in=profiles.values())}
    create: list[ProfileFactor] = []
    update: list[ProfileFactor] = []
    for cs in schools:
        profile = profiles[cs.pk]
        for position, factor in enumerate(definition.factors):
            values = _factor_values(factor_rows.get((cs.school_id, factor.code)), factor, position, texts)
            row = current.get((profile.pk, factor.code))
            if row is None:
                create.append(ProfileFactor(profile=profile, factor=factor.code, **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                update.append(row)
    ProfileFactor.objects.bulk_create(create)
    ProfileFactor.objects.bulk_update(update, FACTOR_FIELDS)
    # Factors no longer in the campaign's version (the campaign's version was replaced before answers).
    ProfileFactor.objects.filter(profile__in=profiles.values()).exclude(factor__in=codes).delete()
    ProfileEvent.objects.bulk_create([ProfileEvent(profile=p, action=ProfileAction.COMPUTED, actor=actor)
                                      for p in profiles.values()])
    return len(profiles)
