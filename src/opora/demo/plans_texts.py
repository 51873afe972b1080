"""The contents of the demo schools' documents: the concept, the medium-term programme, the
anti-risk programmes, the reports' conclusions, and what reviewers say (Russian, in the manner of
the documents schools write for ИС МЭДК). Plain data and pure functions, no database.

Content is shaped by `plans/content.py`: text sections are strings, list sections lists of
`{field: value}` with dates as ISO strings.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from opora.demo.plans_factors import DEPUTY, HEAD, METHOD_HEAD, FactorPlan, factor_plan

Content = dict[str, Any]


def rng(seed: int, *parts: object) -> random.Random:
    """Depends only on the seed and the parts: one school's texts never move another's."""
    return random.Random(":".join(map(str, (seed, *parts))))


def _iso(year: int, month: int, day: int = 0) -> str:
    return date(year, month, day or (28 if month == 2 else 30)).isoformat()


def _indicator(year: int, name: str, unit: str, baseline: str, target: str) -> dict[str, str]:
    return {"name": name, "unit": unit, "baseline": baseline, "target": target, "target_date": _iso(year, 12, 25)}


def _measure(year: int, title: str, start: int, due: int, responsible: str, indicator: str,
             target: str) -> dict[str, str]:
    return {"title": title, "starts_on": _iso(year, start, 1), "due_on": _iso(year, due),
            "responsible": responsible, "indicator": indicator, "target": target}


def _items(texts: list[str] | tuple[str, ...]) -> list[dict[str, str]]:
    return [{"text": t} for t in texts]


ANALYSES = (
    "Школа входит в число школ с низкими образовательными результатами три года подряд: доля отметок «2» "
    "по ВПР по математике в 5–8 классах выше средней по муниципалитету на {gap} п. п., по русскому языку — "
    "на {gap2} п. п. Школа работает в сложных социальных условиях: {families} % семей малообеспеченные, "
    "часть обучающихся подвозится из соседних сёл. По итогам входного анкетирования высокий уровень риска "
    "выявлен по факторам: {factors}. Самообследование подтвердило эти выводы.",
    "Анализ результатов оценочных процедур за три года показывает устойчиво низкие результаты по "
    "математике и русскому языку; результаты ОГЭ ниже региональных на {gap} п. п. В школе не хватает "
    "учителей-предметников, часть уроков ведётся не по специальности. Рисковый профиль, проверенный "
    "вместе с куратором, выделяет факторы: {factors}. Доля малообеспеченных семей — {families} %.",
)
MISSIONS = (
    "Важен каждый ученик: школа, в которой каждый ребёнок получает качественное образование и поддержку "
    "независимо от условий, в которых он растёт.",
    "Школа равных возможностей: доброжелательная среда, в которой учатся с интересом и успешно.",
)
CONCEPT_GOALS = (
    "Перевести школу в эффективный режим функционирования к концу {year} года.",
    "Повысить качество образовательных результатов обучающихся по математике и русскому языку.",
    "Создать условия для профессионального роста педагогов.",
)
DIRECTIONS = (
    "Работа с рисками, выбранными по результатам диагностики: {factors}. Адресная методическая помощь "
    "педагогам, сетевое взаимодействие со школой-партнёром, вовлечение родителей. Ежемесячный мониторинг "
    "исполнения дорожной карты с участием куратора."
)
EXPECTED = (
    "Снижение доли неудовлетворительных результатов ВПР не менее чем на треть, снижение уровня выбранных "
    "факторов риска по итоговому анкетированию, рост доли педагогов, прошедших повышение квалификации, "
    "выход школы из числа школ с низкими результатами."
)


def concept(seed: int, code: str, year: int, factors: list[str]) -> Content:
    r = rng(seed, "concept", code)
    names = ", ".join(f"«{n}»" for n in factors) or "«Высокая доля обучающихся с рисками учебной неуспешности»"
    analysis = r.choice(ANALYSES).format(gap=r.randint(8, 16), gap2=r.randint(5, 12), families=r.randint(22, 41),
                                         factors=names)
    return {
        "analysis": analysis,
        "mission": r.choice(MISSIONS),
        "goals": _items([g.format(year=year) for g in CONCEPT_GOALS]),
        "directions": DIRECTIONS.format(factors=names),
        "indicators": [
            _indicator(year, "Доля отметок «2» по ВПР по математике (5–8 классы)", "%", str(r.randint(22, 31)),
                       str(r.randint(12, 16))),
            _indicator(year, "Доля выпускников 9 класса, получивших аттестат", "%", str(r.randint(84, 92)), "100"),
            _indicator(year, "Доля педагогов, прошедших повышение квалификации", "%", str(r.randint(30, 45)), "90"),
        ],
        "expected": EXPECTED,
    }


# The concept's first version leaves gaps a curator would notice; the revision fills them.
def concept_first_draft(seed: int, code: str, year: int, factors: list[str]) -> Content:
    content = concept(seed, code, year, factors)
    content["goals"] = content["goals"][:2]
    content["indicators"] = [{**content["indicators"][0], "baseline": "нет данных"}, content["indicators"][1]]
    return content


RETURN_COMMENTS = (
    "Целевые показатели не измеримы: у доли «2» по ВПР не указано исходное значение. Добавьте цель по "
    "развитию кадров — без неё концепция не связана с выбранными рисками.",
    "Анализ ситуации не опирается на рисковый профиль: укажите выбранные факторы и данные самообследования. "
    "Целевые показатели нужно привязать к срокам.",
)
SECTION_COMMENTS = {
    "indicators": "Исходное значение возьмите из результатов ВПР прошлого года (есть в разделе «Результаты»).",
    "goals": "Цели согласуйте с направлениями: сейчас о педагогах ничего не сказано.",
    "analysis": "Добавьте сравнение с муниципалитетом за три года.",
}
HEAD_REPLIES = (
    "Исправили: исходное значение по ВПР прошлого года, цель по кадрам добавлена.",
    "Спасибо, дополнили раздел, направляем повторно.",
)
MEASURE_REPLY = "Согласны: при корректировке дорожной карты перенесём срок на апрель."
APPROVE_NOTES = ("Согласовано.", "Замечаний нет, согласовано.", "")
MEASURE_COMMENTS = (
    "Срок слишком поздний: к итоговому анкетированию результат уже нужен.",
    "Уточните, кто отвечает: «педагоги» — не ответственный.",
)


def programme(seed: int, code: str, year: int, factors: list[str]) -> Content:
    r = rng(seed, "programme", code)
    return {
        "goals": _items(["Повышение качества образования через развитие кадрового потенциала и адресную "
                         "работу с обучающимися группы риска."]),
        "tasks": _items([
            "Выявить профессиональные дефициты педагогов и обеспечить их повышение квалификации.",
            "Организовать адресную работу с обучающимися, имеющими трудности в обучении.",
            "Выстроить систему внутришкольного контроля качества с учётом выявленных проблем.",
        ]),
        "indicators": [
            _indicator(year, "Доля отметок «2» по ВПР (все предметы)", "%", str(r.randint(19, 27)), "14"),
            _indicator(year, "Доля педагогов с индивидуальным образовательным маршрутом", "%", "0", "100"),
        ],
        "measures": [
            _measure(year, "Педагогический совет «Анализ результатов оценочных процедур и задачи школы»", 2, 2,
                     HEAD, "Решение педагогического совета", "1 решение"),
            _measure(year, "Корректировка системы внутришкольного контроля с учётом профессиональных "
                     "дефицитов учителей", 3, 4, DEPUTY, "Обновлённый план ВШК", "1 план"),
            _measure(year, "Сетевое взаимодействие со школой-партнёром: открытые уроки и консультации", 3, 11,
                     METHOD_HEAD, "Число совместных мероприятий", "6"),
        ],
        "resources": "Кадровые: администрация, руководители МО, педагог-психолог, куратор проекта. "
                     "Материально-технические: оборудование центра «Точка роста». "
                     "Информационные: ФГИС «Моя школа», ресурсы ФИОКО.",
        "responsible": "Директор школы; заместитель директора по УВР (координатор программы).",
    }


def antirisk(year: int, plan: FactorPlan) -> Content:
    return {
        "goal": plan.goal,
        "tasks": _items(plan.tasks),
        "measures": [_measure(year, *m) for m in plan.measures],
        "indicators": [_indicator(year, *i) for i in plan.indicators],
        "expected": plan.expected,
    }


def antirisk_for(year: int, factor: str) -> Content:
    return antirisk(year, factor_plan(factor))


CONCLUSIONS_HALF = (
    "Мероприятия первого полугодия выполнены в основном в срок. Проведена диагностика дефицитов, "
    "педагоги приступили к обучению по индивидуальным маршрутам. Отстают мероприятия по сетевому "
    "взаимодействию: перенесены на сентябрь. Во втором полугодии — контроль ликвидации пробелов у "
    "обучающихся группы риска."
)
CONCLUSIONS_YEAR = (
    "План мероприятий выполнен на {share} %. Доля отметок «2» по ВПР снизилась, уровень выбранных факторов "
    "риска по итоговому анкетированию снизился. Продолжить работу с обучающимися группы риска в следующем году."
)
MEASURE_FACTS = (
    "Проведено, протокол размещён на сайте школы.",
    "Выполнено, приняли участие все педагоги.",
    "Проведено два занятия, материалы в методическом кабинете.",
    "Выполнено с опозданием: перенос из-за карантина.",
)
EVIDENCE = "https://school.example.org/500plus/"
