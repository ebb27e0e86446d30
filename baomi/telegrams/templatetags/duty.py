"""The duty desk's countdowns: the text a clock shows before the page's script takes over, and
the instants the script counts from (milliseconds since the epoch, for data- attributes)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

register = template.Library()

#: Tabler's colours of a clock's urgency: the badge, and the row of the table
BADGE = {"calm": "bg-success-lt", "warning": "text-bg-warning", "danger": "text-bg-danger"}
ROW = {"calm": "", "warning": "table-warning", "danger": "table-danger"}


def span(seconds: int) -> str:
    """A duration as a countdown shows it: 04:59, 1:04:59, or 2 days 1:04:59."""
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"
    return _("%(days)s d %(time)s") % {"days": days, "time": clock} if days else clock


@register.filter
def countdown(left: dt.timedelta) -> str:
    """What is left of a clock ("04:59 left"), or how long it is overdue."""
    seconds = int(left.total_seconds() // 1)
    if seconds < 0:
        return _("overdue by %(time)s") % {"time": span(-seconds)}
    return _("%(time)s left") % {"time": span(seconds)}


@register.simple_tag
def duty_format(name: str) -> str:
    """The countdown's phrases for the page's script, as the filter above words them."""
    return {
        "left": _("%(time)s left"),
        "over": _("overdue by %(time)s"),
        "days": _("%(days)s d %(time)s"),
    }[name]


@register.filter
def epoch_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


@register.filter
def seconds(duration: dt.timedelta) -> int:
    return int(duration.total_seconds())


@register.filter
def badge(urgency: str) -> str:
    return BADGE[urgency]


@register.filter
def row(urgency: str) -> str:
    return ROW[urgency]
