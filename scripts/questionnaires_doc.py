"""Regenerate the tables of docs/questionnaires.md from Opora's shipped instrument.

    python scripts/questionnaires_doc.py          # rewrite the generated part of the document
    python scripts/questionnaires_doc.py --check  # exit 1 if the document is stale

The part between the markers below is generated from `src/opora/analytics/risk_default.json`
(the factors with the questions measuring each, the questionnaires by screen, the answer scales,
the group and level rules); the prose around it is written by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "questionnaires.md"
DEFAULT = ROOT / "src" / "opora" / "analytics" / "risk_default.json"
BEGIN = "<!-- generated from risk_default.json: begin (python scripts/questionnaires_doc.py) -->"
END = "<!-- generated from risk_default.json: end -->"

GROUPS = {"head": "руководитель", "teacher": "учителя", "pupil": "ученики", "parent": "родители"}
GROUP_TITLES = {"head": "Анкета руководителя", "teacher": "Анкета учителя", "pupil": "Анкета ученика",
                "parent": "Анкета родителя"}
BASES = {"one": "один человек", "teachers": "число учителей", "enrolment": "число учеников"}
DIRECTIONS = {1: "чем выше ответ, тем выше риск", -1: "чем выше ответ, тем ниже риск"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _percent(value: float) -> str:
    return f"{_number(round(value * 100, 1))} %"


def render(definition: dict | None = None) -> str:
    """The generated part of the document (markers included)."""
    d = definition or json.loads(DEFAULT.read_text(encoding="utf-8"))
    questions = {q["code"]: q for q in d["questions"]}
    scales = {s["code"]: s for s in d["scales"]}
    out = [BEGIN, "", "### Факторы риска и вопросы, которые их измеряют", ""]
    for n, factor in enumerate(d["factors"], start=1):
        out += [f"#### {n}. {factor['name']} (`{factor['code']}`)", "", factor.get("description", ""), "",
                "| Вопрос | Группа | Текст | Вес | Направление |", "|---|---|---|---:|---|"]
        for i in (i for i in d["indicators"] if i["factor"] == factor["code"]):
            q = questions[i["question"]]
            out.append(f"| `{q['code']}` | {GROUPS[q['group']]} | {_cell(q['text'])} | {_number(i['weight'])} "
                       f"| {DIRECTIONS[i['direction']]} |")
        out.append("")
    out += ["### Анкеты по группам респондентов", "",
            "Раздел анкеты — один экран: вопросы раздела показываются вместе. В скобках — код шкалы ответа.", ""]
    for group in GROUPS:
        sections: dict[str, list[dict]] = {}
        for q in d["questions"]:
            if q["group"] == group:
                sections.setdefault(q["section"], []).append(q)
        if not sections:
            continue
        out += [f"#### {GROUP_TITLES[group]}", ""]
        for n, (title, items) in enumerate(sections.items(), start=1):
            out += [f"Экран {n}. **{title}**", ""]
            out += [f"- `{q['code']}` {q['text']} (`{q['scale']}`)" for q in items]
            out.append("")
    out += ["### Шкалы ответов", "", "| Шкала | Варианты ответа (значение — подпись) |", "|---|---|"]
    for s in scales.values():
        options = "; ".join(f"{o['value']} — {o['label']}" for o in s["options"])
        out.append(f"| `{s['code']}` | {_cell(options)} |")
    out += ["", "### Правила групп респондентов", "",
            "| Группа | Основание | Доля | Минимум респондентов | Минимальный отклик | Анонимно |",
            "|---|---|---:|---:|---:|---|"]
    for g in d["groups"]:
        out.append(f"| {GROUPS[g['group']]} | {BASES[g['basis']]} | {_number(g['share'])} | {g['min_respondents']} "
                   f"| {_percent(g['min_rate'])} | {'да' if g['anonymous'] else 'нет'} |")
    levels, quality = d.get("levels", {}), d.get("quality", {})
    out += ["", "### Уровни и проверки качества (значения по умолчанию)", "",
            f"- способ уровней: {'пороги' if levels.get('method', 'cutoffs') == 'cutoffs' else 'процентили'};",
            f"- высокий уровень — значение фактора не ниже {_number(levels.get('high', 0.6))}, средний — не ниже "
            f"{_number(levels.get('medium', 0.4))}, иначе низкий;",
            f"- при способе «процентили»: высокий — процентиль не ниже {_number(levels.get('high_percentile', 0.75))}, "
            f"средний — не ниже {_number(levels.get('medium_percentile', 0.5))};",
            f"- слишком быстро — меньше {_number(quality.get('min_seconds_per_question', 2.0))} с "
            "на отвеченный вопрос;",
            f"- однообразные ответы проверяются в разделах не короче "
            f"{quality.get('straightline_min_questions', 5)} вопросов;",
            f"- ответы группы ненадёжны, если отбраковано больше "
            f"{_percent(quality.get('max_flagged_share', 0.3))} анкет;",
            f"- картина руководителя расходится с группой, если значения фактора различаются не меньше чем на "
            f"{_number(quality.get('divergence', 0.3))}.", "", END]
    return "\n".join(out)


def updated(text: str) -> str:
    """The document with its generated part replaced by the current one."""
    head, _begin, rest = text.partition(BEGIN)
    _old, _end, tail = rest.partition(END)
    if not _begin or not _end:
        raise SystemExit(f"{DOC}: the markers of the generated part are missing")
    return head + render() + tail


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    fresh = updated(text)
    if "--check" in sys.argv:
        if fresh != text:
            print(f"{DOC.relative_to(ROOT)} is stale: run python scripts/questionnaires_doc.py")
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
