"""Audit events as a person reads them: the actor's name, the action's label, the object as a
link with its name, each detail labelled and its ids shown as names, times in local time.

What a row names respects the reader's knowledge: an object they may not know of is shown by
what identifies it without its title (`文件（规〔2026〕1号）`, see `names`); a person is linked
only for those who manage people. References are resolved per page in one or two queries per
type, not per row.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from baomi.core import timefmt, visibility

from . import names
from .labels import PURPOSES, action_label, detail_label
from .models import AuditEvent

Ref = tuple[str, str]  # (object type, id as text)


@dataclass(frozen=True)
class Link:
    """A name, linked where the reader may open it."""

    text: str
    url: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class Detail:
    label: str
    parts: list[Link]

    @property
    def text(self) -> str:
        return "、".join(p.text for p in self.parts)


@dataclass
class Row:
    seq: int
    at: str  # local date and minute
    actor: Link
    action: str
    object: Link | None
    details: list[Detail] = field(default_factory=list)
    origin: str = ""

    def details_text(self) -> str:
        return "；".join(f"{d.label}: {d.text}" for d in self.details)


# -- which detail values name something --------------------------------------------------------

PERSON = "people.person"
COPY = "ledger.copy"
DOCUMENT = "ledger.document"
UNIT = "core.orgunit"

#: detail key -> the type its id (or each id of its list) names
DETAIL_TYPES: dict[str, str] = {
    **dict.fromkeys(
        (
            "requester",
            "custodian",
            "holder",
            "leader",
            "primary",
            "secondary",
            "taken_by",
            "person",
            "receiver",
            "signed_by",
            "security_lead",
            "reader",
            "readers",
            "borrower",
            "supervisor",
            "supervisors",
            "announced_by",
            "checked_by",
            "addressee",
            "couriers",
            "companions",
            "escort",
            "reported_to",
            "old",
            "new",
        ),
        PERSON,
    ),
    **dict.fromkeys(("copy", "copies", "exceptions"), COPY),
    **dict.fromkeys(("document", "documents"), DOCUMENT),
    **dict.fromkeys(("department", "approver_unit", "parent", "unit"), UNIT),
    "approval": "approvals.approval",
    "loan": "flows.loan",
    "circulation": "flows.circulation",
    "batch": "flows.destructionbatch",
    "transfer": "flows.transfer",
    "carry_out": "flows.carryout",
    "report": "flows.lossreport",
    "volume": "flows.archivevolume",
    "handover": "flows.handover",
    "attachment": "ledger.attachment",
    "meeting": "meetings.meeting",
    "referral": "review.referral",
    "signoff": "meetings.securitysignoff",
    "in_reply_to": "telegrams.telegram",
    "reminder": "approvals.reminder",
}

#: (action prefix or action, key) -> type, where a key names different things
DETAIL_TYPES_BY_ACTION: dict[tuple[str, str], str | None] = {
    ("document", "consent"): "ledger.consent",
    ("manuscript", "consent"): "review.releaseconsent",
    ("custody.checked", "sheets"): "flows.closingsheet",
    ("document.content_released", "recipient"): PERSON,
    ("approval.reminded", "told"): PERSON,
    # old and new name people only where a custodian changes; elsewhere they are values
    ("rule", "old"): None,
    ("rule", "new"): None,
    ("person", "old"): None,
    ("person", "new"): None,
    ("review.index_rebuilt", "documents"): None,
}


#: keys naming several things: a list names each, a number alone is a count
PLURAL = frozenset(
    ("copies", "documents", "readers", "couriers", "supervisors", "companions", "exceptions")
)


def _detail_type(action: str, key: str) -> str | None:
    for scope in (action, action.partition(".")[0]):
        if (scope, key) in DETAIL_TYPES_BY_ACTION:
            return DETAIL_TYPES_BY_ACTION[(scope, key)]
    if key in ("old", "new") and action != "cabinet.custodian_changed":
        return None
    return DETAIL_TYPES.get(key)


def _as_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return str(value)
    return None


# -- choice values ------------------------------------------------------------------------------


def _choices(path: str) -> Callable[[Any], str | None]:
    def label(value: Any) -> str | None:
        module, _dot, name = path.rpartition(".")
        owner: Any = __import__(module, fromlist=[name])
        for part in name.split("/"):
            owner = getattr(owner, part)
        try:
            return str(owner(value).label)
        except ValueError:
            return None

    return label


def _kind(value: Any) -> str | None:
    from baomi.approvals import kinds

    title = kinds.title(str(value))
    return None if title == str(value) else title


CHOICES: dict[str, Callable[[Any], str | None]] = {
    "state": _choices("baomi.ledger.models.Copy/State"),
    "variant": _choices("baomi.ledger.models.Copy/Variant"),
    "origin": _choices("baomi.ledger.models.Document/Origin"),
    "level": _choices("baomi.core.levels.Level"),
    "urgency": _choices("baomi.core.levels.Urgency"),
    "tier": _choices("baomi.core.levels.Tier"),
    "admin_role": _choices("baomi.people.models.AdminRole"),
    "approver_post": _choices("baomi.people.models.Post"),
    "posts": _choices("baomi.people.models.Post"),
    "previous": _choices("baomi.approvals.models.Approval/State"),
    "place": _choices("baomi.flows.models.Loan/Place"),
}


def _purpose(value: Any) -> str | None:
    found = PURPOSES.get(str(value))
    return str(found) if found is not None else _kind(value)


CHOICES_BY_ACTION: dict[tuple[str, str], Callable[[Any], str | None]] = {
    ("approval", "kind"): _kind,
    ("approval", "action"): _purpose,
    ("document", "kind"): _choices("baomi.core.levels.SecretKind"),
    ("orgunit", "kind"): _choices("baomi.core.models.OrgUnit/Kind"),
}

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$")


def _choice(action: str, key: str) -> Callable[[Any], str | None] | None:
    return CHOICES_BY_ACTION.get((action.partition(".")[0], key)) or CHOICES.get(key)


# -- resolving references -----------------------------------------------------------------------


def _url(name: str, pk: Any) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _numbered(object_type: str, pk: str) -> Link:
    return Link(names.numbered(object_type, pk))


def _visible(model: type[models.Model], viewer: Any, ids: Iterable[str]) -> models.QuerySet[Any]:
    rows = model._default_manager.filter(pk__in=list(ids))
    try:
        visibility.declaration(model)
    except TypeError:
        return rows
    return rows.filter(visibility.condition(model, viewer))


def _people(ids: set[str], viewer: Any) -> dict[str, Link]:
    from baomi import policy
    from baomi.people.models import Person

    manages = viewer is not None and policy.check("person.manage", actor=viewer).allowed
    return {
        str(p.pk): Link(p.display_name, _url("people:edit", p.pk) if manages else None)
        for p in Person.objects.filter(pk__in=ids).only("pk", "full_name", "username")
    }


def _documents(ids: set[str], viewer: Any) -> dict[str, Link]:
    from baomi.ledger.models import Document

    shown = names.visible_ids(Document, viewer, ids)
    found = {}
    for d in Document.objects.filter(pk__in=ids):
        known = str(d.pk) in shown
        found[str(d.pk)] = Link(
            names.document_name(d, viewer, known=known),
            _url("ledger:document", d.pk) if known else None,
        )
    return found


def _copies(ids: set[str], viewer: Any) -> dict[str, Link]:
    from baomi.ledger.models import Copy

    rows = list(Copy.objects.filter(pk__in=ids).select_related("document"))
    shown = names.visible_ids(Copy, viewer, ids)
    found = {}
    for c in rows:
        known = str(c.pk) in shown
        text = _("%(document)s, copy %(copy)s") % {
            "document": names.document_name(c.document, viewer, known=known),
            "copy": c.label,
        }
        found[str(c.pk)] = Link(text, _url("ledger:copy", c.pk) if known else None)
    return found


def _titled(url_name: str | None, name: Callable[[Any], str]) -> Callable[..., dict[str, Link]]:
    def resolve(object_type: str, ids: set[str], viewer: Any) -> dict[str, Link]:
        model = names.model_of(object_type)
        if model is None:
            return {}
        return {
            str(o.pk): Link(name(o), _url(url_name, o.pk) if url_name else None)
            for o in _visible(model, viewer, ids)
        }

    return resolve


def _rules(ids: set[str], viewer: Any) -> dict[str, Link]:
    from baomi.policy.catalog import catalog

    rules = catalog()
    return {
        rule_id: Link(f"{rules[rule_id].title}（{rule_id}）" if rule_id in rules else rule_id)
        for rule_id in ids
    }


def _named(object_type: str, ids: set[str], viewer: Any) -> dict[str, Link]:
    return {
        pk: Link(text, url) for pk, (text, url) in names.resolve(object_type, ids, viewer).items()
    }


TYPED: dict[str, Callable[..., dict[str, Link]]] = {
    "core.orgunit": _titled(None, lambda u: u.name),
    **dict.fromkeys(names.NAMERS, _named),
}


class Names:
    """The names of every object a batch of events refers to, as the viewer may know them."""

    def __init__(self, viewer: Any, refs: Iterable[Ref]) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        for t, pk in refs:
            wanted[t].add(pk)
        self.found: dict[Ref, Link] = {}
        for t, ids in wanted.items():
            if t == PERSON:
                links = _people(ids, viewer)
            elif t == DOCUMENT:
                links = _documents(ids, viewer)
            elif t == COPY:
                links = _copies(ids, viewer)
            elif t == "policy.rule":
                links = _rules(ids, viewer)
            elif t in TYPED:
                links = TYPED[t](t, ids, viewer)
            else:
                links = {}
            self.found |= {(t, pk): link for pk, link in links.items()}

    def __call__(self, object_type: str, pk: str) -> Link:
        return self.found.get((object_type, pk)) or _numbered(object_type, pk)


# -- events -------------------------------------------------------------------------------------


def _refs(event: Mapping[str, Any]) -> Iterable[Ref]:
    obj = event.get("object")
    if obj:
        yield obj["type"], str(obj["id"])
    action = event.get("action", "")
    for key, value in (event.get("data") or {}).items():
        if _is_ref(value):
            yield value["type"], str(value["id"])
            continue
        kind = _detail_type(action, key)
        if kind is None or (key in PLURAL and not isinstance(value, list)):
            continue
        for v in value if isinstance(value, list) else [value]:
            pk = _as_id(v)
            if pk is not None:
                yield kind, pk


def _is_ref(value: Any) -> bool:
    """An object named as events name theirs: {"type": "ledger.document", "id": "9"}."""
    return isinstance(value, dict) and set(value) == {"type", "id"} and "." in str(value["type"])


def _shown(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _value(action: str, key: str, value: Any, names: Names, *, listed: bool = False) -> list[Link]:
    """One detail's value as names: ids as links, choices as labels, times local, nothing raw."""
    if value is None or value == "" or value == [] or value == {}:
        return [Link("—")]
    if isinstance(value, bool):
        return [Link(_("yes") if value else _("no"))]
    kind = _detail_type(action, key)
    if isinstance(value, list):
        return [p for v in value for p in _value(action, key, v, names, listed=True)]
    if _is_ref(value):
        return [names(value["type"], str(value["id"]))]
    if isinstance(value, dict):
        return [
            Link(f"{detail_label(k)}: {'、'.join(p.text for p in _value(action, k, v, names))}")
            for k, v in value.items()
        ]
    if kind is not None and _as_id(value) is not None and (listed or key not in PLURAL):
        return [names(kind, str(value))]
    choice = _choice(action, key)
    if choice is not None:
        label = choice(value)
        if label is not None:
            return [Link(label)]
    if isinstance(value, str) and ISO.match(value):
        return [Link(_at(value) if "T" in value else timefmt.day(value))]
    return [Link(str(value))]


