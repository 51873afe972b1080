"""The national procedures (ВПР, ОГЭ, ЕГЭ) and the school subjects files name.

Procedures and subjects are data: a region may add its own later. Applying this twice, or on
top of rows someone edited, only fills in what is missing and resets names to these.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PROCEDURES: tuple[tuple[str, str, str], ...] = (
    ("vpr", "ВПР", "mark"),
    ("oge", "ОГЭ", "mark"),
    ("ege", "ЕГЭ", "test_score"),
)

# code, name, other spellings met in files, counted as Russian or mathematics.
SUBJECTS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("rus", "Русский язык", ("Русский", "Рус. яз.", "Русс. яз."), True),
    ("math", "Математика", ("Матем.",), True),
    (
        "math_base",
        "Математика (базовая)",
        ("Математика базового уровня", "Математика (базовый уровень)", "Базовая математика", "Математика Б"),
        True,
    ),
    (
        "math_prof",
        "Математика (профильная)",
        ("Математика профильного уровня", "Математика (профильный уровень)", "Профильная математика", "Математика П"),
        True,
    ),
    ("phys", "Физика", (), False),
    ("chem", "Химия", (), False),
    ("bio", "Биология", (), False),
    ("inf", "Информатика", ("Информатика и ИКТ",), False),
    ("hist", "История", (), False),
    ("soc", "Обществознание", (), False),
    ("geo", "География", (), False),
    ("lit", "Литература", (), False),
    ("eng", "Английский язык", ("Английский",), False),
    ("ger", "Немецкий язык", ("Немецкий",), False),
    ("fra", "Французский язык", ("Французский",), False),
    ("spa", "Испанский язык", ("Испанский",), False),
    ("chi", "Китайский язык", ("Китайский",), False),
    ("okr", "Окружающий мир", (), False),
)


def add_reference_data(apps: Any, schema_editor: Any) -> None:
    Procedure = apps.get_model("results", "Procedure")
    Subject = apps.get_model("results", "Subject")
    for code, name, kind in PROCEDURES:
        Procedure.objects.update_or_create(code=code, defaults={"name": name, "score_kind": kind})
    for code, name, aliases, core in SUBJECTS:
        Subject.objects.update_or_create(code=code, defaults={"name": name, "aliases": list(aliases), "is_core": core})


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]

    # Going back keeps the rows: indicators and results refer to them (and cascade).
    operations = [migrations.RunPython(add_reference_data, migrations.RunPython.noop)]
