"""What the audit history calls an object that has no name of its own (a loan, an approval, a
destruction batch): its type, then what identifies it, as far as the reader may know it.

Each type says two things. `about`: the parts anyone who reads the log may see, because the
events show them anyway (who, when, a document number, a department), never a title. `known`:
a fuller name (a title, an approval's summary) for a reader the object is visible to. An
object no longer in the database, or of a type not named here, reads as its type and number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from baomi.core import timefmt, visibility

from .labels import type_name


def _url(name: str, pk: Any) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def named(object_type: str, about: Iterable[Any]) -> str:
    """`type（part，part）`: an object named by what identifies it."""
    parts = [str(p) for p in about if p not in (None, "")]
    if not parts:
        return type_name(object_type)
    return _("%(type)s (%(about)s)") % {
        "type": type_name(object_type),
        "about": pgettext("list separator", ", ").join(parts),
    }


def numbered(object_type: str, pk: Any) -> str:
    """The last resort, for an object gone from the database: its type and number."""
    return _("%(type)s no. %(n)s") % {"type": type_name(object_type), "n": pk}


def _person(p: Any) -> str:
    return str(p.display_name) if p is not None else ""


def _unit(u: Any) -> str:
    return str(u.name) if u is not None else ""


@dataclass(frozen=True)
class Namer:
    """How one type is named: see the module's docstring."""

    about: Callable[[Any], Iterable[Any]]
    known: Callable[[Any, Any], str] | None = None
    url: str | None = None
    related: tuple[str, ...] = ()


def _document_about(d: Any) -> list[Any]:
    if d.doc_number:
        return [d.doc_number]
    return [d.marking or d.get_level_display(), timefmt.day(d.registered_at)]


def document_name(d: Any, viewer: Any, *, known: bool) -> str:
    """A document as this reader may know it: its title (sealed for all but its addressee) and
    number, or, to one who may not know it, its number or its marking and day of registration."""
    if not known:
        return named("ledger.document", _document_about(d))
    number = f"（{d.doc_number}）" if d.doc_number else ""
    return f"{d.title_for(viewer)}{number}"


def _approval_known(a: Any, viewer: Any) -> str:
    return f"{a.kind_title}：{a.summary}"


def _batch_about(b: Any) -> list[Any]:
    return [_person(b.listed_by), timefmt.when(b.listed_at)]


def _stocktake_about(s: Any) -> list[Any]:
    where = str(s.cabinet) if s.cabinet else _unit(s.department) or _("all cabinets")
    return [where, timefmt.when(s.opened_at)]


