"""identify() over many populations at once equals one call per population."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from opora.analytics.identify import Identification, identify
from opora.analytics.rules import RuleParams

from .identify_data import Region, build_region

# Three regions unlike each other: sizes, seeds, a region-wide jump, one too small for the model.
REGIONS = {"r1": {"seed": 4}, "r2": {"seed": 11, "ordinary": 30, "jump": 0.6}, "r3": {"seed": 23, "ordinary": 3}}


def _prefixed(region: Region, prefix: str) -> Region:
    def codes(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(school_code=prefix + frame["school_code"].astype(str))

    return Region(works=codes(region.works), tasks=codes(region.tasks),
                  schools=codes(region.schools).assign(municipality_code=prefix + region.schools["municipality_code"]),
                  passports=codes(region.passports), history=codes(region.history), year=region.year)


@cache
def regions() -> dict[str, Region]:
    return {name: _prefixed(build_region(**kwargs), f"{name}-") for name, kwargs in REGIONS.items()}


def _alone(name: str, params: RuleParams) -> Identification:
    r = regions()[name]
    return identify(r.works, r.tasks, r.schools, r.passports, r.history, r.year, params)


def _together(params: RuleParams) -> Identification:
    parts = regions()
    frames = {f: pd.concat([getattr(r, f) for r in parts.values()], ignore_index=True)
              for f in ("works", "tasks", "passports", "history")}
    schools = pd.concat([r.schools.assign(population=name) for name, r in parts.items()], ignore_index=True)
    return identify(frames["works"], frames["tasks"], schools, frames["passports"], frames["history"],
                    parts["r1"].year, params)


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, allow_nan=False)


@pytest.mark.parametrize("kind", ["federal", "municipal", "quality"])
def test_one_call_for_many_populations_equals_one_call_each(kind: str) -> None:
    params = RuleParams.from_dict({"kind": kind})
    together = _together(params)
    alone = {name: _alone(name, params) for name in REGIONS}
    expected = pd.concat([a.schools for a in alone.values()], ignore_index=True)
    pd.testing.assert_frame_equal(together.schools, expected, check_exact=True)
    evidence = {code: flags for a in alone.values() for code, flags in a.evidence.items()}
    assert _json(together.evidence) == _json(evidence)
    assert _json(together.population) == _json({name: a.population for name, a in alone.items()})


def test_each_population_is_judged_against_its_own_schools() -> None:
    """The regions differ (r2 fails more after its jump), so pooled verdicts would differ."""
    params = RuleParams.from_dict({"kind": "municipal"})
    together = _together(params).schools
    pooled_schools = pd.concat([r.schools for r in regions().values()], ignore_index=True)
    parts = regions().values()
    pooled = identify(pd.concat([r.works for r in parts]), pd.concat([r.tasks for r in parts]), pooled_schools,
                      pd.concat([r.passports for r in parts]), pd.concat([r.history for r in parts]),
                      regions()["r1"].year, params).schools
    assert not together["low_results"].equals(pooled["low_results"])
