"""The shell's own page: the dashboard (待办/已办) by role.

A clerk sees the office's work: readers past their time, copies outside their cabinets, items to
sign for, approvals awaiting her, the telegram clocks and instructions to chase. A leader sees
what awaits their approval and their instructions. Everyone who holds copies sees what they
hold and must sign for or return. Each count links to its list; every row comes from the
person's own `visible_to`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baomi import policy
from baomi.approvals.models import Approval
from baomi.core import clock, notices, timefmt
from baomi.core.models import Notification
from baomi.core.visibility import sees_nothing
from baomi.people import services as people
from baomi.people.models import Person, Post
from baomi.people.views import AuthedRequest

TOP = 5  # the first rows of each card: the most urgent; the rest is one click away


@dataclass(slots=True)
class Row:
    """One item of a card: what it is, a detail (a person, a due time), and its page."""

    text: str
    detail: str = ""
    url: str = ""
    late: bool = False


@dataclass(slots=True)
class Card:
    """A count of what is waiting, its first rows, and the list it stands for."""

    key: str
    title: str | Promise
    count: int
    url: str
    rows: list[Row] = field(default_factory=list)
    empty: str | Promise = ""


def _card(
    key: str, title: str | Promise, rows: Any, url: str, row: Any, empty: str | Promise
) -> Card:
    """A card over an ordered queryset: its count and its first rows, each made by `row`."""
    return Card(key, title, rows.count(), url, [row(r) for r in rows[:TOP]], empty)


def _copy_text(copy: Any, person: Person) -> str:
    document = copy.document
    marking = document.marking or str(document.get_level_display())
    return f"{marking} {document.title_for(person)} · {copy.label}"


def _listed(route: str, args: tuple[Any, ...] = (), **narrowed: Any) -> str:
    """A list page narrowed to exactly a card's rows: by `narrowed`, or, when the card counts
    the whole list, cleared of any filter the person last left on it."""
    query = urlencode(narrowed) if narrowed else "clear=1"
    return f"{reverse(route, args=args)}?{query}"


def _lists(kind: str, **narrowed: Any) -> str:
    return _listed("flows:list", (kind,), **narrowed)


def _approvals_card(person: Person) -> Card:
    from baomi.approvals.lists import INBOX
    from baomi.approvals.subjects import describe_all

    # the inbox's own rows, so the count is what the inbox lists
    awaiting = INBOX.rows(person)
    first = list(awaiting[:TOP])
    subjects = describe_all(first, person)
    return Card(
        "approvals",
        _("Approvals awaiting me"),
        awaiting.count(),
        _listed("approvals:inbox"),
        [
            Row(
                f"{a.kind_title} · {subjects[a.pk].line}",
                f"{a.requester.display_name} · {timefmt.when(a.expires_at)}",
                reverse("approvals:detail", args=[a.pk]),
            )
            for a in first
        ],
        _("Nothing is waiting for your approval."),
    )


def clerk_cards(person: Person) -> list[Card]:
    """The office's work, for the posts that keep custody."""
    from baomi.flows.office_lists import chase_after
    from baomi.flows.services import open_instructions
    from baomi.flows.views.workbench import workbench_lists
    from baomi.telegrams.services import duty_board

    lists = workbench_lists(person)
    now = clock.now()
    to_chase = open_instructions(person).filter(
        written_at__isnull=True, routed_at__lte=now - chase_after()
    )
    board = duty_board(person)
    return [
        _card(
            "readers",
            _("Readers past their time"),
            lists["readers"].select_related("reader", "circulation__copy__document"),
            _lists("readers"),
            lambda s: Row(
                _copy_text(s.circulation.copy, person),
                f"{s.reader.display_name} · {timefmt.when(s.due_at)}",
                reverse("ledger:copy", args=[s.circulation.copy_id]),
                True,
            ),
            _("No reader is past the time."),
        ),
        _card(
            "overdue_loans",
            _("Loans past their return date"),
            lists["overdue_loans"].select_related("borrower", "copy__document"),
            _lists("overdue_loans"),
            lambda loan: Row(
                _copy_text(loan.copy, person),
                f"{loan.borrower.display_name} · {timefmt.when(loan.due_at)}",
                reverse("ledger:copy", args=[loan.copy_id]),
                True,
            ),
            _("No loan is past its return date."),
        ),
        _card(
            "outside",
            _("Copies outside their cabinets"),
            lists["outside"].select_related("document", "holder"),
            _lists("outside"),
            lambda c: Row(
                _copy_text(c, person),
                f"{c.holder.display_name if c.holder else c.external_holder} · "
                f"{c.get_state_display()}",
                reverse("ledger:copy", args=[c.pk]),
            ),
            _("Every classified copy is in a cabinet."),
        ),
        _to_sign(person, lists),
        _approvals_card(person),
        Card(
            "clocks",
            _("Telegram clocks"),
            len(board),
            reverse("telegrams:desk"),
            [
                Row(
                    f"{c.telegram.number} · "
                    + str(_("acknowledgement") if c.kind == "ack" else _("handling")),
                    timefmt.when(c.due_at),
                    reverse("telegrams:desk"),
                    c.overdue,
                )
                for c in board[:TOP]
            ],
            _("No telegram clock is running."),
        ),
        _card(
            "instructions",
            _("Instructions to chase"),
            to_chase,
            _listed("flows:instructions", state="late"),
            lambda i: Row(
                f"{i.document.marking} {i.document.title_for(person)}".strip(),
                f"{i.leader.display_name} · {timefmt.when(i.routed_at)}",
                reverse("ledger:document", args=[i.document_id]),
                True,
            ),
            _("No leader's instructions are overdue."),
        ),
    ]


