"""Rules the ledger enforces when documents are registered and seen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi.approvals import kinds
from baomi.core.levels import Level
from baomi.people.models import Post
from baomi.policy import Fail, rule


def _holds_one_of(allowed: set[str], actor: Any) -> Fail | None:
    """An active person (not an administrator account) holding one of the posts passes."""
    if actor.is_active and not actor.admin_role and allowed & actor.post_codes:
        return None
    return Fail(
        lambda: (
            _("Only a person holding one of these posts may do this: %(posts)s.")
            % {"posts": "、".join(str(Post(code).label) for code in sorted(allowed))}
        ),
        {"posts": ",".join(sorted(allowed)), "actor_posts": ",".join(sorted(actor.post_codes))},
    )


@rule("ACC.ROLE", actions=("document.register", "document.route"))
def post_performs_operation(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    allowed = set(p["posts"][ctx["action"]])
    return _holds_one_of(allowed, ctx["actor"])


@rule("ACC.ROLE", actions=("cabinet.list",))
def keeps_or_oversees_custody(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The cabinets are listed to those who keep copies in them and to the security office,
    who oversees the keeping: the posts of custody.manage and of security.manage."""
    posts = p["posts"]
    allowed = {*posts.get("custody.manage", ()), *posts.get("security.manage", ())}
    return _holds_one_of(allowed, ctx["actor"])


