"""The Parquet schema of pupil results: the contract between imports, the demo and analytics.

One row per pupil and work. Files live under settings.RESULTS_DIR as
`<procedure>/<year>/<uuid>.parquet` and are listed by active `ResultPart` rows.
"""

from __future__ import annotations

import pyarrow as pa

RESULT_SCHEMA = pa.schema(
    [
        pa.field("procedure", pa.string(), nullable=False),  # Procedure.code
        pa.field("year", pa.int16(), nullable=False),
        pa.field("school_code", pa.string(), nullable=False),  # School.code
        pa.field("subject", pa.string(), nullable=False),  # Subject.code
        pa.field("grade", pa.int8(), nullable=False),
        pa.field("class_name", pa.string()),  # «5А»; null when the file has no class
        pa.field("pupil", pa.string(), nullable=False),  # pseudonym, never a name
        pa.field("variant", pa.string()),
        pa.field("primary_score", pa.float32(), nullable=False),
        pa.field("mark", pa.int8()),  # 2–5; derived from the scale when the file has none
        pa.field("test_score", pa.int16()),  # test-score procedures (ЕГЭ): 0–100
        pa.field("journal_mark", pa.int8()),  # the school's own mark, when given
        pa.field("tasks", pa.list_(pa.float32())),  # task_1 … task_N scores, in order
    ]
)
