"""Tiny hand-checkable tables for the analytics tests."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from opora.results.schema import RESULT_SCHEMA

VPR5_RU = {"procedure": "vpr", "year": 2025, "subject": "ru", "grade": 5, "score_kind": "mark",
           "max_score": 20, "mark3_from": 8, "mark4_from": 12, "mark5_from": 17}
EGE_RU = {"procedure": "ege", "year": 2025, "subject": "ru", "grade": 11, "score_kind": "test_score",
          "max_score": 50, "min_score": 24, "high_bar": 70}


def pupil(school: str = "s1", *, work: dict[str, Any] = VPR5_RU, **fields: Any) -> dict[str, Any]:
    row = {name: None for name in RESULT_SCHEMA.names}
    row.update({k: work[k] for k in ("procedure", "year", "subject", "grade")})
    row.update(school_code=school, pupil=f"p{id(fields)}", class_name=None)
    row.update(fields)
    return row


def results(rows: list[dict[str, Any]]) -> ir.Table:
    return ibis.memtable(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA))


def one(table: ir.Table, **where: Any) -> dict[str, Any]:
    frame = table.to_pandas()
    for key, value in where.items():
        frame = frame[frame[key] == value]
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()
