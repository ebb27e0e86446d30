"""The registration form's pickers: a cabinet list that knows which cabinets hold classified
items, the department tree as checkboxes, and the people search of the workbench."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.urls import reverse


def _key(value: Any) -> str:
    # a model choice's value is a ModelChoiceIteratorValue; its text is the primary key
    return str(getattr(value, "value", value))


class CabinetSelect(forms.Select):
    """Each option says whether its cabinet is for classified items, so the page can narrow the
    list to the cabinets that may hold the level chosen (DOC.STORE)."""

    classified: Mapping[str, bool] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        found = self.classified.get(_key(value))
        if found is not None:
            option["attrs"]["data-classified"] = "1" if found else "0"
        return option


class TreeCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes, each indented by its depth in the tree (none for a flat list)."""

    template_name = "ledger/widgets/tree.html"
    depths: Mapping[str, int] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["depth"] = max(0, min(self.depths.get(_key(value), 0), 6))
        return option


class PeoplePicker(forms.TextInput):
    """Names typed one after another (、 between them), with the workbench's suggestions by
    name, user name or pinyin initials as one types (flows/desk.js)."""

    template_name = "ledger/widgets/people.html"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["url"] = reverse("people:autocomplete")
        return context
