from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from opora.core import access
from opora.core.access import Perm
from opora.core.form_fields import choice_field, label_instances, model_choice_field
from opora.core.models import (
    Municipality,
    Region,
    Role,
    School,
    SchoolType,
    Settlement,
    SizeBand,
    User,
)
from opora.core.selectors import SchoolFilters

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _blank(label: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    return [("", label)]


class SchoolFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False,
        empty_label=_("all"),
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    settlement = forms.ChoiceField(label=_("Settlement"), required=False)
    size = forms.ChoiceField(label=_("Size"), required=False)

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = access.visible_municipalities(user).order_by("name")
        choice_field(self, "type").choices = _blank(_("all")) + list(SchoolType.choices)
        choice_field(self, "settlement").choices = _blank(_("all")) + list(Settlement.choices)
        choice_field(self, "size").choices = _blank(_("any")) + list(SizeBand.choices)

    def to_filters(self) -> SchoolFilters:
        data = self.cleaned_data
        return SchoolFilters(
            query=data.get("q") or "",
            municipality=data["municipality"].pk if data.get("municipality") else None,
            type=data.get("type") or "",
            settlement=data.get("settlement") or "",
            size=data.get("size") or "",
        )


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    username = forms.RegexField(
        label=_("Login"), max_length=150, regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Letters, digits and @/./+/-/_ only.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    position = forms.CharField(label=_("Position"), max_length=255, required=False)


SCHOOL_CHOICES_LIMIT = 300


class RoleAssignForm(forms.Form):
    """A role for one org unit; the choices are limited to what the actor may grant."""

    role = forms.ChoiceField(label=_("Role"))
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label="—"
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False,
        empty_label="—",
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label="—"
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools (for a curator)"), queryset=School.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, actor: User, schools_of: Municipality | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = _blank("—") + list(Role.choices)
        model_choice_field(self, "region").queryset = access.regions_for(actor, Perm.MANAGE_PEOPLE)
        model_choice_field(self, "municipality").queryset = access.municipalities_for(
            actor, Perm.MANAGE_PEOPLE
        ).order_by("name")
        schools = access.schools_for(actor, Perm.MANAGE_PEOPLE).select_related("municipality")
        # A region has a thousand schools and the country forty thousand: an unbound form lists
        # the schools of one municipality at a time. A bound form validates against them all.
        self.schools_narrowed = False
        if not self.is_bound and (schools_of is not None or schools.count() > SCHOOL_CHOICES_LIMIT):
            schools = schools.filter(municipality=schools_of) if schools_of else schools.none()
            self.schools_narrowed = True
        for name in ("school", "schools"):
            model_choice_field(self, name).queryset = schools.order_by("name")
            label_instances(self, name, _school_label)


def _school_label(school: School) -> str:
    return f"{school.name} ({school.code})"

