"""Template filters every page shares: `{{ moment|when }}` and `{{ moment|day }}`."""

from __future__ import annotations

from django import template

from baomi.core import timefmt

register = template.Library()
register.filter("when", timefmt.when)
register.filter("day", timefmt.day)