@rule("DOC.STORE", actions=("document.register",))
def stored_apart(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    cabinet, level = ctx["cabinet"], ctx["level"]
    if cabinet is None or cabinet.for_classified == (level >= Level.CONFIDENTIAL):
        return None
    return Fail(
        lambda: (
            _(
                "Cabinet %(cabinet)s is for %(kind)s items: classified and ordinary items are "
                "stored apart."
            )
            % {
                "cabinet": cabinet.code,
                "kind": _("classified") if cabinet.for_classified else _("ordinary"),
            }
        ),
        {"cabinet": cabinet.code, "level": Level(level).zh},
    )


@rule("DOC.PRINT.SCOPE", actions=("document.print",), lift="document.print")
def print_within_approved_count(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """The count printed comes from a leader's approval of the run's distribution (发送范围),
    never from a number the clerk types in; formal copies beyond it are refused."""
    copies, approved = ctx["copies"], ctx["approved"]
    if approved is None:
        return Fail(
            lambda: _(
                "A print run needs a leader's approval of its distribution: the number of "
                "copies and who receives them."
            ),
            {"copies": copies},
        )
    if copies <= approved or not p["no_surplus_copies"]:
        return None
    return Fail(
        lambda: (
            _(
                "%(copies)s copies exceed the approved distribution of %(approved)s; no extra "
                "copies may be printed or kept."
            )
            % {"copies": copies, "approved": approved}
        ),
        {"copies": copies, "approved": approved},
        final=True,
    )


@rule("DOC.CONTENT", actions=("document.attach",))
def content_as_profile_allows(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document, profile = ctx["document"], ctx["profile"]
    level = Level(document.level)
    if level == Level.TOP_SECRET:
        return Fail(
            lambda: _("绝密 content is never stored electronically, in any deployment."),
            {"level": level.zh, "profile": profile},
        )
    if document.kind == "state" and level.is_classified and profile != "classified":
        return Fail(
            lambda: (
                _(
                    "This deployment holds the register of state secrets, never their content; "
                    "content of %(level)s items is stored only in the classified profile."
                )
                % {"level": level.zh}
            ),
            {"level": level.zh, "profile": profile},
        )
    if ctx["size"] > p["max_megabytes"] * 1024 * 1024:
        return Fail(
            lambda: _("The file is larger than %(mb)s MB.") % {"mb": p["max_megabytes"]},
            {"size": ctx["size"]},
        )
    if ctx["file_type"] not in p["types"]:
        return Fail(
            lambda: _("Files of type %(type)s are not accepted.") % {"type": ctx["file_type"]},
            {"type": ctx["file_type"]},
        )
    return None


@rule("DOC.RECEIPT", actions=("document.open",))
def proxy_does_not_open(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document, actor = ctx["document"], ctx["actor"]
    if (
        p["proxy_may_open"]
        or not document.sealed
        or actor.pk == document.addressee_id
        or not Level(document.level).is_classified
    ):
        return None
    return Fail(
        lambda: (
            _(
                "This item is addressed to %(name)s personally and was signed for by proxy: no one "
                "else opens it before the addressee signs for it."
            )
            % {"name": document.addressee}
        ),
        {"addressee": document.addressee_id, "signed_by": document.signed_by_id},
    )


kinds.register(
    "document.compile",
    title=gettext_lazy("Compile classified documents into a collection"),
    approver=kinds.DEPARTMENT_LEADER,
    rule_id="DOC.ONLINE",
    valid_days=30,
)
kinds.register(
    "content.release",
    title=gettext_lazy("Send or export a document's electronic content"),
    approver=kinds.DEPARTMENT_LEADER,
    rule_id="DOC.ONLINE",
    valid_days=7,
)


@rule("DOC.ONLINE", actions=("document.compile",), lift="document.compile")
def compiled_only_with_approval(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    classified = [d for d in ctx["sources"] if Level(d.level).is_classified]
    if not classified:
        return None
    return Fail(
        lambda: _("Classified documents are compiled into a collection only with approval."),
        {"classified_sources": len(classified)},
    )


@rule("DOC.ONLINE", actions=("content.release",), lift="content.release")
def released_only_with_approval(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    document, profile = ctx["document"], ctx["profile"]
    if not Level(document.level).is_classified:
        return None
    if profile != "classified":
        return Fail(
            lambda: _("This deployment never sends or exports classified content."),
            {"profile": profile},
            final=True,
        )
    if not p["email_needs_approval"]:
        return None
    return Fail(
        lambda: _("Sending or exporting classified content needs a leader's approval."),
        {"level": Level(document.level).zh},
    )


@rule("ACC.SOD", actions=("carrier.entrust",))
def administrators_are_entrusted_with_nothing(
    ctx: Mapping[str, Any], p: Mapping[str, Any]
) -> Fail | None:
    """A custodian, a receiver, a supervisor or an escort is never an administrator account."""
    person = ctx["person"]
    if not person.admin_role:
        return None
    return Fail(
        lambda: (
            _("%(person)s is an administrator account, which is never entrusted with carriers.")
            % {"person": person}
        ),
        {"person": person.pk, "admin_role": person.admin_role, "as": ctx["entrusted_as"]},
    )


@rule("DOC.STORE", actions=("carrier.entrust",))
def entrusted_to_active_staff(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """Carriers are kept, received and watched over by a named member of staff still at work."""
    person = ctx["person"]
    if person.is_active:
        return None
    return Fail(
        lambda: (
            _("%(person)s's account is no longer active: carriers go to active staff only.")
            % {"person": person}
        ),
        {"person": person.pk, "as": ctx["entrusted_as"]},
    )


@rule("CLS.BASIS", actions=("document.classify",))
def level_follows_the_catalog(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """A level below the one the secret-item catalog gives needs a written reason."""
    level, item, reason = ctx["level"], ctx["basis_item"], ctx["basis_reason"]
    if item is None or level >= item.level or reason.strip():
        return None
    return Fail(
        lambda: (
            _("The catalog puts %(item)s at %(level)s: a lower level needs a written reason.")
            % {"item": item.name, "level": Level(item.level).label}
        ),
        {"item": item.name, "catalog_level": Level(item.level).zh, "level": Level(level).zh},
    )


@rule("DOC.RECEIPT", actions=("document.sign_receipt",))
def addressee_signs(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """An item signed for by proxy is signed for again by its addressee, and by no one else."""
    document, actor = ctx["document"], ctx["actor"]
    if actor.pk == document.addressee_id:
        return None
    return Fail(
        lambda: (
            _("Only the addressee, %(name)s, signs for this item.") % {"name": document.addressee}
        ),
        {"addressee": document.addressee_id, "actor": actor.pk},
    )


@rule("DOC.DESTROY", actions=("print_waste.destroy",))
def waste_destroyed_under_a_second_eye(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """Print waste is destroyed by the clerk with a second person supervising, never alone."""
    actor, supervisor = ctx["actor"], ctx["supervisor"]
    if supervisor.pk != actor.pk:
        return None
    return Fail(
        lambda: _("A second person supervises the destruction: not the one destroying."),
        {"actor": actor.pk, "supervisor": supervisor.pk},
    )


@rule("DOC.REGISTER", actions=("register.import",))
def registered_once(ctx: Mapping[str, Any], p: Mapping[str, Any]) -> Fail | None:
    """Every item is registered once (件件有着落): an imported row naming a document already in
    the register — the same issuer and document number, or copy numbers the register already
    holds for the same issuer, title and date — is refused, and so is a row repeating an
    earlier row of the same file."""
    row, known = ctx["row"], ctx["known"]
    found = known.duplicate(row)
    if found is None:
        return None
    what, values = found
    messages = {
        "row": lambda: _("the same document as row %(row)s: an item is registered once") % values,
        "number": lambda: (
            _(
                "%(issuer)s %(number)s is already in the register: an item is registered once, "
                "so this row is not imported again"
            )
            % values
        ),
        "copies": lambda: (
            _(
                "copies %(copies)s of “%(title)s” (%(issuer)s, %(issued_on)s) are already in the "
                "register: an item is registered once, so this row is not imported again"
            )
            % values
        ),
    }
    return Fail(messages[what], {"row": row.number, "duplicate": what, **values})
