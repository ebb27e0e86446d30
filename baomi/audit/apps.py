from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def read_json_as_text(sender: Any, connection: Any, **kwargs: Any) -> None:
    """An event body is the exact text that was hashed: on PostgreSQL's json column the driver
    must hand it over as text, never parse it (Django does the same for jsonb)."""
    if connection.vendor == "postgresql":
        from psycopg.types.string import TextLoader

        connection.connection.adapters.register_loader("json", TextLoader)


class AuditConfig(AppConfig):
    name = "baomi.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        connection_created.connect(read_json_as_text, dispatch_uid="audit.read_json_as_text")
