"""Tampering with the stored log the way an intruder with database access would: triggers
dropped, rows changed with raw SQL."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

from django.db import connection

append_only = importlib.import_module("baomi.audit.migrations.0002_append_only")


@contextlib.contextmanager
def triggers_dropped() -> Iterator[None]:
    vendor = connection.vendor
    with connection.cursor() as c:
        for sql in append_only.drop_statements(vendor):
            c.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as c:
            for sql in append_only.statements(vendor):
                c.execute(sql)


def sql(statement: str, params: list | tuple = ()) -> None:
    with connection.cursor() as c:
        c.execute(statement, params)


def body_of(seq: int) -> str:
    with connection.cursor() as c:
        c.execute("SELECT body FROM audit_auditevent WHERE seq = %s", [seq])
        return c.fetchone()[0]


def hash_of(seq: int) -> bytes:
    with connection.cursor() as c:
        c.execute("SELECT hash FROM audit_auditevent WHERE seq = %s", [seq])
        return bytes(c.fetchone()[0])
