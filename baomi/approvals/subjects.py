"""What an approval is about, as a person may read it.

A request names its subject by reference only (`ledger.document` and an id). Each approval kind
registers beside itself a describer (`kinds.describer`): a small function that turns one request
into a `Subject` — the document with its GB/T 9704 marking and a link, the copy numbers, the
destination, dates and counts the requester asked for — and says what happens once it is
approved. A describer reaches objects only through a `Lookup`, which fetches them through the
viewer's own visibility, once per object type for a whole list of requests: a request someone
may decide still shows nothing of a document they may not know of.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from baomi.core import timefmt

from . import kinds

if TYPE_CHECKING:
    from baomi.people.models import Person

    from .models import Approval


@dataclass(frozen=True, slots=True)
class Fact:
    """One line of what is asked for: a label, its value, and a link where there is one."""

    label: str
    value: str
    url: str = ""


@dataclass(slots=True)
class Subject:
    """What a request is about, and what follows its approval."""

    title: str  # the document's title as the viewer may read it, or what is asked for
    marking: str = ""  # the GB/T 9704 marking (机密★10年), where the subject has one
    url: str = ""
    facts: list[Fact] = field(default_factory=list)
    #: what happens once approved: applied at once, or who does what next, and where
    next_step: str = ""
    next_url: str = ""
    next_label: str = ""
    #: the viewer may not know of the object the request names
    hidden: bool = False

    @property
    def line(self) -> str:
        """The subject in one line, for a list: marking, title, the first fact."""
        parts = [p for p in (self.marking, self.title) if p]
        if self.facts:
            parts.append(f"{self.facts[0].label} {self.facts[0].value}")
        return " · ".join(parts)


Describer = Callable[["Approval", "Lookup"], Subject]

#: how each model named as a subject is fetched for a viewer: the related rows its describer uses
_LOADS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ledger.document": (("department",), ("copies",)),
    "ledger.copy": (("document", "cabinet"), ()),
    "ledger.attachment": (("document",), ()),
    "flows.destructionbatch": ((), ("items__copy__document",)),
}


class Lookup:
    """The objects a list of requests names, fetched through the viewer's visibility: the first
    object asked for of a type fetches every object of that type the list names, in one query."""

    def __init__(self, person: Person, approvals: Iterable[Approval]) -> None:
        self.person = person
        self._wanted: dict[str, set[str]] = defaultdict(set)
        for approval in approvals:
            if approval.object_type:
                self._wanted[approval.object_type].add(approval.object_id)
            who = approval.payload.get("person") if isinstance(approval.payload, dict) else None
            if who is not None:
                self._wanted["people.person"].add(str(who))
        self._found: dict[str, dict[str, Any]] = {}

    def get(self, label: str, pk: Any) -> Any:
        """The object, or None when it is gone or the viewer may not know of it."""
        key = str(pk)
        if key not in self._found.get(label, {}) and key not in self._wanted[label]:
            self._wanted[label].add(key)
            self._found.pop(label, None)
        if label not in self._found:
            self._found[label] = self._load(label, self._wanted[label])
        return self._found[label].get(key)

    def _load(self, label: str, ids: set[str]) -> dict[str, Any]:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return {}
        wanted = [int(i) for i in ids if i.isdigit()]
        if label == "people.person":
            rows = model._default_manager.select_related("department")
        elif getattr(model, "visibility", None) is not None:
            rows = model._default_manager.visible_to(self.person)
        else:
            return {}  # a model that declares no visibility is never shown
        related, prefetched = _LOADS.get(label, ((), ()))
        rows = rows.select_related(*related).prefetch_related(*prefetched)
        return {str(o.pk): o for o in rows.filter(pk__in=wanted)}

    def subject(self, approval: Approval) -> Any:
        """The object the request names, or None."""
        if not approval.object_type:
            return None
        return self.get(approval.object_type, approval.object_id)


# -- shared pieces --------------------------------------------------------------------------


def document_subject(document: Any, person: Person, copies: Any = None) -> Subject:
    """A document as the subject: marking, title and link, number, issuer, and its copy
    numbers (all of them unless `copies` names those the request is about)."""
    from baomi.core.levels import Level

    copies = sorted(document.copies.all() if copies is None else copies, key=lambda c: c.copy_no)
    facts = [
        Fact(_("Document number"), document.doc_number or "—"),
        Fact(_("Issuer"), document.issuer),
        Fact(_("Date of issue"), timefmt.day(document.issued_on)),
    ]
    if copies:
        labels = "、".join(c.label for c in copies)
        facts.insert(0, Fact(_("Copy numbers"), f"{labels} ({len(copies)})"))
    return Subject(
        title=document.title_for(person),
        marking=document.marking or str(Level(document.level).label),
        url=reverse("ledger:document", args=[document.pk]),
        facts=facts,
    )


def hidden_subject() -> Subject:
    return Subject(
        title=_("A document outside what you may know of"),
        hidden=True,
        facts=[Fact(_("Subject"), _("Its title and marking are shown to who may know of it."))],
    )


def _the_document(approval: Approval, lookup: Lookup) -> Subject:
    """The request's subject when it is a document (or a copy of one), or the hidden subject."""
    found = lookup.subject(approval)
    if found is None:
        return hidden_subject() if approval.object_type else Subject(title=approval.summary)
    if approval.object_type == "ledger.copy":
        subject = document_subject(found.document, lookup.person, copies=())
        subject.facts.insert(0, Fact(_("Copy number"), found.label))
        if found.cabinet is not None:
            subject.facts.append(Fact(_("Cabinet"), str(found.cabinet)))
        return subject
    if approval.object_type == "ledger.attachment":
        subject = document_subject(found.document, lookup.person, copies=())
        subject.facts.insert(0, Fact(_("File"), found.name))
        return subject
    return document_subject(found, lookup.person)


