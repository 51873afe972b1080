"""Which questionnaire answers are too fast, straight-lined or duplicated, and how many usable
answers each school × group has against the expected number (survey_quality.py)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from opora.analytics.risk_definition import Definition, default_definition
from opora.analytics.survey_quality import group_quality, response_flags

# A tiny instrument checkable by hand: 2 factors, 2 scales, 6 questions in 3 groups; weights ≠ 1 and
# reversed directions (H1 → climate ×2 up, T1 → climate down, P1 → motivation ×3 down, …).
TINY: dict[str, Any] = {
    "factors": [{"code": "climate", "name": "Климат"}, {"code": "motivation", "name": "Мотивация"}],
    "scales": [{"code": "agree4", "options": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4)]},
               {"code": "yesno", "options": [{"value": 0, "label": "Нет"}, {"value": 1, "label": "Да"}]}],
    "questions": [
        {"code": "H1", "group": "head", "section": "A", "text": "h1", "scale": "agree4"},
        {"code": "H2", "group": "head", "section": "A", "text": "h2", "scale": "agree4"},
        {"code": "T1", "group": "teacher", "section": "A", "text": "t1", "scale": "agree4"},
        {"code": "T2", "group": "teacher", "section": "A", "text": "t2", "scale": "agree4"},
        {"code": "P1", "group": "pupil", "section": "A", "text": "p1", "scale": "agree4"},
        {"code": "P2", "group": "pupil", "section": "A", "text": "p2", "scale": "yesno"},
    ],
    "indicators": [
        {"factor": "climate", "question": "H1", "weight": 2.0, "direction": 1},
        {"factor": "climate", "question": "T1", "weight": 1.0, "direction": -1},
        {"factor": "motivation", "question": "H2", "weight": 1.0, "direction": 1},
        {"factor": "motivation", "question": "T2", "weight": 1.0, "direction": 1},
        {"factor": "motivation", "question": "P1", "weight": 3.0, "direction": -1},
        {"factor": "motivation", "question": "P2", "weight": 1.0, "direction": 1},
    ],
    "groups": [
        {"group": "head", "basis": "one", "min_respondents": 1, "min_rate": 1.0},
        {"group": "teacher", "basis": "teachers", "min_respondents": 2, "min_rate": 0.5},
        {"group": "pupil", "basis": "enrolment", "min_respondents": 3, "min_rate": 0.3, "anonymous": True},
    ],
}


def tiny(**changes: Any) -> Definition:
    """The tiny instrument, optionally with other `levels` / `quality` sections."""
    return Definition.from_dict({**TINY, **changes})


class Responses:
    """Builds a responses frame: ids in the order added, unknown seconds and client by default."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, school: int, group: str, answers: dict[str, int], *, client: str = "", seconds: float | None = None,
            response: int | None = None, times: int = 1) -> Responses:
        for _ in range(times):
            self.rows.append({"response": response or len(self.rows) + 1, "school": school, "group": group,
                              "client": client, "seconds": seconds, "answers": dict(answers)})
        return self

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["response", "school", "group", "client", "seconds", "answers"])


