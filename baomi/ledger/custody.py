"""The copy state machine of SPEC §4, owned by the ledger: every flow that moves a copy calls
`move()` inside its own service transaction, so the allowed transitions, the rule that a copy
always has exactly one accountable holder, and the shape of the custody events are defined once.

Every custody event names the state and the holder after the move; the copy page's timeline and
the replay of the audit log read exactly these keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from baomi import audit, policy

from .models import Cabinet, Copy

if TYPE_CHECKING:
    from baomi.people.models import Person

S = Copy.State

CABINET_HELD = frozenset({S.REGISTERED, S.IN_CABINET, S.ARCHIVED, S.IN_DESTRUCTION})
PERSON_HELD = frozenset({S.CIRCULATING, S.ON_LOAN, S.IN_TRANSIT})
# lost, written off, destroyed and declassified copies keep the last holder on record
KEEPS_LAST = frozenset({S.REPORTED_LOST, S.WRITTEN_OFF, S.DESTROYED, S.DECLASSIFIED})
TERMINAL = frozenset({S.WRITTEN_OFF, S.DESTROYED})

# registered → in cabinet ⇄ circulating ⇄ on loan ⇄ in transit → received; in cabinet →
# archived; in cabinet → destruction batch → destroyed; any → reported lost → found | written
# off; any → declassified. "Found" returns the copy to where it was accountably held.
_LIVE = frozenset(S) - TERMINAL - {S.REPORTED_LOST}
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REGISTERED: frozenset({S.IN_CABINET}),
    S.IN_CABINET: frozenset(
        {S.CIRCULATING, S.ON_LOAN, S.IN_TRANSIT, S.ARCHIVED, S.IN_DESTRUCTION, S.IN_CABINET}
    ),
    S.CIRCULATING: frozenset({S.IN_CABINET, S.CIRCULATING, S.ON_LOAN, S.IN_TRANSIT}),
    S.ON_LOAN: frozenset({S.IN_CABINET, S.CIRCULATING, S.IN_TRANSIT, S.ON_LOAN}),
    S.IN_TRANSIT: frozenset({S.RECEIVED, S.IN_CABINET, S.IN_TRANSIT}),
    S.RECEIVED: frozenset({S.IN_CABINET, S.CIRCULATING}),
    S.ARCHIVED: frozenset({S.IN_CABINET}),
    S.IN_DESTRUCTION: frozenset({S.DESTROYED, S.IN_CABINET}),
    S.REPORTED_LOST: frozenset(_LIVE - {S.DECLASSIFIED, S.REGISTERED} | {S.WRITTEN_OFF}),
    S.DECLASSIFIED: frozenset({S.DESTROYED, S.ARCHIVED, S.IN_CABINET, S.IN_DESTRUCTION}),
    S.WRITTEN_OFF: frozenset(),
    S.DESTROYED: frozenset(),
}
for _state in _LIVE:
    TRANSITIONS[_state] = TRANSITIONS[_state] | {S.REPORTED_LOST, S.DECLASSIFIED}
TRANSITIONS[S.DECLASSIFIED] = TRANSITIONS[S.DECLASSIFIED] - {S.DECLASSIFIED}


def can_move(source: str, target: str) -> bool:
    return target in TRANSITIONS[source]


def move(
    *,
    actor: Person,
    copy: Copy,
    to: str,
    action: str,
    cabinet: Cabinet | None = None,
    holder: Any = None,
    external_holder: str = "",
    **data: Any,
) -> Copy:
    """Move a copy the caller has locked (select_for_update) to state `to` with its new holder,
    and append the custody event `action` with the state and holder after the move.

    Refuses a transition the state machine does not have, and a holder that does not fit the
    state: a cabinet for stored copies, a person for copies in someone's hands, a person or an
    outside unit for a received copy; lost, destroyed and declassified copies keep the last
    holder on record."""
    if not can_move(copy.state, to):
        raise ValidationError(
            _("A copy %(from)s cannot become %(to)s.")
            % {"from": Copy.State(copy.state).label, "to": Copy.State(to).label}
        )
    if to in KEEPS_LAST:
        cabinet, holder, external_holder = copy.cabinet, copy.holder, copy.external_holder
    elif to in CABINET_HELD and (cabinet is None or holder is not None):
        raise ValidationError({"cabinet": _("A stored copy is held by a cabinet.")})
    elif to in PERSON_HELD and (holder is None or cabinet is not None):
        raise ValidationError({"holder": _("This copy must be in a named person's hands.")})
    elif to == S.RECEIVED and (cabinet is not None or (holder is None and not external_holder)):
        raise ValidationError({"holder": _("Name who received the copy.")})
    copy.state, copy.cabinet, copy.holder = to, cabinet, holder
    copy.external_holder = external_holder
    copy.save(update_fields=["state", "cabinet", "holder", "external_holder"])
    # every movement is registered, so every copy has its paperwork and its whereabouts
    policy.applying("DOC.REGISTER")
    audit.record(actor, action, copy, **custody_data(copy), **data)
    return copy


def custody_data(copy: Copy) -> dict[str, Any]:
    """What a custody event says about the copy after the move."""
    return {
        "document": copy.document_id,
        "copy_no": copy.label,
        "state": copy.state,
        "cabinet": copy.cabinet.code if copy.cabinet else None,
        "holder": copy.holder_id,
        "external_holder": copy.external_holder or None,
    }


CUSTODY_KEYS = ("document", "copy_no", "state", "cabinet", "holder", "external_holder")


def timeline(copy: Copy) -> list[dict[str, Any]]:
    """Every holder and place of the copy from registration on, read from the audit log: one
    row per event on the copy, with the state and the holder after it where the event moved
    the copy."""
    from baomi.audit.models import AuditEvent
    from baomi.people.models import Person

    events = [
        e.event
        for e in AuditEvent.objects.filter(
            object_type="ledger.copy", object_id=str(copy.pk)
        ).order_by("seq")
    ]
    ids = {e["data"].get("holder") for e in events} - {None}
    names = {p.pk: str(p) for p in Person.objects.filter(pk__in=ids)}
    rows = []
    for e in events:
        data = e["data"]
        state = data.get("state")
        place = (
            data.get("cabinet")
            or names.get(data.get("holder"), "")
            or data.get("external_holder")
            or ""
        )
        rows.append(
            {
                "at": e["at"],
                "action": e["action"],
                "actor": (e.get("actor") or {}).get("name"),
                "state": Copy.State(state).label if state in Copy.State.values else "",
                "place": place,
                "details": {k: v for k, v in data.items() if k not in CUSTODY_KEYS},
            }
        )
    return rows


def hand_over_cabinet(*, actor: Person, cabinet: Cabinet, custodian: Any, **data: Any) -> Cabinet:
    """A cabinet passes to a new custodian, with the copies in it, inside the caller's
    transaction; the event names the old and the new custodian."""
    policy.require("carrier.entrust", person=custodian, entrusted_as="custodian")
    previous = cabinet.custodian_id
    cabinet.custodian = custodian
    cabinet.save(update_fields=["custodian"])
    audit.record(
        actor,
        "cabinet.custodian_changed",
        cabinet,
        code=cabinet.code,
        old=previous,
        new=custodian.pk,
        **data,
    )
    return cabinet


Place = tuple[str, str | None, int | None, str | None]


def replay(copies: Iterable[int] | None = None) -> dict[int, Place]:
    """Every copy's state and holder as the audit log tells it (or only of `copies`): the
    custody data of the last event that moved each copy (state, cabinet code, holder, outside
    holder)."""
    import json

    from baomi.audit.models import AuditEvent

    places: dict[int, Place] = {}
    events = AuditEvent.objects.filter(object_type="ledger.copy")
    if copies is not None:
        events = events.filter(object_id__in=[str(pk) for pk in copies])
    rows = events.order_by("seq").values_list("object_id", "body")
    for object_id, body in rows.iterator(chunk_size=5000):
        data = json.loads(body)["data"]
        if "state" in data:
            places[int(object_id)] = (
                data["state"],
                data.get("cabinet"),
                data.get("holder"),
                data.get("external_holder"),
            )
    return places


def replay_differences(copies: Iterable[int] | None = None) -> list[str]:
    """Where the ledger and the replayed audit log disagree, one line per copy (empty when
    every copy is where its events put it); all copies, or only `copies`."""
    told = replay(copies)
    differences = []
    chosen = Copy.objects.all() if copies is None else Copy.objects.filter(pk__in=list(copies))
    rows = chosen.values_list(
        "pk", "state", "cabinet__code", "holder_id", "external_holder"
    ).order_by("pk")
    for pk, state, cabinet, holder, external in rows.iterator(chunk_size=5000):
        actual: Place = (state, cabinet, holder, external or None)
        recorded = told.pop(pk, None)
        if recorded != actual:
            differences.append(f"copy {pk}: ledger {actual}, audit log {recorded}")
    differences += [f"copy {pk}: in the audit log only, {place}" for pk, place in told.items()]
    return differences
