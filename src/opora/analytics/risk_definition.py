"""A risk-profile instrument as data: the risk factors, the questionnaires of each respondent
group, the answer scales, which answers feed which factor (weight and direction), the response
limits per group and the cut-offs of the levels (METHODS.md §7).

An instrument version stores `Definition.to_dict()` as JSON; `Definition.from_dict()` validates it
and says what is wrong in plain words (the page shows the message). No Django here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

GROUPS = ("head", "teacher", "pupil", "parent")
LEVELS = ("high", "medium", "low")
# How the expected number of respondents of a group is taken: one person, the teachers of the
# school's social passport, or a share of the school's enrolment.
EXPECTED_BASES = ("one", "teachers", "enrolment")


@dataclass(frozen=True)
class ScaleOption:
    value: int
    label: str


@dataclass(frozen=True)
class Scale:
    code: str
    options: tuple[ScaleOption, ...]

    @property
    def low(self) -> int:
        return min(o.value for o in self.options)

    @property
    def high(self) -> int:
        return max(o.value for o in self.options)

    def values(self) -> set[int]:
        return {o.value for o in self.options}

    def normalised(self, value: float) -> float:
        """The answer on 0..1 from the scale's lowest to its highest value."""
        return (value - self.low) / (self.high - self.low)


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Question:
    code: str
    group: str  # head | teacher | pupil | parent
    section: str  # a screen of the questionnaire: questions of one section are shown together
    text: str
    scale: str


@dataclass(frozen=True)
class Indicator:
    """One question feeding one factor: its 0..1 score in the risk direction, with a weight.

    direction +1: a higher answer means a higher risk; -1: a higher answer means a lower risk.
    """

    factor: str
    question: str
    weight: float = 1.0
    direction: int = 1


@dataclass(frozen=True)
class GroupRule:
    """Response limits of a respondent group.

    expected = 1 (basis "one"), the passport's teachers × share ("teachers"), or the school's
    enrolment × share ("enrolment"); the group counts for a factor only with at least
    `min_respondents` usable answers; a response rate below `min_rate` makes the profile weak.
    """

    group: str
    basis: str
    share: float = 1.0
    min_respondents: int = 1
    min_rate: float = 0.0
    anonymous: bool = False


@dataclass(frozen=True)
class LevelRule:
    """Levels from the factor score: by cut-offs (score ≥ high → high, ≥ medium → medium) or by
    percentile among the schools computed together (≥ high_percentile → high, …)."""

    method: str = "cutoffs"  # cutoffs | percentile
    high: float = 0.6
    medium: float = 0.4
    high_percentile: float = 0.75
    medium_percentile: float = 0.5


@dataclass(frozen=True)
class QualityRule:
    """Checks of the answers before a profile is trusted (METHODS.md §7, Opora's defaults).

    A response is too fast below `min_seconds_per_question` per answered question; it is
    straight-lining when every answer in every section of at least `straightline_min_questions`
    questions is the same value; a group is weak when more than `max_flagged_share` of its responses
    were flagged; the head's picture diverges from the teachers' or pupils' for a factor when their
    scores differ by `divergence` or more.
    """

    min_seconds_per_question: float = 2.0
    straightline_min_questions: int = 5
    max_flagged_share: float = 0.3
    divergence: float = 0.3


@dataclass(frozen=True)
class Definition:
    factors: tuple[Factor, ...]
    scales: tuple[Scale, ...]
    questions: tuple[Question, ...]
    indicators: tuple[Indicator, ...]
    groups: tuple[GroupRule, ...]
    levels: LevelRule = field(default_factory=LevelRule)
    quality: QualityRule = field(default_factory=QualityRule)

    # --- lookups -------------------------------------------------------------------------------

    def scale(self, code: str) -> Scale:
        return {s.code: s for s in self.scales}[code]

    def question(self, code: str) -> Question:
        return {q.code: q for q in self.questions}[code]

    def factor(self, code: str) -> Factor:
        return {f.code: f for f in self.factors}[code]

    def group_rule(self, group: str) -> GroupRule:
        return {g.group: g for g in self.groups}[group]

    def questions_for(self, group: str) -> list[Question]:
        return [q for q in self.questions if q.group == group]

    def sections_for(self, group: str) -> list[tuple[str, list[Question]]]:
        """The screens of a group's questionnaire in order: (section title, its questions)."""
        sections: dict[str, list[Question]] = {}
        for q in self.questions_for(group):
            sections.setdefault(q.section, []).append(q)
        return list(sections.items())

    def indicators_for(self, factor: str) -> list[Indicator]:
        return [i for i in self.indicators if i.factor == factor]

    def groups_used(self) -> list[str]:
        """Respondent groups that have questions, in the canonical order."""
        have = {q.group for q in self.questions}
        return [g for g in GROUPS if g in have]

    # --- (de)serialisation --------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Definition:
        """Parse and validate; ValueError with a readable (Russian) message on the first problem."""
        try:
            definition = cls(
                factors=tuple(Factor(**f) for f in data["factors"]),
                scales=tuple(Scale(code=s["code"], options=tuple(ScaleOption(**o) for o in s["options"]))
                             for s in data["scales"]),
                questions=tuple(Question(**q) for q in data["questions"]),
                indicators=tuple(Indicator(**i) for i in data["indicators"]),
                groups=tuple(GroupRule(**g) for g in data["groups"]),
                levels=LevelRule(**data.get("levels", {})),
                quality=QualityRule(**data.get("quality", {})),
            )
        except KeyError as error:
            raise ValueError(f"нет раздела или поля {error}") from error
        except TypeError as error:
            raise ValueError(f"неизвестное или пропущенное поле: {error}") from error
        definition.validate()
        return definition

    def validate(self) -> None:
        problems = definition_problems(self)
        if problems:
            raise ValueError("; ".join(problems))