@functools.lru_cache(maxsize=8192)
def _minute(language: str, minute: str) -> str:
    return timefmt.when(minute + ":00Z")


def _at(value: Any) -> str:
    """The recorded time as local date and minute. The chain writes a fixed-width UTC form, so
    events of the same minute share one formatting (the export formats thousands)."""
    if isinstance(value, str) and len(value) == 27 and value.endswith("Z"):
        return _minute(translation.get_language() or "", value[:16])
    return timefmt.when(value)


@functools.lru_cache(maxsize=4096)
def _label(language: str, kind: str, code: str) -> str:
    return action_label(code) if kind == "action" else detail_label(code)


def _actor(event: Mapping[str, Any], names: Names) -> Link:
    actor = event.get("actor")
    if not actor:
        return Link(_("system"))
    known = names.found.get((PERSON, str(actor["id"])))
    # the name recorded at the time, linked to the person as they are now
    return Link(str(actor.get("name") or known or ""), known.url if known else None)


def humanize(events: Sequence[AuditEvent], viewer: Any) -> list[Row]:
    """The rows a person reads for these events, in the order given."""
    bodies = [(e.seq, e.event) for e in events]
    refs: list[Ref] = []
    for _seq, ev in bodies:
        refs.extend(_refs(ev))
        if ev.get("actor"):
            refs.append((PERSON, str(ev["actor"]["id"])))
    names = Names(viewer, refs)
    language = translation.get_language() or ""
    rows = []
    for seq, ev in bodies:
        action = ev.get("action", "")
        obj = ev.get("object")
        rows.append(
            Row(
                seq=seq,
                at=_at(ev.get("at")),
                actor=_actor(ev, names),
                action=_label(language, "action", action),
                object=names(obj["type"], str(obj["id"])) if obj else None,
                details=[
                    Detail(_label(language, "detail", k), _value(action, k, v, names))
                    for k, v in (ev.get("data") or {}).items()
                    if _shown(v)
                ],
                origin=str(ev.get("origin") or ""),
            )
        )
    return rows


def history(obj: models.Model, viewer: Any, *, limit: int = 200) -> list[Row]:
    """The object's audit events, newest first, humanized for `viewer`; a document's history
    includes its copies'. The caller has fetched `obj` through visibility already."""
    label = obj._meta.label_lower
    where = models.Q(object_type=label, object_id=str(obj.pk))
    if label == DOCUMENT:
        copies = [str(pk) for pk in obj.copies.values_list("pk", flat=True)]  # type: ignore[attr-defined]
        where |= models.Q(object_type=COPY, object_id__in=copies)
    events = list(AuditEvent.objects.filter(where).order_by("-seq")[:limit])
    return humanize(events, viewer)