_PAYLOAD_LABELS: dict[str, Callable[[], str]] = {
    "count": lambda: _("Number of copies"),
    "destination": lambda: _("Destination"),
    "due_at": lambda: _("Due back"),
    "recipients": lambda: _("Recipients"),
    "marking": lambda: _("New marking"),
}


def payload_facts(approval: Approval) -> list[Fact]:
    """The parameters asked for that people read as they are (counts, places, dates, lists)."""
    facts = []
    payload = approval.payload if isinstance(approval.payload, dict) else {}
    for key, label in _PAYLOAD_LABELS.items():
        value = payload.get(key)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            text = "、".join(str(v) for v in value)
        elif key.endswith("_at") or key.endswith("_on"):
            text = timefmt.when(value)
        else:
            text = str(value)
        facts.append(Fact(label(), text))
    return facts


def _workbench() -> str:
    return reverse("flows:workbench")


# -- the kinds ------------------------------------------------------------------------------


@kinds.describer("scope.widen")
def _scope_widen(approval: Approval, lookup: Lookup) -> Subject:
    subject = _the_document(approval, lookup)
    who = lookup.get("people.person", approval.payload.get("person"))
    if who is not None:
        unit = f" ({who.department})" if who.department_id else ""
        subject.facts.insert(0, Fact(_("Person to admit"), f"{who.display_name}{unit}"))
    subject.next_step = _(
        "Once approved, the requester adds the person to the document's knowledge scope from "
        "this page (Apply); the person must still be cleared for the level."
    )
    return subject


_CHANGES: dict[str, Callable[[], str]] = {
    "declassify": lambda: _("declassify early"),
    "extend": lambda: _("extend the period"),
    "upgrade": lambda: _("raise the level"),
    "downgrade": lambda: _("lower the level"),
}


@kinds.describer("document.change")
def _document_change(approval: Approval, lookup: Lookup) -> Subject:
    subject = _the_document(approval, lookup)
    change = _CHANGES.get(str(approval.payload.get("change", "")))
    if change is not None:
        subject.facts.insert(0, Fact(_("Change"), change()))
    subject.facts[1:1] = payload_facts(approval)
    subject.next_step = _(
        "Once approved, the requester applies the change from this page (Apply): the "
        "document's level, marking and period change together, and every holder is told."
    )
    return subject


