"""The tamper-evident audit chain. `audit.record(actor, "copy.lent", copy, due=…)` appends one
event inside the caller's transaction (see chain.py)."""

from typing import Any


def record(actor: Any, action: str, obj: Any = None, /, **data: Any) -> Any:
    from .chain import record as _record

    return _record(actor, action, obj, **data)


def history(obj: Any, viewer: Any) -> Any:
    """The object's audit events as `viewer` may read them, newest first, for a History tab
    (include "audit/history.html" with `history`)."""
    from .humanize import history as _history

    return _history(obj, viewer)
