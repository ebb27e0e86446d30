"""What a person may type: numbers within the bounds of what they count, and text without the
characters that hide or reorder what it shows.

Numbers: each count's bounds are named here once, so the model's validators, the API's
serializers and the pages' forms agree, and no number reaches the database that its column
cannot hold.

Text: C0 control characters other than tab and line feed (carriage return too, in multi-line
text), DEL and the C1 controls, and the bidirectional embeddings, overrides and isolates
(U+202A–U+202E, U+2066–U+2069) are refused. They make a title read otherwise than it sorts and
prints ("Trojan Source"), break the registers' exports and hide text in the audit log. The API
checks every string of a request's validated data (core.errors.validated); the pages' forms
derive from `CheckedForm`.
"""

from __future__ import annotations

from typing import Any, overload

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

#: a database id: what a 64-bit column holds
ID_MAX = 2**63 - 1
#: pages of one document (the xlsx import takes as many)
PAGES_MAX = 100_000
#: copies, drafts, proofs and surplus prints of one registration
COPIES_MAX = 999
#: a copy's number: its label has six digits
COPY_NO_MAX = 999_999
#: sheets of one print-waste record
SHEETS_MAX = 100_000
#: the years a record may be filed under
YEAR_MIN, YEAR_MAX = 1949, 2999

#: DRF's mark of a multi-line field (its `style`); forms use a Textarea
MULTILINE = {"base_template": "textarea.html"}

_DIRECTION = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def bounded(low: int, high: int) -> list[Any]:
    """The validators of a model field counting from `low` to `high`."""
    return [MinValueValidator(low), MaxValueValidator(high)]


def forbidden(text: str, *, multiline: bool = False) -> str | None:
    """The first character `text` may not hold, or None."""
    for char in text:
        code = ord(char)
        if char in _DIRECTION:
            return char
        if code < 0x20 or 0x7F <= code <= 0x9F:
            if char in "\t\n" or (multiline and char == "\r"):
                continue
            return char
    return None


def refusal(field: str, char: str) -> str:
    """Why the text of `field` is refused, naming the field and the character."""
    return _(
        "%(field)s may not contain the character U+%(code)04X: control characters and "
        "direction overrides are not allowed in text."
    ) % {"field": field, "code": ord(char)}


def check_text(value: Any, field: str, *, multiline: bool = False) -> list[str]:
    """Refusals for every string in `value` (a string, or lists and mappings of them, as JSON
    holds), each naming `field`."""
    if isinstance(value, str):
        char = forbidden(value, multiline=multiline)
        return [] if char is None else [refusal(field, char)]
    if isinstance(value, dict):  # its keys are text too
        return [
            m for pair in value.items() for m in check_text(list(pair), field, multiline=multiline)
        ]
    if isinstance(value, list | tuple):
        return [m for v in value for m in check_text(v, field, multiline=multiline)]
    return []


def text_errors(fields: dict[str, Any], data: dict[str, Any]) -> dict[str, list[str]]:
    """Refusals for the strings of a serializer's validated `data`, by field name. A field is
    multi-line if its style says so (MULTILINE); a password is never read back, so it is left
    as typed."""
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        field = fields.get(name)
        style = getattr(field, "style", {}) or {}
        if style.get("input_type") == "password":
            continue
        child = getattr(field, "child", None)
        nested = getattr(field, "fields", None) or getattr(child, "fields", None)
        if nested is not None and isinstance(value, dict):
            found = {f"{name}.{k}": v for k, v in text_errors(dict(nested), value).items()}
            errors.update(found)
            continue
        multiline = style.get("base_template") == MULTILINE["base_template"] or (
            getattr(child, "style", {}).get("base_template") == MULTILINE["base_template"]
        )
        refused = check_text(value, name, multiline=multiline)
        if refused:
            errors[name] = refused[:1]
    return errors


class CheckedForm(forms.Form):
    """A page's form whose text fields refuse control characters and direction overrides,
    each at its field; a Textarea is multi-line, a password is left as typed."""

    def full_clean(self) -> None:
        super().full_clean()
        if not hasattr(self, "cleaned_data"):
            return
        for name, field in self.fields.items():
            if name not in self.cleaned_data or isinstance(field.widget, forms.PasswordInput):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            label = str(field.label or name)
            refused = check_text(self.cleaned_data[name], label, multiline=multiline)
            if refused:
                self.add_error(name, refused[0])


def posted_text(request: Any, name: str, label: str = "", *, multiline: bool = False) -> str:
    """The text a page posted in `name`, for a view that reads request.POST itself; a
    ValidationError naming the field if it holds a character text may not."""
    value = request.POST.get(name, "")
    refused = check_text(value, label or name, multiline=multiline)
    if refused:
        raise ValidationError({name: refused[0]})
    return str(value)


@overload
def posted_int(
    request: Any, name: str, *, low: int = ..., high: int = ..., default: int
) -> int: ...


@overload
def posted_int(
    request: Any, name: str, *, low: int = ..., high: int = ..., default: None = ...
) -> int | None: ...


def posted_int(
    request: Any, name: str, *, low: int = 1, high: int = ID_MAX, default: int | None = None
) -> int | None:
    """The whole number a page posted in `name` (an id by default), `default` when nothing was
    posted; a ValidationError naming the field for anything else, so a crafted value is refused
    by name instead of reaching the database."""
    value = str(request.POST.get(name, "")).strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise ValidationError(
            {
                name: _("%(field)s must be a whole number from %(low)s to %(high)s.")
                % {"field": name, "low": low, "high": high}
            }
        )
    return int(value)


def posted_ids(request: Any, name: str) -> list[int]:
    """Every id a page posted under `name` (a multiple choice), each checked as `posted_int`."""
    found = []
    for value in request.POST.getlist(name):
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= ID_MAX:
            raise ValidationError({name: _("%(field)s must name chosen items.") % {"field": name}})
        found.append(int(value))
    return found


def id_field(**kwargs: Any) -> Any:
    """A serializer field for an object's id: a whole number a 64-bit column holds (0 and no
    id at all are the caller's to read)."""
    from rest_framework import serializers

    return serializers.IntegerField(min_value=0, max_value=ID_MAX, **kwargs)


def mark_invalid(form: forms.BaseForm) -> forms.BaseForm:
    """Give each field with an error the `is-invalid` class (and aria-invalid), so a page shows
    the error once, at its field, in the framework's style; call it just before rendering."""
    for name in form.errors:
        if name not in form.fields:
            continue
        widget = form.fields[name].widget
        classes = widget.attrs.get("class", "").split()
        if "is-invalid" not in classes:
            widget.attrs["class"] = " ".join([*classes, "is-invalid"])
        widget.attrs["aria-invalid"] = "true"
    return form