@kinds.describer("copy.carry_out")
def _carry_out(approval: Approval, lookup: Lookup) -> Subject:
    subject = _the_document(approval, lookup)
    subject.facts[0:0] = payload_facts(approval)
    subject.next_step = _(
        "Once approved, the clerk records the carrying-out at the workbench, naming this "
        "approval; the copy is in the requester's hands until it is brought back."
    )
    subject.next_url, subject.next_label = _workbench(), _("Workbench")
    return subject


@kinds.describer("copy.reproduce")
def _reproduce(approval: Approval, lookup: Lookup) -> Subject:
    subject = _the_document(approval, lookup)
    subject.facts[0:0] = payload_facts(approval)
    subject.next_step = _(
        "Once approved, the clerk makes the copies (no more than approved) at the workbench, "
        "naming this approval, or registers the extract; the copies are managed as the "
        "original."
    )
    subject.next_url, subject.next_label = _workbench(), _("Workbench")
    return subject


@kinds.describer("copy.loan")
def _loan(approval: Approval, lookup: Lookup) -> Subject:
    subject = _the_document(approval, lookup)
    subject.next_step = _(
        "Once approved, the clerk lends the requester a copy at the workbench; the loan uses "
        "this approval."
    )
    subject.next_url, subject.next_label = _workbench(), _("Workbench")
    return subject


@kinds.describer("document.print")
def _print(approval: Approval, lookup: Lookup) -> Subject:
    subject = Subject(title=approval.summary, facts=payload_facts(approval))
    subject.next_step = _(
        "Once approved, the requester registers the print run, choosing this approval: no "
        "more formal copies than approved, for the recipients named."
    )
    subject.next_url = reverse("ledger:new-internal")
    subject.next_label = _("Register a print run")
    return subject


@kinds.describer("copy.destroy")
def _destroy(approval: Approval, lookup: Lookup) -> Subject:
    batch = lookup.subject(approval)
    if batch is None:
        subject = hidden_subject() if approval.object_type else Subject(title=approval.summary)
    else:
        copies = [item.copy for item in batch.items.all()]
        subject = Subject(
            title=_("Destruction list of %(date)s") % {"date": timefmt.day(batch.listed_at)},
            url=reverse("flows:destruction"),
            facts=[Fact(_("Number of copies"), str(len(copies)))]
            + [
                Fact(
                    c.document.marking or _("Copy"),
                    f"{c.document.title_for(lookup.person)} {_('copy')} {c.label}",
                    reverse("ledger:document", args=[c.document_id]),
                )
                for c in copies
            ],
        )
    subject.next_step = _(
        "Once approved, the clerk destroys the listed copies on the destruction page, naming "
        "this approval, under the supervision the rule requires."
    )
    subject.next_url, subject.next_label = reverse("flows:destruction"), _("Destruction")
    return subject


@kinds.describer("document.compile")
def _compile(approval: Approval, lookup: Lookup) -> Subject:
    subject = Subject(title=approval.summary, facts=payload_facts(approval))
    subject.next_step = _(
        "Once approved, the requester registers the compilation, naming this approval; it "
        "takes the highest level of its sources."
    )
    return subject


@kinds.describer("content.release")
def _release(approval: Approval, lookup: Lookup) -> Subject:
    subject = _the_document(approval, lookup)
    subject.facts[0:0] = payload_facts(approval)
    subject.next_step = _(
        "Once approved, the requester sends or exports the content, naming this approval; "
        "the release is on record."
    )
    return subject


def describe(approval: Approval, lookup: Lookup) -> Subject:
    """The subject of one request, by its kind's describer (the summary alone for a kind that
    registered none)."""
    describer = kinds.describer_of(approval.kind)
    if describer is None:
        subject = _the_document(approval, lookup)
        subject.facts[0:0] = payload_facts(approval)
        return subject
    return describer(approval, lookup)


def describe_all(approvals: Iterable[Approval], person: Person) -> dict[int, Subject]:
    """The subject of each request of a list, by id, fetched once per object type."""
    rows = list(approvals)
    lookup = Lookup(person, rows)
    return {a.pk: describe(a, lookup) for a in rows}
