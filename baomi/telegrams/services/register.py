"""收发电报登记簿: the telegram register, every telegram received or sent as the person may know
of it, written to xlsx or PDF like the ledger's named registers (TEL.REGISTER)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi import audit, policy
from baomi.core import clock
from baomi.core.levels import LEVEL_ZH, URGENCY_ZH, Level, Urgency
from baomi.core.timefmt import printed_when
from baomi.core.visibility import NotVisible
from baomi.ledger import registers
from baomi.people.models import Person

from ..models import Telegram
from .board import visible_telegrams

FORMATS = ("xlsx", "pdf")


def _unused(*_args: Any) -> list[Any]:  # rows come from telegrams, not documents
    return []


REGISTER = registers.Register(
    code="telegrams",
    name="收发电报登记簿",
    label=gettext_lazy("Telegram register"),
    origin=None,
    headers=[
        "收发时间",
        "收/发",
        "电报号",
        "明/密",
        "密级",
        "紧急程度",
        "类别",
        "来电/发往单位",
        "事由",
        "登记人",
        "回单时间",
        "办结时间",
        "复电/原电",
    ],
    row=_unused,
    people=(),
    widths=(8, 3, 9, 3, 5, 5, 5, 10, 0, 6, 8, 8, 9),
)

_DIRECTION = {Telegram.Direction.INCOMING: "收", Telegram.Direction.OUTGOING: "发"}
_TRAFFIC = {Telegram.Traffic.CIPHER: "密", Telegram.Traffic.PLAIN: "明"}
_KIND = {Telegram.Kind.ORDINARY: "", Telegram.Kind.ALERT: "预警通知"}


def _time(moment: Any) -> str:
    return printed_when(moment)


def _subject(telegram: Telegram, viewer: Any) -> str:
    if telegram.document is not None:
        return telegram.document.title_for(viewer)
    if telegram.subject:
        return telegram.subject
    return f"复 {telegram.in_reply_to.number}" if telegram.in_reply_to else ""


def telegram_register(person: Any) -> Any:
    """The register's telegrams as this person may know of them, in the order registered."""
    return (
        visible_telegrams(person)
        .select_related("document", "registered_by", "in_reply_to")
        .prefetch_related("replies")
        .order_by("registered_at", "id")
    )


def register_rows(telegrams: Any, viewer: Any) -> Iterator[list[Any]]:
    for t in telegrams:
        answered = (
            t.in_reply_to.number if t.in_reply_to else "、".join(r.number for r in t.replies.all())
        )
        yield [
            _time(t.registered_at),
            _DIRECTION[Telegram.Direction(t.direction)],
            t.number,
            _TRAFFIC[Telegram.Traffic(t.traffic)],
            LEVEL_ZH[Level(t.level)],
            URGENCY_ZH[Urgency(t.urgency)],
            _KIND[Telegram.Kind(t.kind)],
            t.correspondent,
            _subject(t, viewer),
            str(t.registered_by),
            _time(t.acked_at),
            _time(t.done_at),
            answered,
        ]


@transaction.atomic(durable=True)
def export_telegram_register(*, actor: Person, fmt: str = "xlsx") -> bytes:
    """The telegram register (收发电报登记簿) as the actor may know of it, as xlsx or PDF, for
    the confidential room's custody posts; the export itself is on record. A printed register
    carries the highest level among its rows on every page."""
    if fmt not in FORMATS:
        raise NotVisible
    policy.require("custody.manage", actor=actor)
    telegrams = telegram_register(actor)
    count = telegrams.count()
    if fmt == "pdf":
        if count > registers.PDF_MAX_ROWS:
            raise ValidationError(
                _("%(n)s rows are too many to print at once (at most %(max)s): export to xlsx.")
                % {"n": count, "max": registers.PDF_MAX_ROWS}
            )
        top = max(telegrams.values_list("level", flat=True), default=Level.PUBLIC)
        data = registers.to_pdf(
            REGISTER,
            register_rows(telegrams, actor),
            level=Level(top),
            printed=f"{actor} {printed_when(clock.now())}",
        )
    else:
        data = registers.to_xlsx(REGISTER, register_rows(telegrams, actor))
    audit.record(
        actor, "register.exported", None, register="telegrams", telegrams=count, format=fmt
    )
    return data
