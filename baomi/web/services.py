"""A person's own settings of the lists they read. These are preferences, not records of the
confidentiality work: they change nothing another person relies on, so they are not audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from baomi.core.visibility import NotVisible

from .models import SavedView


@transaction.atomic(durable=True)
def save_view(*, actor: Any, list_name: str, name: str, query: str, shared: bool) -> SavedView:
    """Save `query` of a list under `name` as the actor's view (replacing their view of that
    name); shared with the actor's department when `shared` and they belong to one."""
    view, _created = SavedView.objects.update_or_create(
        person=actor,
        list_name=list_name,
        name=name,
        defaults={"query": query, "department_id": actor.department_id if shared else None},
    )
    return view


@transaction.atomic(durable=True)
def delete_view(*, actor: Any, pk: int) -> None:
    """Delete one of the actor's own views; another's, shared or not, does not exist for them."""
    deleted, _rows = SavedView.objects.filter(person=actor, pk=pk).delete()
    if not deleted:
        raise NotVisible
