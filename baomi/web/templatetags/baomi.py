"""Template tags every page shares: `{{ moment|when }}`, `{{ moment|day }}`, `{% icon "name" %}`."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from baomi.core import timefmt

register = template.Library()
register.filter("when", timefmt.when)
register.filter("day", timefmt.day)


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
