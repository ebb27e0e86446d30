"""Template tags every page shares: `{{ moment|when }}`, `{{ moment|day }}`, `{% icon "name" %}`."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from baomi.core import timefmt

register = template.Library()


def _time_tag(text: str, value: object, *, date_only: bool = False) -> str:
    # <time> keeps a date and its minute on one line (CSS: .when) and carries the instant for
    # machines; anything that is not a time passes through as the plain text
    instant = timefmt.instant(value)
    if not text or instant is None:
        return text
    return format_html(
        '<time class="when" datetime="{}">{}</time>', instant[:10] if date_only else instant, text
    )


@register.filter
def when(value: object) -> str:
    """`{{ moment|when }}`: local date and minute, as a <time> element."""
    return _time_tag(timefmt.when(value), value)


@register.filter
def day(value: object) -> str:
    """`{{ moment|day }}`: the local date alone, as a <time> element."""
    return _time_tag(timefmt.day(value), value, date_only=True)


@register.simple_tag
def icon(name: str, extra: str = "") -> str:
    """An icon of the vendored Tabler set, from the one sprite file (no inline SVG per page)."""
    return format_html(
        '<svg class="icon{}" aria-hidden="true"><use href="{}#{}"></use></svg>',
        f" {extra}" if extra else "",
        static("web/icons.svg"),
        name,
    )


@register.filter
def is_active(item: object, path: str) -> bool:
    return bool(getattr(item, "active", lambda _p: False)(path))


@register.simple_tag
def widget(field: object, first: bool = False) -> object:
    """A form field's widget with Tabler's classes, marked invalid when it has errors."""
    from baomi.web.forms import render_widget

    return render_widget(field, first)  # type: ignore[arg-type]
