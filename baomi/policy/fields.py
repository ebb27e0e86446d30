"""Typed fields for a rule parameter: the form a person edits a parameter with is chosen from
the parameter's declared unit and the shape of its default (defaults.toml), so a number is a
number box with its bounds, a time of day is HH:MM, a list is one entry per row, a per-level
value is a table with a row per level. The form only shapes the input: the value it builds is
checked again, and saved, by `policy.services.set_parameter`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi.core.inputs import check_text
from baomi.core.levels import Level, Tier, Urgency

from .catalog import ParameterMeta

#: units that count a length of time: the box shows the unit after the number
DURATIONS: dict[str, Promise] = {
    "minutes": gettext_lazy("minutes"),
    "hours": gettext_lazy("hours"),
    "days": gettext_lazy("days"),
    "months": gettext_lazy("months"),
    "years": gettext_lazy("years"),
}
#: what the other counted units are called next to their number
COUNTS: dict[str, Promise] = {
    "yuan": gettext_lazy("yuan"),
    "persons": gettext_lazy("persons"),
    "areas": gettext_lazy("areas"),
    "passwords": gettext_lazy("passwords"),
    "megabytes": gettext_lazy("MB"),
    "characters": gettext_lazy("characters"),
    "hours per day": gettext_lazy("hours per day"),
    "month of next year": gettext_lazy("month of next year"),
}
#: the longest entry of a list or text parameter
ENTRY_MAX = 60
#: the most entries a list parameter holds
ENTRIES_MAX = 50
#: the highest number a parameter takes when its catalog entry names no maximum
NUMBER_MAX = 1_000_000
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")

#: the key names defaults.toml gives levels, highest first
LEVEL_CODES: dict[str, Level] = {
    "top_secret": Level.TOP_SECRET,
    "secret": Level.SECRET,
    "confidential": Level.CONFIDENTIAL,
    "internal": Level.INTERNAL,
    "public": Level.PUBLIC,
}


def _level_choices() -> list[tuple[str, str]]:
    return [(code, f"{level.zh}（{level.label}）") for code, level in LEVEL_CODES.items()]


def _tier_choices() -> list[tuple[str, str]]:
    return [(str(t.value), str(t.label)) for t in (Tier.CORE, Tier.IMPORTANT, Tier.GENERAL)]


def _urgency_choices() -> list[tuple[str, str]]:
    return [(u.name.lower(), f"{u.zh}（{u.label}）") for u in reversed(Urgency)]


def _post_choices() -> list[tuple[str, str]]:
    from baomi.people.models import Post

    return [(str(p.value), str(p.label)) for p in Post]


def _role_choices() -> list[tuple[str, str]]:
    from baomi.people.models import AdminRole

    return [(str(r.value), str(r.label)) for r in AdminRole if r.value]


#: the choices a unit's values come from, where they are a closed vocabulary
CHOICES = {
    "level": _level_choices,
    "levels": _level_choices,
    "urgency": _urgency_choices,
    "posts": _post_choices,
    "roles": _role_choices,
}

#: how a table's row keys read, beyond levels and tiers (the operations of ACC.ROLE)
KEY_LABELS: dict[str, Promise] = {
    "person.manage": gettext_lazy("manage people and clearances"),
    "policy.change": gettext_lazy("change the rules' parameters"),
    "account.admin": gettext_lazy("administer accounts"),
    "audit.read": gettext_lazy("read the audit log"),
    "document.register": gettext_lazy("register documents"),
    "document.route": gettext_lazy("route documents to leaders"),
    "custody.manage": gettext_lazy("keep the copies in custody"),
    "security.manage": gettext_lazy("manage confidentiality work"),
    "manuscript.review": gettext_lazy("review manuscripts"),
    "meeting.organize": gettext_lazy("organize classified meetings"),
    "meeting.approve": gettext_lazy("approve a meeting's security plan"),
    "manuscript.sign": gettext_lazy("sign off manuscripts"),
}


def key_label(key: str) -> str:
    """How a row key of a table parameter reads: a level, a tier or an operation."""
    if key in LEVEL_CODES:
        level = LEVEL_CODES[key]
        return f"{level.zh}（{level.label}）"
    tiers = dict(_tier_choices())
    if key in tiers:
        return tiers[key]
    return str(KEY_LABELS.get(key, key))


def value_label(unit: str, value: Any) -> str:
    """A parameter value as a person reads it: 是/否, a number with its unit, choices by name,
    a list joined, a table as `row: value` pairs."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        suffix = DURATIONS.get(unit) or COUNTS.get(unit)
        return f"{value} {suffix}" if suffix else str(value)
    if isinstance(value, str):
        if unit in CHOICES:
            return dict(CHOICES[unit]()).get(value, value)
        return value
    if isinstance(value, list):
        return "、".join(value_label(unit, v) for v in value) or _("none")
    if isinstance(value, dict):
        return "；".join(f"{key_label(k)}：{value_label(unit, v)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class Shape:
    """How one parameter (or one row of a table) is edited."""

    kind: str  # flag, number, time, choice, text, choices, rows, table
    unit: str
    suffix: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    #: a table's rows: (key, label, shape of the row's value)
    rows: tuple[tuple[str, str, Shape], ...] = field(default=())


def _choices_for(unit: str, values: list[Any]) -> tuple[tuple[str, str], ...]:
    """The unit's vocabulary, if the default's values all come from it."""
    if unit not in CHOICES:
        return ()
    choices = tuple(CHOICES[unit]())
    codes = {code for code, _label in choices}
    return choices if all(isinstance(v, str) and v in codes for v in values) else ()


def shape_of(meta: ParameterMeta) -> Shape:
    """The shape of a parameter, from its unit and its default."""
    return _shape(meta.unit, meta.default, meta.minimum, meta.maximum)


def _shape(unit: str, default: Any, minimum: float | None, maximum: float | None) -> Shape:
    if isinstance(default, bool):
        return Shape("flag", unit)
    if isinstance(default, int | float):
        suffix = DURATIONS.get(unit) or COUNTS.get(unit) or ""
        return Shape(
            "number",
            unit,
            suffix=str(suffix),
            minimum=0 if minimum is None else minimum,
            maximum=maximum,
            integer=isinstance(default, int),
        )
    if isinstance(default, str):
        if unit == "time":
            return Shape("time", unit)
        choices = _choices_for(unit, [default])
        return Shape("choice", unit, choices=choices) if choices else Shape("text", unit)
    if isinstance(default, list):
        choices = _choices_for(unit, default)
        return Shape("choices", unit, choices=choices) if choices else Shape("rows", unit)
    if isinstance(default, dict):
        rows = tuple(
            (str(key), key_label(str(key)), _shape(unit, value, minimum, maximum))
            for key, value in default.items()
        )
        return Shape("table", unit, rows=rows)
    raise TypeError(f"a parameter's default of type {type(default).__name__}")


class RowsWidget(forms.Widget):
    """One text box per entry: the form posts the same name once per row."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class RowsField(forms.Field):
    """A list of text entries, blank rows dropped, each checked as text; no duplicates."""

    widget = RowsWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, required=False, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        entries = value if isinstance(value, list | tuple) else [value]
        return [str(e).strip() for e in entries if str(e).strip()]

    def validate(self, value: list[str]) -> None:
        label = str(self.label)
        if len(value) > ENTRIES_MAX:
            raise forms.ValidationError(
                _("%(field)s: at most %(max)s entries.") % {"field": label, "max": ENTRIES_MAX}
            )
        for entry in value:
            if len(entry) > ENTRY_MAX:
                raise forms.ValidationError(
                    _("%(field)s: “%(entry)s” is longer than %(max)s characters.")
                    % {"field": label, "entry": entry[:20], "max": ENTRY_MAX}
                )
            refused = check_text(entry, label)
            if refused:
                raise forms.ValidationError(refused[0])
        seen = set()
        for entry in value:
            if entry in seen:
                raise forms.ValidationError(
                    _("%(field)s: “%(entry)s” is listed twice.") % {"field": label, "entry": entry}
                )
            seen.add(entry)

    def bound_data(self, data: Any, initial: Any) -> Any:
        return data


def _messages(label: str, shape: Shape) -> dict[str, str]:
    named = {"field": label, "minimum": shape.minimum, "maximum": shape.maximum}
    return {
        "required": _("%(field)s: give a value.") % named,
        "invalid": _("%(field)s: give a number.") % named,
        "invalid_choice": _("%(field)s: choose one of the offered values.") % named,
        "min_value": _("%(field)s must be at least %(minimum)s.") % named,
        "max_value": _("%(field)s may not exceed %(maximum)s.") % named,
    }


def form_field(label: str, shape: Shape) -> forms.Field:
    """The form field that edits a value of `shape`, its errors naming `label`."""
    messages = _messages(label, shape)
    if shape.kind == "flag":
        return forms.BooleanField(
            label=label,
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
        )
    if shape.kind == "number":
        attrs = {"class": "form-control", "inputmode": "numeric" if shape.integer else "decimal"}
        maximum = shape.maximum if shape.maximum is not None else NUMBER_MAX
        if maximum == NUMBER_MAX:
            messages["max_value"] = _("%(field)s may not exceed %(maximum)s.") % {
                "field": label,
                "maximum": NUMBER_MAX,
            }
        if shape.integer:
            return forms.IntegerField(
                label=label,
                min_value=None if shape.minimum is None else int(shape.minimum),
                max_value=int(maximum),
                error_messages=messages,
                widget=forms.NumberInput(attrs=attrs),
            )
        return forms.FloatField(
            label=label,
            min_value=shape.minimum,
            max_value=maximum,
            error_messages=messages,
            widget=forms.NumberInput(attrs={**attrs, "step": "any"}),
        )
    if shape.kind == "time":
        return forms.RegexField(
            label=label,
            regex=_TIME,
            error_messages={
                **messages,
                "invalid": _("%(field)s: give a time of day as HH:MM, e.g. 18:00.")
                % {"field": label},
            },
            widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}),
        )
    if shape.kind == "choice":
        return forms.ChoiceField(
            label=label,
            choices=shape.choices,
            error_messages=messages,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
    if shape.kind == "choices":
        return forms.MultipleChoiceField(
            label=label,
            choices=shape.choices,
            required=False,
            error_messages=messages,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        )
    if shape.kind == "rows":
        return RowsField(label=label)
    return forms.CharField(
        label=label,
        max_length=ENTRY_MAX,
        strip=True,
        error_messages={
            **messages,
            "max_length": _("%(field)s: at most %(max)s characters.")
            % {"field": label, "max": ENTRY_MAX},
        },
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def _initial(shape: Shape, value: Any) -> Any:
    if shape.kind == "rows":
        return list(value)
    return value


class ResetForm(forms.Form):
    """Return a parameter to its default: only the reason is asked."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages = {
            "required": _("Give a reason for the change."),
            "max_length": _("%(field)s: at most %(max)s characters.")
            % {"field": _("Reason for the change"), "max": 300},
        }

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"])
        refused = check_text(reason, _("Reason for the change"))
        if refused:
            raise forms.ValidationError(refused[0])
        return reason


