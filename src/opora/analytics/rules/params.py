"""The parameters a region edits in a rule set (`RuleParams`), each validated on construction, and
the shipped defaults of each kind."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np

from opora.analytics.objectivity import ObjectivityConfig
from opora.analytics.swi import DEFAULT_SIGNS, SwiConfig

KINDS = ("federal", "municipal", "quality")
CONNECTIVES = ("and", "or")
SELECTS = ("share", "threshold")
CRITERIA = ("core_fail", "core_high", "other_fail", "inclusions", "objectivity")
MEASURES = ("quality_index", "core_fail_share")  # the result the expected-result model explains
DYNAMICS = ("improved", "stable", "declined")
TYPOLOGY = ("resilient", "disadvantaged", "underperforming", "favourable", "typical")
REASON_LOW = "low_results"
REASON_KEPT = "kept_objectivity"
Z95 = 1.96


def _objectivity_dict(value: Any) -> dict[str, Any]:
    """The objectivity settings as a full dict, validated by ObjectivityConfig."""
    if isinstance(value, ObjectivityConfig):
        return value.to_dict()
    if not isinstance(value, Mapping):
        raise ValueError("objectivity: must be a mapping of settings")
    try:
        return ObjectivityConfig.from_dict(dict(value)).to_dict()
    except (TypeError, ValueError) as error:
        raise ValueError(f"objectivity: {error}") from None


def _swi_default() -> dict[str, Any]:
    return {"signs": dict(DEFAULT_SIGNS), "min_indicators": 3, "adverse_stanines": [1, 2, 3]}


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def _int(name: str, value: Any, low: int, high: int | None = None) -> int:
    if not _is_int(value) or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name}: must be a whole number {bound}")
    return int(value)


def _share(name: str, value: Any, *, zero: bool = False) -> float:
    if not _is_number(value) or not (0 <= float(value) <= 1) or (not zero and float(value) == 0):
        raise ValueError(f"{name}: must be a number in {'[0, 1]' if zero else '(0, 1]'}")
    return float(value)


def _rate(name: str, value: Any) -> float:
    if not _is_number(value) or not (0 < float(value) <= 0.5):
        raise ValueError(f"{name}: must be a share in (0, 0.5]")
    return float(value)


def _choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValueError(f"{name}: must be one of {', '.join(options)}")
    return str(value)


def _names(name: str, value: Any, *, optional: bool = False) -> tuple[str, ...] | None:
    if value is None and optional:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value \
            or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{name}: must be a non-empty list of codes{' or null' if optional else ''}")
    return tuple(value)


def _weights(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise ValueError("weights: must be a mapping of criterion to weight")
    unknown = sorted(set(value) - set(CRITERIA))
    if unknown:
        raise ValueError(f"weights: unknown criteria {', '.join(map(str, unknown))}")
    out = {c: 1.0 for c in CRITERIA}
    for key, weight in value.items():
        if not _is_number(weight) or weight < 0:
            raise ValueError(f"weights: {key} must be a number ≥ 0")
        out[key] = float(weight)
    if not any(out.values()):
        raise ValueError("weights: at least one weight must be positive")
    return out


def _quality_selection(value: Any) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, Mapping) or not value:
        raise ValueError("quality_selection: must map procedures to lists of grades")
    out: dict[str, tuple[int, ...]] = {}
    for procedure, grades in value.items():
        if not isinstance(procedure, str) or not procedure or not isinstance(grades, list | tuple) or not grades \
                or not all(_is_int(g) and 1 <= g <= 11 for g in grades):
            raise ValueError("quality_selection: must map procedures to non-empty lists of grades 1–11")
        out[procedure] = tuple(int(g) for g in grades)
    return out


def _swi(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("swi: must be a mapping with signs, min_indicators, adverse_stanines")
    unknown = sorted(set(value) - {"signs", "min_indicators", "adverse_stanines"})
    if unknown:
        raise ValueError(f"swi: unknown settings {', '.join(map(str, unknown))}")
    out = {**_swi_default(), **value}
    if not isinstance(out["signs"], Mapping) or not _is_int(out["min_indicators"]) \
            or not isinstance(out["adverse_stanines"], list | tuple) \
            or not all(_is_int(s) for s in out["adverse_stanines"]):
        raise ValueError("swi: signs must be a mapping, min_indicators and adverse_stanines whole numbers")
    try:
        config = SwiConfig(signs={str(k): v for k, v in out["signs"].items()},
                           min_indicators=int(out["min_indicators"]),
                           adverse_stanines=tuple(int(s) for s in out["adverse_stanines"]))
    except ValueError as error:
        raise ValueError(f"swi: {error}") from None
    return {"signs": dict(config.signs), "min_indicators": config.min_indicators,
            "adverse_stanines": list(config.adverse_stanines)}


@dataclass(frozen=True)
class RuleParams:
    """One rule set's parameters. Every field is validated on construction (ValueError
    "<field>: <problem>"); lists arrive as tuples/lists, mappings as dicts."""

    kind: str = "federal"
    procedures: tuple[str, ...] = ("vpr", "oge", "ege")
    subjects: tuple[str, ...] | None = None  # None: every subject
    min_participants: int = 10
    fail_bar: float = 0.30
    min_procedures: int = 2
    connective: str = "and"
    years: int = 2  # municipal window: the last `years` years including the year under study
    weights: dict[str, float] = field(default_factory=lambda: {c: 1.0 for c in CRITERIA})
    select: str = "share"
    share: float = 0.10
    rank_threshold: float = 0.9
    quality_selection: dict[str, tuple[int, ...]] = field(default_factory=lambda: {"vpr": (5, 6), "oge": (9,)})
    k: int = 9
    low_groups: int = 3
    swi: dict[str, Any] = field(default_factory=_swi_default)
    expected_measure: str = "quality_index"
    decline_bar: float = 0.10
    # Shares of ordinary schools marked by chance (school_change.py): improved or declined, at decline risk.
    dynamics_fpr: float = 0.03
    decline_fpr: float = 0.01
    objectivity: dict[str, Any] = field(default_factory=lambda: ObjectivityConfig().to_dict())

    def __post_init__(self) -> None:
        checked: dict[str, Any] = {
            "kind": _choice("kind", self.kind, KINDS),
            "procedures": _names("procedures", self.procedures),
            "subjects": _names("subjects", self.subjects, optional=True),
            "min_participants": _int("min_participants", self.min_participants, 1),
            "fail_bar": _share("fail_bar", self.fail_bar),
            "min_procedures": _int("min_procedures", self.min_procedures, 1),
            "connective": _choice("connective", self.connective, CONNECTIVES),
            "years": _int("years", self.years, 1, 10),
            "weights": _weights(self.weights),
            "select": _choice("select", self.select, SELECTS),
            "share": _share("share", self.share),
            "rank_threshold": _share("rank_threshold", self.rank_threshold, zero=True),
            "quality_selection": _quality_selection(self.quality_selection),
            "k": _int("k", self.k, 1, 50),
            "swi": _swi(self.swi),
            "expected_measure": _choice("expected_measure", self.expected_measure, MEASURES),
            "decline_bar": _share("decline_bar", self.decline_bar),
            "dynamics_fpr": _rate("dynamics_fpr", self.dynamics_fpr),
            "decline_fpr": _rate("decline_fpr", self.decline_fpr),
            "objectivity": _objectivity_dict(self.objectivity),
        }
        checked["low_groups"] = _int("low_groups", self.low_groups, 1, checked["k"])
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleParams:
        """Params from a (possibly partial) dict: absent fields take their defaults."""
        if not isinstance(data, Mapping):
            raise ValueError("params: must be a mapping")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"{unknown[0]}: unknown setting")
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (tuples as lists); `from_dict(to_dict())` gives equal params."""
        out = asdict(self)
        out["procedures"] = list(self.procedures)
        out["subjects"] = None if self.subjects is None else list(self.subjects)
        out["quality_selection"] = {p: list(g) for p, g in self.quality_selection.items()}
        return out

    def perturbed(self, factor: float) -> RuleParams:
        """The same rule with every selection threshold × factor (fail_bar, share, decline_bar
        capped to (0, 1]; rank_threshold clipped to [0, 1]). low_groups, a whole number of
        groups, moves by one group in the factor's direction (within 1..k)."""
        if not _is_number(factor) or factor <= 0:
            raise ValueError("factor: must be a positive number")
        step = 0 if factor == 1 else (1 if factor > 1 else -1)
        return replace(
            self,
            fail_bar=min(1.0, self.fail_bar * factor),
            share=min(1.0, self.share * factor),
            rank_threshold=float(np.clip(self.rank_threshold * factor, 0.0, 1.0)),
            decline_bar=min(1.0, self.decline_bar * factor),
            low_groups=int(np.clip(self.low_groups + step, 1, self.k)),
        )

    def swi_config(self) -> SwiConfig:
        return SwiConfig(signs=dict(self.swi["signs"]), min_indicators=self.swi["min_indicators"],
                         adverse_stanines=tuple(self.swi["adverse_stanines"]))

    def selection_rule(self) -> dict[str, Any]:
        """The parameters the selection of this kind uses (what the evidence shows as "rule")."""
        keys = {
            "federal": ("kind", "procedures", "subjects", "min_participants", "fail_bar", "min_procedures",
                        "connective"),
            "municipal": ("kind", "procedures", "subjects", "min_participants", "years", "weights", "select",
                          "share", "rank_threshold"),
            "quality": ("kind", "quality_selection", "k", "low_groups", "min_participants"),
        }[self.kind]
        data = self.to_dict()
        return {key: data[key] for key in keys}


DEFAULT_RULE_SETS: dict[str, dict[str, Any]] = {
    kind: RuleParams(kind=kind).to_dict() for kind in KINDS
}
