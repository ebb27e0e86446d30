"""The audit log exported as the auditor filtered it: the same humanized columns as the page,
times in the organization's zone, as xlsx or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy

from .humanize import Row, humanize

FORMATS = ("xlsx", "csv")
#: more rows than this are refused: a narrower filter is asked for instead
EXPORT_MAX = 200_000
#: events read and named at a time
CHUNK = 2_000


def columns() -> list[str]:
    return [
        _("No."),
        _("Time"),
        _("Actor"),
        _("Action"),
        _("Object"),
        _("Details"),
        _("Origin"),
    ]


def cells(row: Row) -> list[Any]:
    return [
        row.seq,
        row.at,
        row.actor.text,
        row.action,
        row.object.text if row.object else "",
        row.details_text(),
        row.origin,
    ]


def _rows(events: Any, viewer: Any) -> Iterator[Row]:
    chunk: list[Any] = []
    for event in events.iterator(chunk_size=CHUNK):
        chunk.append(event)
        if len(chunk) == CHUNK:
            yield from humanize(chunk, viewer)
            chunk = []
    yield from humanize(chunk, viewer)


def _xlsx(rows: Iterator[Row]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit log"))
    sheet.append(columns())
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: Iterator[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns())
    for row in rows:
        writer.writerow(cells(row))
    # with a byte-order mark, so a spreadsheet program reads the Chinese as UTF-8
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@transaction.atomic(durable=True)
def export_log(*, actor: Any, events: Any, fmt: str, filters: dict[str, str]) -> bytes:
    """The filtered events (a queryset of the log, in the page's order) as a file; the export
    itself is on record with the filter it used. Refuses more than EXPORT_MAX rows."""
    policy.require("audit.read", actor=actor)
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Export as xlsx or CSV.")})
    count = events.count()
    if count > EXPORT_MAX:
        raise ValidationError(
            _("%(n)s events are too many to export at once (at most %(max)s): narrow the filter.")
            % {"n": count, "max": EXPORT_MAX}
        )
    rows = _rows(events, actor)
    data = _xlsx(rows) if fmt == "xlsx" else _csv(rows)
    audit.record(actor, "audit.log_exported", None, events=count, format=fmt, filters=filters)
    return data
