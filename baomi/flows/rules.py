"""Rules of the daily flows: circulation, loans, reading places and deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi.approvals import kinds
from baomi.core import clock
from baomi.core.levels import Level, Urgency
from baomi.core.rules import LEVEL_KEYS
from baomi.ledger.models import Document
from baomi.ledger.rules import post_performs_operation
from baomi.policy import Fail, applies, params, rule

rule("ACC.ROLE", actions=("custody.manage", "security.manage"))(post_performs_operation)
# rules the flows apply by construction rather than as denials: deadlines and schedules;
# every receipt, dispatch, transfer, loan, handover and destruction is a record and an audit
# event (DOC.REGISTER); a reproduced copy is a copy of the same document, so it keeps its level,
# period and scope, and its event names the copying unit's stamp (DOC.REPRO.STAMP)
for _applied in (
    "DOC.ARCHIVE",
    "DOC.CUSTODY.NIGHT",
    "DOC.LOSS.DEEMED_LEAK",
    "DOC.REGISTER",
    "DOC.REPRO.STAMP",
    "DOC.STOCKTAKE",
):
    applies(_applied)


def reading_days(urgency: int) -> int:
    """Days a reader may keep a circulating copy, by the document's urgency (DOC.CIRC.DEADLINE)."""
    p = params("DOC.CIRC.DEADLINE")
    if urgency >= Urgency.VERY_URGENT:
        return int(p["very_urgent_days"])
    if urgency == Urgency.URGENT:
        return int(p["urgent_days"])
    return int(p["normal_days"])


def closing(day: dt.date) -> dt.datetime:
    """The office's closing time on `day` (DOC.CUSTODY.NIGHT), in the organization's zone."""
    return clock.at(day, params("DOC.CUSTODY.NIGHT")["closing_time"])


def same_day_levels() -> frozenset[int]:
    return frozenset(LEVEL_KEYS[k] for k in params("DOC.READ.SAME_DAY")["levels"])


def is_cipher_telegram(document: Document) -> bool:
    """A received cipher telegram: returned the same day and destroyed on site, like 绝密."""
    return hasattr(document, "telegram") and document.telegram.traffic == "cipher"


def any_cipher_telegram(document_ids: Iterable[int]) -> bool:
    """Whether any of these documents is a received cipher telegram (see `is_cipher_telegram`),
    in one query however many there are."""
    return Document.objects.filter(pk__in=list(document_ids), telegram__traffic="cipher").exists()


def same_day(document: Document) -> bool:
    """Whether a copy handed out comes back the same day (DOC.READ.SAME_DAY)."""
    return document.level in same_day_levels() or is_cipher_telegram(document)


def latest_return(document: Document, urgency: int | None = None) -> dt.datetime:
    """When a copy handed out now must be back: the same day for 绝密 (DOC.READ.SAME_DAY), else
    the circulation deadline by urgency, at closing time."""
    today = clock.today()
    if same_day(document):
        return _same_day_time(today)
    days = reading_days(document.urgency if urgency is None else urgency)
    return closing(today + dt.timedelta(days=days))


def _same_day_time(day: dt.date) -> dt.datetime:
    return clock.at(day, params("DOC.READ.SAME_DAY")["return_by"])


def circulation_deadline(document: Document, started: dt.datetime) -> dt.datetime:
    """When a whole circulation of `document` opened at `started` must be done, counted from
    its start (DOC.CIRC.DEADLINE): closing time the same day for 特急, after the urgency's days
    otherwise."""
    day = clock.local(started).date()
    return closing(day + dt.timedelta(days=reading_days(document.urgency)))


