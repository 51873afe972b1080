"""A form's field by name with its real type: `form.fields` holds plain `Field`s as far as types go,
while the form's code sets choices and querysets on the choice fields it declared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


def label_instances(form: forms.BaseForm, name: str, label: Callable[[Any], object]) -> None:
    """The model choice field `name` shows its objects with `label` (an instance attribute that
    stands in for the field's method)."""
    field = model_choice_field(form, name)
    field.label_from_instance = label  # type: ignore[assignment]  # a plain function on the instance, not a method
