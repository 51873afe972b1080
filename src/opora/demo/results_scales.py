"""Scales and task specifications of the demo works: ВПР, ОГЭ and ЕГЭ, 2023–2025.

Pure data, no Django. Maximum scores and boundaries are close to the published ones but not
copies of them; ЕГЭ minimum test scores are the 2026 ones (METHODS.md §1). A work's tasks are the
same every year (so years compare task by task); mark boundaries move by a point now and then.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

RESULT_YEARS: tuple[int, ...] = (2023, 2024, 2025)

# code: (name, score kind)
PROCEDURES: dict[str, tuple[str, str]] = {
    "vpr": ("ВПР", "mark"),
    "oge": ("ОГЭ", "mark"),
    "ege": ("ЕГЭ", "test_score"),
}
# code: (name, counted as Russian or mathematics)
SUBJECTS: dict[str, tuple[str, bool]] = {
    "rus": ("Русский язык", True),
    "math": ("Математика", True),
    "math_base": ("Математика (базовая)", True),
    "math_prof": ("Математика (профильная)", True),
    "okr": ("Окружающий мир", False),
    "hist": ("История", False),
    "soc": ("Обществознание", False),
    "bio": ("Биология", False),
    "geo": ("География", False),
    "phys": ("Физика", False),
    "chem": ("Химия", False),
    "inf": ("Информатика", False),
    "lit": ("Литература", False),
    "eng": ("Английский язык", False),
}

# ВПР: grade → {subject: max primary score}; boundaries as shares of the maximum.
VPR_WORKS: dict[int, dict[str, int]] = {
    4: {"rus": 38, "math": 20, "okr": 32},
    5: {"rus": 45, "math": 20, "hist": 15, "bio": 29},
    6: {"rus": 51, "math": 20, "geo": 37, "bio": 28},
    7: {"rus": 47, "math": 19, "hist": 25, "geo": 39},
    8: {"rus": 51, "math": 25, "bio": 35, "geo": 37},
}
VPR_BOUNDARIES = (0.34, 0.62, 0.86)
# ОГЭ (grade 9): subject → (max, mark3_from, mark4_from, mark5_from).
OGE_WORKS: dict[str, tuple[int, int, int, int]] = {
    "rus": (37, 15, 26, 33),
    "math": (31, 8, 15, 22),
    "soc": (37, 14, 24, 32),
    "geo": (31, 12, 19, 25),
    "bio": (48, 13, 26, 37),
    "inf": (19, 5, 11, 17),
    "phys": (45, 11, 23, 34),
    "chem": (40, 10, 21, 31),
    "eng": (68, 29, 46, 58),
}
OGE_ELECTIVES: dict[str, float] = {
    "soc": 0.34,
    "geo": 0.2,
    "bio": 0.14,
    "inf": 0.16,
    "phys": 0.06,
    "chem": 0.05,
    "eng": 0.05,
}
# ЕГЭ (grade 11): subject → (max primary score, minimum test score 2026).
EGE_WORKS: dict[str, tuple[int, int]] = {
    "rus": (50, 24),
    "math_prof": (32, 27),
    "soc": (58, 42),
    "phys": (45, 36),
    "hist": (42, 32),
    "bio": (59, 36),
    "chem": (56, 36),
    "inf": (29, 40),
    "lit": (48, 32),
    "eng": (82, 22),
    "geo": (47, 37),
}
EGE_ELECTIVES: dict[str, float] = {
    "soc": 0.32,
    "phys": 0.13,
    "hist": 0.1,
    "bio": 0.12,
    "chem": 0.08,
    "inf": 0.12,
    "lit": 0.04,
    "eng": 0.07,
    "geo": 0.02,
}
EGE_MATH_BASE = (21, 7, 12, 17)  # basic maths is marked 2–5 and passes with mark 3
EGE_HIGH_BAR = 70

SKILLS: dict[str, tuple[str, ...]] = {
    "rus": (
        "Умение писать текст под диктовку с соблюдением норм орфографии и пунктуации",
        "Умение проводить морфемный и словообразовательный анализ слов",
        "Умение проводить морфологический анализ слова",
        "Умение распознавать члены предложения и проводить синтаксический анализ",
        "Умение определять тему и основную мысль текста",
        "Умение распознавать значение слова в контексте",
        "Умение ставить знаки препинания в сложном предложении",
        "Умение строить речевое высказывание в письменной форме",
    ),
    "math": (
        "Умение выполнять арифметические действия с натуральными числами",
        "Умение выполнять действия с обыкновенными и десятичными дробями",
        "Умение решать текстовые задачи",
        "Умение читать и строить графики и диаграммы",
        "Умение решать линейные уравнения",
        "Умение применять геометрические понятия и теоремы",
        "Умение извлекать информацию из таблиц",
        "Умение проводить логические рассуждения",
    ),
    "okr": (
        "Умение различать природные объекты и явления",
        "Умение описывать строение организма человека",
        "Умение работать с картой и глобусом",
        "Умение проводить несложные наблюдения и опыты",
        "Знание правил безопасного поведения",
    ),
    "hist": (
        "Умение работать с исторической картой",
        "Умение соотносить события и даты",
        "Умение работать с историческим источником",
        "Знание исторических деятелей и их роли",
        "Умение объяснять причины и следствия событий",
    ),
    "bio": (
        "Умение распознавать организмы и их части",
        "Умение объяснять процессы жизнедеятельности",
        "Умение работать с биологическими схемами и таблицами",
        "Умение проводить биологические наблюдения",
        "Знание систематики живых организмов",
    ),
    "geo": (
        "Умение работать с географической картой",
        "Умение определять координаты и расстояния",
        "Умение объяснять природные явления",
        "Знание населения и хозяйства России",
        "Умение читать климатограммы",
    ),
}
_GENERIC_SKILLS: tuple[str, ...] = (
    "Знание основных понятий предмета",
    "Умение применять знания в знакомой ситуации",
    "Умение анализировать информацию, представленную в разных формах",
    "Умение решать задачи в новой ситуации",
    "Умение обосновывать свой ответ",
)
DIFFICULTY_LETTERS = {"basic": "Б", "advanced": "П", "high": "В"}
# Where each difficulty sits on the ability scale (pupil ability is standard normal).
DIFFICULTY_LOCATION = {"basic": -0.7, "advanced": 0.45, "high": 1.5}


@dataclass(frozen=True)
class TaskRow:
    number: int
    max_score: int
    difficulty: str  # basic | advanced | high
    skill: str
    codifier: str


@dataclass(frozen=True)
class ScaleRow:
    """One work: procedure × year × subject × grade, with its tasks."""

    procedure: str
    year: int
    subject: str
    grade: int
    max_score: int
    mark3_from: int | None
    mark4_from: int | None
    mark5_from: int | None
    min_score: int | None = None
    high_bar: int | None = None
    test_table: tuple[int, ...] | None = None
    tasks: tuple[TaskRow, ...] = ()

    @property
    def key(self) -> tuple[str, int, str, int]:
        return (self.procedure, self.year, self.subject, self.grade)

    @property
    def is_test_score(self) -> bool:
        return self.test_table is not None


def stable_rng(*parts: object) -> np.random.Generator:
    """A generator that depends only on the names, not on the demo seed: tasks are official."""
    return np.random.default_rng(zlib.crc32("/".join(map(str, parts)).encode()))


def work_tasks(procedure: str, subject: str, grade: int, max_score: int) -> tuple[TaskRow, ...]:
    """About 15 tasks summing to `max_score`: basic first, then advanced, the last ones high."""
    rng = stable_rng(procedure, subject, grade)
    count = int(min(max_score, max(10, min(20, round(max_score / 2.4)))))
    scores = np.ones(count, dtype=int)
    spare = max_score - count
    weights = np.linspace(1.0, 3.0, count)  # harder tasks tend to carry more points
    while spare > 0:
        j = int(rng.choice(count, p=weights / weights.sum()))
        if scores[j] < 4 or (scores < 4).sum() == 0:
            scores[j] += 1
            spare -= 1
    basic = max(1, round(count * 0.6))
    high = max(1, round(count * 0.13))
    skills = SKILLS.get(subject.removeprefix("math_") if subject.startswith("math") else subject, _GENERIC_SKILLS)
    offset = int(rng.integers(len(skills)))
    tasks = []
    for j in range(count):
        difficulty = "basic" if j < basic else ("high" if j >= count - high else "advanced")
        skill = skills[(offset + j) % len(skills)]
        tasks.append(
            TaskRow(
                number=j + 1,
                max_score=int(scores[j]),
                difficulty=difficulty,
                skill=skill,
                codifier=f"{1 + (offset + j) % len(skills)}.{1 + j % 3}",
            )
        )
    return tuple(tasks)


def ege_test_table(max_score: int) -> tuple[int, ...]:
    """Primary → test score: steep at first, flatter in the middle, 0 → 0 and max → 100."""
    x = np.arange(max_score + 1) / max_score
    table = np.round(100 * (0.75 * (1 - (1 - x) ** 1.6) + 0.25 * x**2))
    table = np.maximum.accumulate(table.astype(int))
    table[-1] = 100
    return tuple(int(v) for v in table)


def _shifted(year: int, key: str, value: int, low: int, high: int) -> int:
    """A boundary that moves by a point in some years, as the federal scales do."""
    if year == RESULT_YEARS[0]:
        return value
    step = int(stable_rng(key, year).integers(-1, 2))
    return min(high, max(low, value + step))


def demo_scales(years: tuple[int, ...] = RESULT_YEARS) -> list[ScaleRow]:
    """Every demo work of every year, with its tasks."""
    scales: list[ScaleRow] = []
    for year in years:
        for grade, works in VPR_WORKS.items():
            for subject, top in works.items():
                key = f"vpr/{subject}/{grade}"
                m3, m4, m5 = (round(top * share) for share in VPR_BOUNDARIES)
                m3 = _shifted(year, key + "/3", m3, 1, m4 - 1)
                scales.append(
                    ScaleRow("vpr", year, subject, grade, top, m3, m4, m5, tasks=work_tasks("vpr", subject, grade, top))
                )
        for subject, (top, m3, m4, m5) in OGE_WORKS.items():
            m3 = _shifted(year, f"oge/{subject}/3", m3, 1, m4 - 1)
            scales.append(ScaleRow("oge", year, subject, 9, top, m3, m4, m5, tasks=work_tasks("oge", subject, 9, top)))
        top, m3, m4, m5 = EGE_MATH_BASE
        scales.append(
            ScaleRow("ege", year, "math_base", 11, top, m3, m4, m5, tasks=work_tasks("ege", "math_base", 11, top))
        )
        for subject, (top, minimum) in EGE_WORKS.items():
            scales.append(
                ScaleRow(
                    "ege",
                    year,
                    subject,
                    11,
                    top,
                    None,
                    None,
                    None,
                    min_score=minimum,
                    high_bar=EGE_HIGH_BAR,
                    test_table=ege_test_table(top),
                    tasks=work_tasks("ege", subject, 11, top),
                )
            )
    return scales