@rule("DOC.CIRC.SCOPE", actions=("circulation.start",))
def readers_inside_scope(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document = ctx["document"]
    outside = [
        r
        for r in ctx["readers"]
        if not Document.objects.visible_to(r).filter(pk=document.pk).exists() or r.admin_role
    ]
    if not outside:
        return None
    names = "、".join(str(r) for r in outside)
    return Fail(
        lambda: (
            _("%(names)s may not know this document: circulation stays inside its scope.")
            % {"names": names}
        ),
        {"outside": [r.pk for r in outside]},
    )


@rule("DOC.CIRC.SINGLE_LINE", actions=("circulation.hand",))
def back_to_the_clerk_first(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    out = ctx["with_reader"]
    if out is None:
        return None
    return Fail(
        lambda: (
            _(
                "%(reader)s still has the copy: each reader returns it to the clerk, who hands "
                "it on; readers never pass it to each other."
            )
            % {"reader": out.reader}
        ),
        {"with_reader": out.reader_id},
    )


#: how a reader signs for a circulating copy (DOC.CIRC.IN_PERSON): signed in, on the page; or
#: standing before the clerk, with their own password or one-time code on the clerk's screen
SIGNED_ON_THE_PAGE, SIGNED_WITH_PASSWORD, SIGNED_WITH_CODE = "page", "password", "code"


@rule("DOC.CIRC.IN_PERSON", actions=("circulation.sign",))
def reader_signs_in_person(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The reader signs for themselves: signed in, or before the clerk with a credential only
    they know; `proof` is what the service verified, never what a caller claims."""
    step, actor, proof = ctx["step"], ctx["actor"], ctx["proof"]
    if actor.pk == step.reader_id and proof is not None:
        return None
    if proof in (SIGNED_WITH_PASSWORD, SIGNED_WITH_CODE):
        return None
    return Fail(
        lambda: (
            _(
                "Only %(reader)s signs for this copy, in person: signed in on the page, or "
                "before the clerk with their own password or one-time code."
            )
            % {"reader": step.reader}
        ),
        {"reader": step.reader_id, "actor": actor.pk},
    )


def _unsigned(step: Any) -> Fail:
    return Fail(
        lambda: (
            _(
                "%(reader)s has not signed for the copy: it is neither taken back nor handed "
                "on before the reader has signed."
            )
            % {"reader": step.reader}
        ),
        {"reader": step.reader_id},
    )


@rule("DOC.CIRC.IN_PERSON", actions=("circulation.take_back",))
def taken_back_once_signed(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    step = ctx["step"]
    return None if step.signed_at is not None else _unsigned(step)


@rule("DOC.CIRC.IN_PERSON", actions=("circulation.hand",))
def handed_on_once_signed(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The reader who has the copy signs for it before anyone else is handed it."""
    out = ctx["with_reader"]
    return None if out is None or out.signed_at is not None else _unsigned(out)


def _minutes(moment: dt.datetime) -> str:
    return clock.local(moment).isoformat(timespec="minutes")


def _shown(moment: dt.datetime) -> str:
    return clock.local(moment).strftime("%Y-%m-%d %H:%M")


@rule("DOC.CIRC.DEADLINE", actions=("circulation.start",))
def circulation_can_finish_in_time(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A circulation whose whole deadline is already past when it would open (a 特急 item after
    closing time) is not opened: opened the next morning, it has that day."""
    deadline = ctx["deadline"]
    if deadline > clock.now():
        return None
    return Fail(
        lambda: (
            _("This circulation would have to be done by %(deadline)s, which has passed.")
            % {"deadline": _shown(deadline)}
        ),
        {"deadline": _minutes(deadline)},
    )


@rule("DOC.CIRC.DEADLINE", actions=("circulation.hand",))
def within_circulation_deadline(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """Each reader's time falls within what remains of the whole circulation's deadline."""
    due, deadline = ctx["due_at"], ctx["deadline"]
    values = {"due_at": _minutes(due), "deadline": _minutes(deadline)}
    if deadline <= clock.now():
        return Fail(
            lambda: (
                _(
                    "This circulation was due to be done by %(deadline)s: no reader may be "
                    "handed the copy after its deadline."
                )
                % {"deadline": _shown(deadline)}
            ),
            values,
        )
    if due <= deadline:
        return None
    return Fail(
        lambda: (
            _(
                "This circulation must be done by %(deadline)s: a reader may keep the copy "
                "until then at the latest."
            )
            % {"deadline": _shown(deadline)}
        ),
        values,
    )


@rule("DOC.READ.SAME_DAY", actions=("copy.lend", "circulation.hand"))
def top_secret_back_the_same_day(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document, due = ctx["document"], ctx["due_at"]
    if not same_day(document):
        return None
    latest = _same_day_time(clock.today())
    if due <= latest:
        return None
    return Fail(
        lambda: (
            _("%(level)s copies are back in the confidential room by %(time)s the same day.")
            % {"level": Level(document.level).zh, "time": p["return_by"]}
        ),
        {
            "level": Level(document.level).zh,
            "due_at": clock.local(due).isoformat(timespec="minutes"),
        },
    )


@rule("DOC.READ.PLACE", actions=("copy.lend",), lift="copy.carry_out")
def read_in_the_office(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    if ctx["place"] != "home" or not p["home_reading_needs_approval"]:
        return None
    return Fail(
        lambda: _("Classified copies are read in the office; taking one home needs approval."),
        {"place": ctx["place"]},
    )


def loan_needs_office_head(document: Document) -> bool:
    """Whether lending a copy of `document` needs the office head's approval (DOC.LOAN.APPROVAL)."""
    return document.level in {LEVEL_KEYS[k] for k in params("DOC.LOAN.APPROVAL")["levels"]}


@rule("DOC.LOAN.APPROVAL", actions=("copy.lend",), lift="copy.loan")
def loan_approved_by_the_office_head(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document = ctx["document"]
    if document.level not in {LEVEL_KEYS[k] for k in p["levels"]}:
        return None
    office = document.department
    return Fail(
        lambda: (
            _("Borrowing a %(level)s document needs the approval of the head of %(office)s.")
            % {"level": Level(document.level).zh, "office": office}
        ),
        {"level": Level(document.level).zh, "office": office.name},
    )


@rule("DOC.INSTRUCTIONS", actions=("instructions.carry_out",))
def instructions_written_first(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """How instructions were carried out is recorded only once the leader has written them."""
    instruction = ctx["instruction"]
    if instruction.written_at is not None:
        return None
    return Fail(
        lambda: (
            _("%(leader)s has not yet written instructions: nothing can be carried out yet.")
            % {"leader": instruction.leader}
        ),
        {
            "leader": instruction.leader_id,
            "routed_at": clock.local(instruction.routed_at).isoformat(timespec="minutes"),
        },
    )


@rule("DOC.TRANSFER.CHANNEL", actions=("copy.transfer",))
def approved_channel(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    channel, level = ctx["channel"], Level(ctx["document"].level)
    values = {"channel": channel.name, "kind": channel.kind, "level": level.zh}
    if channel.kind in p["forbidden_kinds"] and level.is_classified:
        return Fail(
            lambda: (
                _("Classified items never go by %(kind)s.") % {"kind": channel.get_kind_display()}
            ),
            values,
        )
    if level == Level.TOP_SECRET and channel.electronic and not p["top_secret_electronic"]:
        return Fail(lambda: _("绝密 items never go by computer or fax."), values)
    if channel.electronic and not channel.encrypted and p["electronic_requires_encryption"]:
        return Fail(lambda: _("Electronic transfer needs an encrypted channel."), values)
    if level > channel.max_level or not channel.active:
        return Fail(
            lambda: (
                _("%(channel)s does not carry %(level)s items.")
                % {"channel": channel.name, "level": level.zh}
            ),
            {**values, "max_level": Level(channel.max_level).zh, "active": channel.active},
        )
    return None


@rule("DOC.TRANSFER.SYMMETRY", actions=("copy.transfer",))
def symmetric_traffic(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    channel, document, answered = ctx["channel"], ctx["document"], ctx["in_reply_to"]
    if answered is not None and document.level < answered.level:
        return Fail(
            lambda: (
                _("A reply travels at no lower level than what it answers (%(level)s).")
                % {"level": Level(answered.level).zh}
            ),
            {"level": Level(document.level).zh, "answered": Level(answered.level).zh},
        )
    classified = Level(document.level).is_classified
    if channel.for_classified != classified:
        return Fail(
            lambda: _("Classified and plain items never share a channel."),
            {"channel": channel.name, "classified": classified},
        )
    return None


@rule("DOC.TOPSECRET", actions=("copy.transfer", "copy.carry_out"))
def two_people_carry_top_secret(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    if ctx["document"].level != Level.TOP_SECRET or len(ctx["carriers"]) >= p["min_carriers"]:
        return None
    return Fail(
        lambda: (
            _("绝密 items are carried by at least %(n)s people together.")
            % {"n": p["min_carriers"]}
        ),
        {"carriers": len(ctx["carriers"])},
    )


@rule("DOC.CARRY_OUT", actions=("copy.carry_out",), lift="copy.carry_out")
def carry_out_approved(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    level = Level(ctx["document"].level)
    if ctx["abroad"] and level == Level.TOP_SECRET and not p["abroad_top_secret"]:
        return Fail(
            lambda: _("绝密 items never leave the country."),
            {"level": level.zh, "abroad": True},
            final=True,
        )
    if not p["needs_leader_approval"]:
        return None
    return Fail(
        lambda: _("Taking a classified copy out of the office needs a leader's approval."),
        {"level": level.zh, "abroad": ctx["abroad"]},
    )


@rule("DOC.REPRO.APPROVAL", actions=("copy.reproduce",), lift="copy.reproduce")
def reproduction_approved(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document, count, approved = ctx["document"], ctx["count"], ctx["approved_count"]
    if approved is not None and approved < 1:
        return Fail(
            lambda: _("The approval states no number of copies: ask again, stating the count."),
            {"count": count, "approved": approved},
            final=True,
        )
    if approved is not None and count > approved:
        return Fail(
            lambda: (
                _("%(count)s copies exceed the %(approved)s approved.")
                % {"count": count, "approved": approved}
            ),
            {"count": count, "approved": approved},
            final=True,
        )
    external = document.origin == "incoming"
    if external and p["external_issuer_approval"] and ctx["consent"] is None:
        return Fail(
            lambda: (
                _(
                    "A document of %(issuer)s is copied only with that issuer's consent as "
                    "well: record its letter (issuing body, reference number, date)."
                )
                % {"issuer": document.issuer}
            ),
            {"issuer": document.issuer},
            final=True,
        )
    if not p["needs_leader_approval"]:
        return None
    return Fail(
        lambda: _("Copying or extracting a classified document needs a leader's approval."),
        {"count": count},
    )


@rule("DOC.TOPSECRET", actions=("copy.reproduce",))
def top_secret_copied_with_originator(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document = ctx["document"]
    if document.level != Level.TOP_SECRET or p["copy_without_originator"]:
        return None
    # the originating unit's consent is a letter on record, whoever issued the document
    if ctx["consent"] is not None:
        return None
    return Fail(
        lambda: _(
            "绝密 documents are copied only with the originating unit's consent on record: its "
            "issuing body, the reference number of its letter and its date."
        ),
        {"level": Level(document.level).zh, "issuer": document.issuer},
        final=True,
    )


@rule("DOC.HANDOVER", actions=("person.change_post",))
def nothing_held_on_leaving(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    from .models import Handover
    from .services import held_by

    person = ctx["person"]
    held = held_by(person).count()
    open_lists = Handover.objects.filter(
        person=person, completed_at__isnull=True, cancelled_at__isnull=True
    ).count()
    if not held and not open_lists:
        return None
    return Fail(
        lambda: (
            _(
                "%(person)s still holds %(n)s copies: hand them over on a checked, signed list "
                "before the change of post."
            )
            % {"person": person, "n": held}
        ),
        {"copies": held, "open_handovers": open_lists},
    )


@rule("DOC.HANDOVER", actions=("handover.open", "handover.check", "handover.sign"))
def handed_between_two_named_people(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A handover goes from the person leaving to a designated receiver, another person; the
    receiver checks the list, and only those two sign it."""
    action, actor = ctx["action"], ctx["actor"]
    if action == "handover.open":
        person, receiver = ctx["person"], ctx["receiver"]
        if receiver.pk != person.pk:
            return None
        return Fail(
            lambda: _("The receiver is another person than %(person)s.") % {"person": person},
            {"person": person.pk, "receiver": receiver.pk},
        )
    handover = ctx["handover"]
    signers = (
        {handover.receiver_id}
        if action == "handover.check"
        else {
            handover.receiver_id,
            handover.person_id,
        }
    )
    if actor.pk in signers:
        return None
    if action == "handover.check":
        message = gettext_lazy("Only the receiver checks the items.")
    else:
        message = gettext_lazy("Only the two people handing over sign the list.")
    return Fail(
        message,
        {"actor": actor.pk, "person": handover.person_id, "receiver": handover.receiver_id},
    )


kinds.register(
    "copy.destroy",
    title=gettext_lazy("Destroy a list of copies"),
    approver=kinds.DEPARTMENT_LEADER,
    rule_id="DOC.DESTROY",
    valid_days=30,
)


@rule("DOC.DESTROY", actions=("copy.destroy",), lift="copy.destroy")
def destroyed_as_the_rules_say(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    levels = ctx["levels"]
    # the clerk and the escort do the work; only other people count as supervisors
    supervisors = [s for s in ctx["supervisors"] if s not in ctx["operators"]]
    if len(supervisors) < p["min_supervisors"]:
        return Fail(
            lambda: (
                _("At least %(n)s people other than those destroying supervise a destruction.")
                % {"n": p["min_supervisors"]}
            ),
            {"supervisors": len(supervisors)},
            final=True,
        )
    on_site = {LEVEL_KEYS[k] for k in p["on_site_levels"]}
    if (levels & on_site or ctx.get("cipher_telegrams")) and not ctx["on_site"]:
        return Fail(
            lambda: _(
                "绝密 items and cipher telegrams are destroyed on site by designated people."
            ),
            {
                "levels": sorted(Level(x).zh for x in levels & on_site),
                "cipher_telegrams": bool(ctx.get("cipher_telegrams")),
            },
            final=True,
        )
    if ctx["escort"] is None and not ctx["on_site"]:
        return Fail(
            lambda: _("Items taken to the destruction facility travel under escort."),
            {"escort": None},
            final=True,
        )
    if not p["needs_leader_approval"]:
        return None
    return Fail(
        lambda: _("Destroying classified copies needs a leader's approval of the list."),
        {"copies": ctx["count"]},
    )


@rule("DOC.LOSS", actions=("loss.close",))
def leak_reported_before_closing(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A loss deemed a leak is closed (found or written off) only once its report to the
    competent authority is recorded."""
    report = ctx["report"]
    if report.state != "deemed_leak" or report.authority_reported_at is not None:
        return None
    due = report.leak_report_due_at
    return Fail(
        lambda: (
            _(
                "This copy is deemed a leak: record its report to the competent authority "
                "(due by %(due)s) before closing the loss."
            )
            % {"due": clock.local(due).strftime("%Y-%m-%d %H:%M")}
        ),
        {
            "deemed_leak_at": clock.local(report.leak_deemed_at).isoformat(timespec="minutes"),
            "report_due_at": clock.local(due).isoformat(timespec="minutes"),
            "report_hours": p["report_hours"],
        },
    )
