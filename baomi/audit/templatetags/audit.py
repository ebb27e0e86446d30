"""`{% load audit %}{% history obj %}`: an object's History card on its page, from the audit log,
as the signed-in person may read it (`bare=True`: the table alone, for an object page's tab).
The page has fetched `obj` through visibility already."""

from __future__ import annotations

from typing import Any

from django import template

from baomi.audit.humanize import history as _history

register = template.Library()


@register.inclusion_tag("audit/history.html", takes_context=True)
def history(context: Any, obj: Any, bare: bool = False) -> dict[str, Any]:
    return {"history": _history(obj, context["request"].user), "bare": bare}