NAMERS: dict[str, Namer] = {
    "approvals.approval": Namer(
        lambda a: [a.kind_title, _person(a.requester), timefmt.day(a.requested_at)],
        _approval_known,
        "approvals:detail",
        ("requester",),
    ),
    "flows.loan": Namer(
        lambda o: [_person(o.borrower), timefmt.when(o.lent_at)], related=("borrower",)
    ),
    "flows.circulation": Namer(lambda o: [timefmt.when(o.started_at)]),
    "flows.transfer": Namer(lambda o: [o.recipient, timefmt.when(o.sent_at)]),
    "flows.carryout": Namer(
        lambda o: [_person(o.person), o.destination, timefmt.when(o.out_at)], related=("person",)
    ),
    "flows.lossreport": Namer(
        lambda o: [_person(o.reported_by), timefmt.when(o.reported_at)],
        url=None,
        related=("reported_by",),
    ),
    "flows.destructionbatch": Namer(_batch_about, related=("listed_by",)),
    "flows.archivevolume": Namer(
        lambda v: [v.year, _unit(v.department)],
        lambda v, _viewer: named("flows.archivevolume", [v.year, v.title]),
        related=("department",),
    ),
    "flows.handover": Namer(
        lambda h: [
            _("%(person)s to %(receiver)s")
            % {"person": _person(h.person), "receiver": _person(h.receiver)},
            timefmt.day(h.opened_at),
        ],
        url="flows:handover",
        related=("person", "receiver"),
    ),
    "flows.stocktake": Namer(
        _stocktake_about, url="flows:stocktake", related=("cabinet", "department")
    ),
    "flows.closingcheck": Namer(lambda c: [timefmt.day(c.day)]),
    "flows.closingsheet": Namer(
        lambda s: [_unit(s.department), timefmt.day(s.closing.day)],
        url="flows:closing-sheet",
        related=("department", "closing"),
    ),
    "flows.channel": Namer(lambda c: [c.name]),
    "ledger.cabinet": Namer(lambda c: [str(c)]),
    "ledger.attachment": Namer(
        lambda a: [_person(a.uploaded_by), timefmt.when(a.uploaded_at)],
        lambda a, _viewer: named("ledger.attachment", [a.name]),
        related=("uploaded_by",),
    ),
    "ledger.consent": Namer(
        lambda c: [c.issuer, c.reference, timefmt.day(c.given_on)],
    ),
    "review.releaseconsent": Namer(
        lambda c: [c.issuer, c.reference, timefmt.day(c.given_on)],
    ),
    "ledger.printwaste": Namer(
        lambda w: [w.get_kind_display(), _person(w.recorded_by), timefmt.day(w.recorded_at)],
        related=("recorded_by",),
    ),
    "meetings.meeting": Namer(
        lambda m: [_unit(m.department), timefmt.day(m.starts_at)],
        lambda m, _viewer: str(m.title),
        "meetings:meeting",
        ("department",),
    ),
    "review.manuscript": Namer(
        lambda m: [_person(m.submitted_by), timefmt.day(m.submitted_at)],
        lambda m, _viewer: str(m.title),
        "review:manuscript",
        ("submitted_by",),
    ),
    # the term itself may be a matter not yet announced: it stays on the reviewers' list
    "review.sensitiveterm": Namer(
        lambda t: [t.get_kind_display(), _person(t.added_by), timefmt.day(t.added_at)],
        related=("added_by",),
    ),
    "telegrams.telegram": Namer(lambda t: [t.number]),
    "telegrams.dutyhandover": Namer(
        lambda h: [
            timefmt.day(h.day),
            _("%(person)s to %(receiver)s")
            % {"person": _person(h.handed_by), "receiver": _person(h.taken_by)},
        ],
        related=("handed_by", "taken_by"),
    ),
}


def model_of(object_type: str) -> type[models.Model] | None:
    """The model an event's object type (`ledger.document`) names, or None if none is installed."""
    app_label, _dot, name = object_type.partition(".")
    try:
        return apps.get_model(app_label, name)
    except (LookupError, ValueError):
        return None


def visible_ids(model: type[models.Model], viewer: Any, ids: Iterable[Any]) -> set[str]:
    """Which of these rows the viewer may know of; a model without a declaration, all."""
    rows = model._default_manager.filter(pk__in=list(ids))
    try:
        visibility.declaration(model)
    except TypeError:
        return {str(pk) for pk in rows.values_list("pk", flat=True)}
    return {
        str(pk)
        for pk in rows.filter(visibility.condition(model, viewer)).values_list("pk", flat=True)
    }


def resolve(object_type: str, ids: set[str], viewer: Any) -> dict[str, tuple[str, str | None]]:
    """(name, link) of each object of a named type that still exists; {} for another type."""
    namer = NAMERS.get(object_type)
    model = model_of(object_type)
    if namer is None or model is None:
        return {}
    rows = model._default_manager.filter(pk__in=list(ids)).select_related(*namer.related)
    shown = visible_ids(model, viewer, ids)
    found = {}
    for row in rows:
        pk = str(row.pk)
        if pk in shown:
            text = namer.known(row, viewer) if namer.known else named(object_type, namer.about(row))
            found[pk] = (text, _url(namer.url, row.pk) if namer.url else None)
        else:
            found[pk] = (named(object_type, namer.about(row)), None)
    return found
