"""What may be done with one copy now: the action panel of the workbench and of the copy page.

Each action is offered when the copy's state is one its service accepts (the same constants the
services check) and the person holds the post the service requires (`policy.check`), so the
panel never offers what the service would refuse for those reasons. Rules that depend on what
is typed (the borrower, the readers, an approval) are left to the service, which names them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from baomi import policy
from baomi.ledger.models import Copy

from ..models import CarryOut, Circulation, CirculationStep, Loan, Transfer
from ..rules import latest_return
from .common import FROM_CABINET, HANDED_FROM, ON_THE_WAY, OUT_ON_LOAN, WITH_READER
from .losses import may_go_missing

if TYPE_CHECKING:
    from baomi.people.models import Person

#: every action the panel knows, in the order it shows them: first what ends an errand
ACTIONS = (
    "return",
    "bring_back",
    "sign_present",
    "sign",
    "take_back",
    "hand",
    "deliver",
    "lend",
    "circulate",
    "send",
    "carry_out",
    "reproduce",
    "report_lost",
)


@dataclass(frozen=True)
class CopyActions:
    """A copy, the errands it is on, and the actions this person may take on it now."""

    copy: Copy
    offers: tuple[str, ...]
    loan: Loan | None = None
    carry_out: CarryOut | None = None
    circulation: Circulation | None = None
    handed: CirculationStep | None = None  # the step whose reader has the copy
    next_step: CirculationStep | None = None  # the next reader waiting
    transfer: Transfer | None = None
    lend_due: dt.datetime | None = None  # when a loan made now falls due, unless changed

    @property
    def out(self) -> Loan | CarryOut | None:
        """The loan or carry-out a scan of the copy ends, if it is out on one."""
        return self.loan or self.carry_out


def copy_actions(person: Person, copy: Copy) -> CopyActions:
    """The actions `person` may take on `copy` (which they may know of) in its present state,
    in the panel's order, with the open loan, carry-out, circulation or transfer they act on."""
    state = copy.state
    keeps = policy.check("custody.manage", actor=person).allowed
    opens = policy.check("document.open", actor=person, document=copy.document).allowed
    loan = carry = circulation = handed = waiting = transfer = None
    if state in OUT_ON_LOAN:
        loan = Loan.objects.filter(copy=copy, returned_at__isnull=True).first()
        if loan is None:
            carry = CarryOut.objects.filter(copy=copy, back_at__isnull=True).first()
    circulation = (
        Circulation.objects.filter(copy=copy, state=Circulation.State.OPEN)
        .prefetch_related("steps__reader")
        .first()
    )
    if circulation is not None:
        steps = list(circulation.steps.all())
        handed = next((s for s in steps if s.state == CirculationStep.State.HANDED), None)
        waiting = next((s for s in steps if s.state == CirculationStep.State.WAITING), None)
    if state in ON_THE_WAY:
        transfer = Transfer.objects.filter(copy=copy, received_at__isnull=True).first()
    allowed = {
        "return": keeps and loan is not None,
        "bring_back": keeps and carry is not None,
        "sign_present": keeps
        and handed is not None
        and handed.signed_at is None
        and handed.reader_id != person.pk,
        "sign": handed is not None and handed.signed_at is None and handed.reader_id == person.pk,
        "take_back": keeps and handed is not None and state in WITH_READER,
        "hand": keeps and handed is None and waiting is not None and state in HANDED_FROM,
        "deliver": keeps and transfer is not None,
        "lend": keeps and opens and state in FROM_CABINET and circulation is None,
        "circulate": keeps and opens and state in FROM_CABINET and circulation is None,
        "send": keeps and opens and state in FROM_CABINET and circulation is None,
        "carry_out": keeps and opens and state in FROM_CABINET and circulation is None,
        "reproduce": keeps and opens and may_go_missing(copy),
        "report_lost": may_go_missing(copy),
    }
    return CopyActions(
        copy=copy,
        offers=tuple(a for a in ACTIONS if allowed[a]),
        loan=loan,
        carry_out=carry,
        circulation=circulation,
        handed=handed,
        next_step=waiting,
        transfer=transfer,
        lend_due=latest_return(copy.document) if allowed["lend"] else None,
    )