def _to_sign(person: Person, lists: dict[str, Any]) -> Card:
    return _card(
        "to_sign",
        _("Items to sign for"),
        lists["to_sign"],
        _lists("to_sign"),
        lambda s: Row(
            _copy_text(s.circulation.copy, person),
            timefmt.when(s.handed_at),
            reverse("ledger:copy", args=[s.circulation.copy_id]),
        ),
        _("Nothing is waiting for your signature."),
    )


def leader_cards(person: Person) -> list[Card]:
    """What awaits a leader: approvals, and documents routed for instructions."""
    from baomi.flows.services import open_instructions

    instruct = open_instructions(person).filter(leader=person, written_at__isnull=True)
    return [
        _approvals_card(person),
        _card(
            "to_instruct",
            _("Documents awaiting my instructions"),
            instruct,
            _listed("flows:instructions", state="waiting", leader=person.pk),
            lambda i: Row(
                f"{i.document.marking} {i.document.title_for(person)}".strip(),
                timefmt.when(i.routed_at),
                reverse("ledger:document", args=[i.document_id]),
            ),
            _("No document awaits your instructions."),
        ),
    ]


def reader_cards(person: Person) -> list[Card]:
    """What one holds, and must sign for or return."""
    from baomi.flows.views.workbench import workbench_lists

    lists = workbench_lists(person)
    now = clock.now()
    # the office-wide lists of the custody posts, narrowed to what is in this person's hands
    held = lists["held"].filter(holder=person)
    to_return = lists["loans"].filter(borrower=person)
    return [
        _card(
            "held",
            _("What I hold"),
            held,
            _lists("held", holder=person.pk),
            lambda c: Row(
                _copy_text(c, person),
                str(c.get_state_display()),
                reverse("ledger:copy", args=[c.pk]),
            ),
            _("You hold no copy."),
        ),
        _to_sign(person, lists),
        _card(
            "to_return",
            _("To return"),
            to_return,
            _lists("loans", borrower=person.pk),
            lambda loan: Row(
                _copy_text(loan.copy, person),
                timefmt.when(loan.due_at),
                reverse("ledger:copy", args=[loan.copy_id]),
                loan.due_at <= now,
            ),
            _("Nothing to return."),
        ),
    ]


#: where a notice about an object of each type leads
_NOTICE_LINKS: dict[str, Any] = {
    "ledger.document": lambda pk: reverse("ledger:document", args=[pk]),
    "ledger.copy": lambda pk: reverse("ledger:copy", args=[pk]),
    "approvals.approval": lambda pk: reverse("approvals:detail", args=[pk]),
    "telegrams.telegram": lambda pk: reverse("telegrams:desk"),
    "flows.lossreport": lambda pk: reverse("flows:losses"),
    "flows.closingsheet": lambda pk: reverse("flows:closing-sheet", args=[pk]),
    "flows.circulationstep": lambda pk: reverse("flows:workbench"),
}


def _notice(n: Notification) -> Row:
    link = _NOTICE_LINKS.get(n.object_type)
    url = link(int(n.object_id)) if link and n.object_id.isdigit() else ""
    return Row(notices.label(n.kind), timefmt.when(n.created_at), url)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The dashboard: what is waiting for this person, by the roles they hold."""
    person = request.user
    staff = not sees_nothing(person)
    keeps_custody = staff and policy.check("custody.manage", actor=person).allowed
    leads = staff and person.holds(Post.LEADER)
    sections: list[tuple[str | Promise, list[Card]]] = []
    if keeps_custody:
        sections.append((_("The office's work"), clerk_cards(person)))
    if leads:
        cards = leader_cards(person)
        if keeps_custody:  # the approvals are already among the office's work
            cards = [c for c in cards if c.key != "approvals"]
        sections.append((_("Awaiting my decision"), cards))
    if staff:
        sections.append((_("My items"), reader_cards(person)))
    changed = person.password_changed_at
    days_left = (changed + people.password_max_age(person) - clock.now()).days if changed else 0
    unread = Notification.objects.filter(person=person, read_at__isnull=True)
    mine = Approval.objects.requested_by(person)[:TOP]
    return render(
        request,
        "web/home.html",
        {
            "sections": sections,
            "notices": [_notice(n) for n in unread[:10]],
            "mine": mine,
            "password_days_left": days_left,
        },
    )