class ParameterForm(ResetForm):
    """Edits one parameter with typed fields: `value` for a single value, `value.<key>` for
    each row of a table; `reason` is required by the service. `cleaned_value()` is the value
    in the default's own form, ready for `set_parameter`."""

    def __init__(self, meta: ParameterMeta, current: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = meta
        self.shape = shape_of(meta)
        self.current = current
        fields: dict[str, forms.Field] = {}
        if self.shape.kind == "table":
            for key, label, row in self.shape.rows:
                name = f"value.{key}"
                fields[name] = form_field(f"{meta.title} · {label}", row)
                fields[name].initial = _initial(row, (current or {}).get(key))
        else:
            fields["value"] = form_field(meta.title, self.shape)
            fields["value"].initial = _initial(self.shape, current)
        # the value's fields come first, the reason last
        self.fields = {**fields, "reason": self.fields["reason"]}

    def value_fields(self) -> list[tuple[forms.BoundField, str, Shape]]:
        """Each field of the value with the label of its row and its shape."""
        if self.shape.kind == "table":
            return [(self[f"value.{key}"], label, row) for key, label, row in self.shape.rows]
        return [(self["value"], self.meta.title, self.shape)]

    def cleaned_value(self) -> Any:
        """The value as the default holds it (a table as a mapping of its rows)."""
        data = self.cleaned_data
        if self.shape.kind == "table":
            current = self.current if isinstance(self.current, dict) else {}
            return {
                key: _plain(row, data[f"value.{key}"], current.get(key))
                for key, _label, row in self.shape.rows
            }
        return _plain(self.shape, data["value"], self.current)


def _plain(shape: Shape, value: Any, current: Any) -> Any:
    if shape.kind == "choices":
        # what stays keeps its place, what is added follows in the vocabulary's order, so an
        # unchanged choice saves as the very same list
        chosen = set(value)
        kept = [code for code in current or () if code in chosen]
        return kept + [code for code, _label in shape.choices if code in chosen - set(kept)]
    if shape.kind == "number" and not shape.integer:
        return float(value)
    return value