def _duplicates(codes: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({c for c in codes if c in seen or seen.add(c)})  # type: ignore[func-returns-value]


def definition_problems(d: Definition) -> list[str]:
    """Every problem of a definition, in Russian (empty when it is sound)."""
    problems: list[str] = []
    for what, codes in (("фактора", [f.code for f in d.factors]), ("шкалы", [s.code for s in d.scales]),
                        ("вопроса", [q.code for q in d.questions]), ("группы", [g.group for g in d.groups])):
        for code in _duplicates(codes):
            problems.append(f"код {what} «{code}» повторяется")
        for code in codes:
            if not str(code).strip():
                problems.append(f"пустой код {what}")
    if not d.factors:
        problems.append("нет ни одного фактора риска")
    scales = {s.code: s for s in d.scales}
    for s in d.scales:
        if len(s.options) < 2:
            problems.append(f"в шкале «{s.code}» меньше двух вариантов ответа")
        elif len(s.values()) != len(s.options):
            problems.append(f"в шкале «{s.code}» повторяются значения")
    rules = {g.group for g in d.groups}
    for g in d.groups:
        if g.group not in GROUPS:
            problems.append(f"неизвестная группа респондентов «{g.group}» (допустимы: {', '.join(GROUPS)})")
        if g.basis not in EXPECTED_BASES:
            problems.append(f"группа «{g.group}»: неизвестное основание «{g.basis}» "
                            f"(допустимы: {', '.join(EXPECTED_BASES)})")
        if g.min_respondents < 1:
            problems.append(f"группа «{g.group}»: минимум респондентов должен быть не меньше 1")
        if not 0 <= g.min_rate <= 1 or g.share <= 0:
            problems.append(f"группа «{g.group}»: доля должна быть от 0 до 1")
    questions = {q.code: q for q in d.questions}
    for q in d.questions:
        if q.group not in GROUPS:
            problems.append(f"вопрос «{q.code}»: неизвестная группа «{q.group}»")
        elif q.group not in rules:
            problems.append(f"вопрос «{q.code}»: для группы «{q.group}» не заданы правила")
        if q.scale not in scales:
            problems.append(f"вопрос «{q.code}»: нет шкалы «{q.scale}»")
        if not q.text.strip():
            problems.append(f"вопрос «{q.code}»: пустой текст")
    factors = {f.code for f in d.factors}
    for i in d.indicators:
        if i.factor not in factors:
            problems.append(f"показатель «{i.question}»: нет фактора «{i.factor}»")
        if i.question not in questions:
            problems.append(f"показатель фактора «{i.factor}»: нет вопроса «{i.question}»")
        if not i.weight > 0:
            problems.append(f"показатель «{i.question}» → «{i.factor}»: вес должен быть больше 0")
        if i.direction not in (1, -1):
            problems.append(f"показатель «{i.question}» → «{i.factor}»: направление должно быть 1 или -1")
    for f in d.factors:
        if not d.indicators_for(f.code):
            problems.append(f"фактор «{f.code}» не измеряется ни одним вопросом")
    lv = d.levels
    if lv.method not in ("cutoffs", "percentile"):
        problems.append("способ уровней: cutoffs или percentile")
    if not 0 <= lv.medium < lv.high <= 1:
        problems.append("пороги уровней: 0 ≤ средний < высокий ≤ 1")
    if not 0 <= lv.medium_percentile < lv.high_percentile <= 1:
        problems.append("процентили уровней: 0 ≤ средний < высокий ≤ 1")
    if d.quality.min_seconds_per_question < 0 or not 0 < d.quality.max_flagged_share <= 1:
        problems.append("правила качества ответов заданы неверно")
    return problems


def default_definition() -> Definition:
    """Opora's shipped instrument: its approximation of FIOKO's «500+» questionnaires."""
    text = resources.files("opora.analytics").joinpath("risk_default.json").read_text(encoding="utf-8")
    return Definition.from_dict(json.loads(text))
