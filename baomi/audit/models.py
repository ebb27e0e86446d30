"""The audit chain's tables.

An `AuditEvent` row is exactly what is hashed: `body` is the event's canonical JSON and `hash` is
H(previous hash ‖ body). The columns used for searching (action, actor, object) are generated
by the database from `body`, so they cannot drift from what the chain protects; `verify` checks
that they are still generated (migration 0004 says why not a trigger).
Database triggers (see the migrations) reject UPDATE and DELETE on events and checkpoints.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class BodyField(models.Func):
    """A text field of the event body, extracted by the database itself."""

    output_field = models.CharField()

    def __init__(self, *path: str) -> None:
        self.json_path = path
        super().__init__(models.F("body"))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        path = "$." + ".".join(self.json_path)
        return self.as_sql(
            compiler, connection, template=f"json_extract(%(expressions)s, '{path}')"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        *parents, last = self.json_path
        chain = "".join(f" -> '{p}'" for p in parents)
        # json, not jsonb: the text is parsed where jsonb would build a tree first, a quarter
        # of each append's parsing (the same values; both take the last of repeated keys).
        # The cast is a no-op on the json column, and makes the expression valid on the text
        # column of the migrations before 0006.
        return self.as_sql(
            compiler, connection, template=f"((%(expressions)s)::json{chain} ->> '{last}')"
        )


class BodyTextField(models.TextField):
    """The event's canonical JSON as the text that was hashed. On PostgreSQL a `json` column:
    it keeps the text exactly as written (`jsonb` would not), checks it is JSON once, on insert,
    and the four search columns then read it without each checking it again, which cost a
    fifth of an append's time on the server. Connections read it as text (see `apps`)."""

    def db_type(self, connection: Any) -> str | None:
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)


def _generated(*path: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=BodyField(*path), output_field=models.CharField(max_length=200), db_persist=True
    )


class PositionField(models.BigIntegerField):
    """A 64-bit position that is SQLite's rowid, so the chain is stored in position order and
    read back by a plain table scan."""

    def db_type(self, connection: Any) -> str | None:
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class AuditEvent(models.Model):
    seq = PositionField(_("position"), primary_key=True)
    hash = models.BinaryField(_("hash"), max_length=32)
    body = BodyTextField(_("event"))

    # what the auditor filters by; the time and the actor's name are read from the body
    action = _generated("action")
    actor_id = _generated("actor", "id")
    object_type = _generated("object", "type")
    object_id = _generated("object", "id")

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["action", "seq"], name="audit_action_idx"),
            models.Index(fields=["actor_id", "seq"], name="audit_actor_idx"),
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @cached_property
    def event(self) -> dict[str, Any]:
        """The recorded event as data."""
        return json.loads(self.body)


class AuditHead(models.Model):
    """The single row naming the chain's last position and hash, locked by every writer so
    that positions follow commit order. It is a convenience, not a source of truth: verify
    recomputes the chain and reports a head that disagrees with it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.BinaryField(max_length=32)
    alg = models.CharField(max_length=10, default="sha256")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.alg} head at {self.seq}"


class Checkpoint(models.Model):
    """A signed statement of the chain's size, Merkle root and head hash at one moment."""

    tree_size = models.BigIntegerField(_("events"))
    document = models.TextField(_("signed checkpoint"))
    created_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-tree_size"]

    def __str__(self) -> str:
        return f"checkpoint of {self.tree_size} events"