def expected(rows: list[tuple[int, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["school", "group", "expected"])


def flags(responses: Responses, definition: Definition | None = None) -> list[dict[str, bool]]:
    out = response_flags(responses.frame(), definition or tiny())
    return out[["too_fast", "straightlining", "duplicate", "excluded"]].to_dict("records")


def quality_row(quality: pd.DataFrame, school: int, group: str) -> dict[str, Any]:
    return quality[(quality["school"] == school) & (quality["group"] == group)].iloc[0].to_dict()


# --- too fast -----------------------------------------------------------------------------------

def test_a_response_faster_than_two_seconds_per_answered_question_is_too_fast_and_excluded():
    responses = (Responses()
                 .add(1, "pupil", {"P1": 2, "P2": 1}, seconds=3.9)   # 2 answers need 4 s
                 .add(1, "pupil", {"P1": 2, "P2": 1}, seconds=4.0)
                 .add(1, "pupil", {"P1": 2}, seconds=3.9))            # 1 answer needs 2 s
    assert [f["too_fast"] for f in flags(responses)] == [True, False, False]
    assert [f["excluded"] for f in flags(responses)] == [True, False, False]


def test_a_response_of_unknown_duration_is_never_too_fast():
    responses = Responses().add(1, "pupil", {"P1": 2, "P2": 1}, seconds=None)
    responses.rows.append({**responses.rows[0], "response": 2, "seconds": math.nan})
    assert [f["too_fast"] for f in flags(responses)] == [False, False]


def test_answers_off_the_scale_or_of_another_group_do_not_count_as_answered():
    # P1 = 9 is not on the scale and H1 is the head's question: one real answer, 2 s suffice.
    responses = Responses().add(1, "pupil", {"P1": 9, "P2": 1, "H1": 4, "X9": 2}, seconds=2.0)
    assert flags(responses)[0]["too_fast"] is False


# --- straight-lining (the shipped questionnaires: screens of 5 and more questions) --------------

def _section(group: str, title: str) -> list[str]:
    return [q.code for q in dict(default_definition().sections_for(group))[title]]


def test_a_head_giving_one_value_to_every_question_is_straight_lining():
    shipped = default_definition()
    every = {q.code: 3 for q in shipped.questions_for("head")}
    varied = {**every, _section("head", "Ученики и родители")[0]: 1}
    responses = Responses().add(1, "head", every).add(2, "head", varied)
    assert [f["straightlining"] for f in flags(responses, shipped)] == [True, False]


def test_one_long_screen_answered_all_alike_is_straight_lining_even_when_short_screens_vary():
    shipped = default_definition()
    answers = {code: 2 for code in _section("teacher", "Мои ученики")}  # the 5-question screen
    answers.update({code: v for code, v in zip(_section("teacher", "Условия работы"), (1, 3, 4), strict=True)})
    partly = {**answers, _section("teacher", "Мои ученики")[-1]: 4}
    responses = Responses().add(1, "teacher", answers).add(1, "teacher", partly)
    assert [f["straightlining"] for f in flags(responses, shipped)] == [True, False]


def test_a_long_screen_half_skipped_is_not_judged_and_four_alike_answers_are_not_straight_lining():
    shipped = default_definition()
    four = dict.fromkeys(_section("teacher", "Мои ученики")[:4], 2)
    assert flags(Responses().add(1, "teacher", four), shipped)[0]["straightlining"] is False


def test_parents_without_a_long_screen_straight_line_when_all_their_answers_are_one_value():
    shipped = default_definition()
    every = {q.code: 1 for q in shipped.questions_for("parent")}
    varied = {**every, shipped.questions_for("parent")[-1].code: 2}
    responses = Responses().add(1, "parent", every).add(1, "parent", varied)
    assert [f["straightlining"] for f in flags(responses, shipped)] == [True, False]


# --- duplicates ---------------------------------------------------------------------------------

def test_the_same_answers_from_the_same_client_twice_keep_the_first_and_mark_the_later():
    same = {"P1": 2, "P2": 1}
    responses = (Responses()
                 .add(1, "pupil", same, client="c1", response=20)
                 .add(1, "pupil", same, client="c1", response=10)   # earlier, listed later: kept
                 .add(1, "pupil", same, client="c2", response=30)   # another device
                 .add(1, "pupil", same, client="", response=40)     # unknown device: never a duplicate
                 .add(1, "pupil", same, client="", response=41)
                 .add(2, "pupil", same, client="c1", response=50)   # another school
                 .add(1, "pupil", {"P1": 3, "P2": 1}, client="c1", response=60))  # other answers
    assert [f["duplicate"] for f in flags(responses)] == [True, False, False, False, False, False, False]


# --- group quality ------------------------------------------------------------------------------

def test_group_quality_counts_used_answers_rate_and_enough_for_every_school_and_group():
    responses = (Responses()
                 .add(1, "teacher", {"T1": 1, "T2": 2}, times=3)
                 .add(1, "teacher", {"T1": 1, "T2": 2}, seconds=1.0)   # too fast
                 .add(1, "head", {"H1": 4, "H2": 1}))
    quality = group_quality(response_flags(responses.frame(), tiny()),
                            expected([(1, "teacher", 8.0), (1, "head", 1.0), (3, "pupil", None)]), tiny())
    assert sorted(set(zip(quality["school"], quality["group"], strict=True))) == sorted(
        (s, g) for s in (1, 3) for g in ("head", "teacher", "pupil"))
    teachers = quality_row(quality, 1, "teacher")
    assert (teachers["respondents"], teachers["used"], teachers["too_fast"]) == (4, 3, 1)
    assert teachers["rate"] == pytest.approx(3 / 8) and teachers["rate_ok"] is False
    assert teachers["enough"] and teachers["flagged_share"] == pytest.approx(0.25)
    head = quality_row(quality, 1, "head")
    assert head["rate"] == 1.0 and head["rate_ok"] is True
    pupils_of_3 = quality_row(quality, 3, "pupil")
    assert pupils_of_3["respondents"] == 0 and not pupils_of_3["enough"]
    assert math.isnan(pupils_of_3["rate"]) and pupils_of_3["rate_ok"] is None


def test_a_group_with_fewer_usable_answers_than_its_minimum_is_not_enough():
    responses = Responses().add(1, "pupil", {"P1": 2, "P2": 1}, client="c1", times=3)  # 2 are duplicates
    row = quality_row(group_quality(response_flags(responses.frame(), tiny()), expected([]), tiny()), 1, "pupil")
    assert (row["respondents"], row["used"], row["duplicate"], row["enough"]) == (3, 1, 2, False)


def test_no_responses_at_all_give_empty_flags_and_zero_counts_for_the_expected_schools():
    assert response_flags(pd.DataFrame(), tiny()).empty
    quality = group_quality(response_flags(pd.DataFrame(), tiny()), expected([(7, "head", 1.0)]), tiny())
    assert list(quality["school"]) == [7, 7, 7] and list(quality["respondents"]) == [0, 0, 0]


def test_flags_keep_the_rows_their_order_and_columns():
    responses = Responses().add(3, "pupil", {"P1": 1}, response=9).add(1, "head", {"H1": 2}, response=4)
    out = response_flags(responses.frame(), tiny())
    assert list(out["response"]) == [9, 4] and list(out["school"]) == [3, 1]
    assert {"client", "seconds", "answers", "too_fast", "straightlining", "duplicate", "excluded"} <= set(out.columns)
