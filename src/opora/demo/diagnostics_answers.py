"""Synthetic survey answers for the demo: a school's planted risk pattern turned into the answers
of its head, teachers, pupils and parents (no Django here, numpy only, so it is fast and testable).

Each answer aims at the factor's planted risk plus the respondent's own tilt and the answer's
noise, rounded to a neighbouring scale value at random in proportion to the distance, so that the
mean answer of a group lands on the planted risk (plain rounding would bias it towards the
middle of a coarse scale). The head knows the school: little noise, plain rounding.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from opora.analytics.risk_definition import Definition, Question

HIGH = (0.74, 0.86)  # planted risk of a high factor
MEDIUM = (0.46, 0.54)
LOW = (0.1, 0.28)
SPEEDER_SHARE = 0.04  # pupils and parents who click through faster than they can read
SECONDS_PER_QUESTION = (5.0, 14.0)
SPEEDER_SECONDS_PER_QUESTION = (0.4, 1.5)


@dataclass(frozen=True)
class Pattern:
    """The planted risk (0..1) of every factor of one school."""

    risks: dict[str, float]

    @property
    def high(self) -> list[str]:
        return sorted((f for f, r in self.risks.items() if r >= HIGH[0]), key=lambda f: -self.risks[f])

    def improved(self, rng: np.random.Generator, factors: list[str]) -> Pattern:
        """The same school a year of work later: the factors it worked on went down a level or two."""
        risks = dict(self.risks)
        for f in factors:
            risks[f] = max(LOW[0], risks[f] - float(rng.uniform(0.25, 0.42)))
        return Pattern(risks)


@dataclass(frozen=True)
class Answer:
    answers: dict[str, int]
    seconds: float
    client: str  # stands in for the salted client hash (unique: no duplicates planted)


def rng_for(*parts: object) -> np.random.Generator:
    """A generator that depends only on `parts` (seed, campaign, school): adding a school to the
    demo does not change the answers of another."""
    return np.random.default_rng(zlib.crc32(":".join(map(str, parts)).encode()))


def pattern_plant(rng: np.random.Generator, factors: list[str], *, avoid: frozenset[str] = frozenset()) -> Pattern:
    """2–4 factors high, 2–3 medium, the rest low; `avoid` are never high."""
    order = [str(f) for f in rng.permutation(factors)]
    candidates = [f for f in order if f not in avoid]
    high = candidates[: int(rng.integers(2, 5))]
    rest = [f for f in order if f not in high]
    medium = rest[: int(rng.integers(2, 4))]
    risks: dict[str, float] = {}
    for f in factors:
        band = HIGH if f in high else MEDIUM if f in medium else LOW
        risks[f] = float(rng.uniform(*band))
    return Pattern(risks)


def _targets(definition: Definition, questions: list[Question], pattern: Pattern) -> tuple[np.ndarray, np.ndarray]:
    """Per question: the planted risk of the factor it measures and the answer's direction."""
    by_question = {i.question: i for i in definition.indicators}
    risk, direction = [], []
    for q in questions:
        indicator = by_question.get(q.code)
        risk.append(pattern.risks.get(indicator.factor, 0.5) if indicator else 0.5)
        direction.append(indicator.direction if indicator else 1)
    return np.array(risk), np.array(direction)


def _to_scale(definition: Definition, questions: list[Question], wanted: np.ndarray,
              u: np.ndarray | None) -> np.ndarray:
    """0..1 positions (rows × questions) → scale values; random rounding when `u` is given."""
    out = np.empty(wanted.shape, dtype=int)
    for j, q in enumerate(questions):
        scale = definition.scale(q.scale)
        values = np.array(sorted(scale.values()))
        pos = np.array([scale.normalised(v) for v in values])
        x = wanted[:, j]
        if u is None:
            out[:, j] = values[np.abs(x[:, None] - pos[None, :]).argmin(axis=1)]
            continue
        lower = np.clip(np.searchsorted(pos, x, side="right") - 1, 0, len(pos) - 2)
        frac = (x - pos[lower]) / (pos[lower + 1] - pos[lower])
        out[:, j] = values[lower + (u[:, j] < frac)]
    return out


def group_answers(
    definition: Definition,
    group: str,
    pattern: Pattern,
    count: int,
    rng: np.random.Generator,
    *,
    speeders: bool = True,
    straightliner: bool = False,
) -> list[Answer]:
    """`count` submitted responses of `group` in a school with `pattern`."""
    questions = definition.questions_for(group)
    if count <= 0 or not questions:
        return []
    risk, direction = _targets(definition, questions, pattern)
    if group == "head":
        wanted_risk = np.clip(risk[None, :] + rng.normal(0, 0.04, (count, len(questions))), 0, 1)
        u = None
    else:
        tilt = rng.normal(0, 0.07, (count, 1))
        wanted_risk = np.clip(risk[None, :] + tilt + rng.normal(0, 0.16, (count, len(questions))), 0, 1)
        u = rng.random((count, len(questions)))
    wanted = np.where(direction[None, :] == 1, wanted_risk, 1 - wanted_risk)
    values = _to_scale(definition, questions, wanted, u)
    per_question = rng.uniform(*SECONDS_PER_QUESTION, count)
    if speeders and group in ("pupil", "parent"):
        fast = rng.random(count) < SPEEDER_SHARE
        per_question = np.where(fast, rng.uniform(*SPEEDER_SECONDS_PER_QUESTION, count), per_question)
    if straightliner and count > 1:
        common = set.intersection(*(definition.scale(q.scale).values() for q in questions))
        values[-1, :] = min(common) if common else values[-1, 0]
    codes = [q.code for q in questions]
    clients = rng.integers(0, 2**62, count)
    return [
        Answer(
            answers=dict(zip(codes, map(int, row), strict=True)),
            seconds=round(float(per_question[i]) * len(codes), 1),
            client=f"{int(clients[i]):016x}",
        )
        for i, row in enumerate(values)
    ]
