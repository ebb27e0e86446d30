"""A document's object page: what it shows in each tab, and which of the document's actions the
person is offered, each decided by the rule that the action's service enforces, so the page
never offers what the service would refuse for who the person is or the state the item is in
(the rest, such as a file of the wrong type, the service refuses with its rule named)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from baomi import policy
from baomi.core.levels import Level
from baomi.people.models import Person, Post

from .forms import PrintWasteForm
from .models import Document
from .services.access import reads_content


@dataclass(frozen=True)
class Offers:
    """The document's actions this person may take now."""

    route: bool  # route an incoming item to a leader for instructions (ACC.ROLE)
    keep: bool  # record and destroy print waste: the clerk's custody of the run (ACC.ROLE)
    attach: bool  # store the electronic content (DOC.RECEIPT, DOC.CONTENT)
    sign: bool  # the addressee signs for an item a proxy received (DOC.RECEIPT)
    change: bool  # ask to change the classification: a marked item still in force
    borrow: bool  # ask the office head to borrow a copy (DOC.LOAN.APPROVAL)
    labels: bool  # print the copies' QR labels


def offers(person: Person, document: Document, copies: int) -> Offers:
    # flows builds on the ledger: its rule is read here, not imported at the top
    from baomi.flows.rules import loan_needs_office_head

    active = document.state == Document.State.ACTIVE
    types = policy.params("DOC.CONTENT")["types"]
    attach = (
        bool(types)
        and policy.check("document.open", actor=person, document=document).allowed
        and policy.check(
            "document.attach",
            document=document,
            profile=settings.BAOMI_PROFILE,
            size=0,
            file_type=types[0],
        ).allowed
    )
    return Offers(
        route=document.origin == Document.Origin.INCOMING
        and active
        and policy.check("document.route", actor=person).allowed,
        keep=policy.check(
            "document.register", actor=person, cabinet=None, level=document.level
        ).allowed,
        attach=attach,
        sign=document.sealed
        and policy.check("document.sign_receipt", actor=person, document=document).allowed,
        change=bool(document.marking) and active and Level(document.level).is_classified,
        borrow=active and loan_needs_office_head(document),
        labels=copies > 0,
    )


def context(person: Person, document: Document) -> dict[str, Any]:
    """Everything the document's page shows `person`, who has opened it (view_document)."""
    from baomi.approvals.models import Approval

    copies = list(document.copies.select_related("cabinet", "holder").order_by("copy_no"))
    instructions = list(document.instructions.select_related("leader"))
    approvals = (
        Approval.objects.visible_to(person)
        .filter(object_type="ledger.document", object_id=str(document.pk))
        .select_related("requester", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    offered = offers(person, document, len(copies))
    return {
        "document": document,
        "copies": copies,
        "instructions": instructions,
        "attachments": document.attachments.all(),
        "consents": document.consents.all(),
        "waste": document.print_waste.select_related("destroyed_by", "supervised_by"),
        "waste_form": PrintWasteForm(),
        "leaders": Person.objects.holding(Post.LEADER)
        .exclude(admin_role__gt="")
        .order_by("username")
        if offered.route
        else (),
        "offers": offered,
        "scope": document.scope.select_related("person", "department"),
        "staff": Person.objects.filter(is_active=True, admin_role="").order_by("username"),
        "approvals": approvals,
        "granted": [a for a in approvals if a.requester_id == person.pk and a.state == "approved"],
        "reads_content": reads_content(person, document),
        "mine": next(
            (i for i in instructions if i.leader_id == person.pk and i.written_at is None), None
        ),
    }
