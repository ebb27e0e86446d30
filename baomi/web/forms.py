"""How every form renders: Tabler's field layout, the error at its field and once, the first field
focused. `{{ form }}` in any template gives this."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates


class Renderer(DjangoTemplates):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


def widget_class(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    return f"{css} is-invalid" if field.errors else css


def render_widget(field: forms.BoundField, first: bool = False) -> Any:
    attrs: dict[str, Any] = {
        "class": " ".join(
            filter(None, [widget_class(field), field.field.widget.attrs.get("class", "")])
        )
    }
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    if first and not field.is_hidden:
        attrs["autofocus"] = True
    return field.as_widget(attrs=attrs)
