"""印制: asking a leader to approve a print run's distribution (发送范围) before it is printed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from baomi import policy
from baomi.core.levels import Level

from ..models import Document

if TYPE_CHECKING:
    from baomi.people.models import Person

#: the most formal copies one print run may have (as many as a registration numbers)
COUNT_MAX = 999


def distribution(count: Any, recipients: Iterable[str]) -> dict[str, Any]:
    """The payload of a document.print approval, checked: a count of formal copies (1–999) and
    the recipients, one name each, every recipient with a copy at least."""
    names = list(dict.fromkeys(r.strip() for r in recipients if r and r.strip()))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= COUNT_MAX:
        raise ValidationError(
            {"count": _("Give the number of copies, between 1 and %(max)s.") % {"max": COUNT_MAX}}
        )
    if not names:
        raise ValidationError({"recipients": _("Name at least one recipient.")})
    if len(names) > count:
        raise ValidationError(
            {
                "recipients": _("Each recipient needs a copy: %(n)s recipients, %(c)s copies.")
                % {"n": len(names), "c": count}
            }
        )
    limit = Document._meta.get_field("recipients").max_length or 500
    if len("、".join(names)) > limit:
        raise ValidationError({"recipients": _("The list of recipients is too long.")})
    return {"count": count, "recipients": names}


def ask_to_print(*, actor: Person, summary: str, count: int, recipients: Iterable[str]) -> Any:
    """Ask the leader of one's department to approve a print run's distribution (发送范围):
    how many formal copies, and who receives them (DOC.PRINT.SCOPE). Only someone who registers
    documents asks; the approval, once given, serves one print run of exactly that count."""
    from baomi.approvals.services import request_approval

    policy.require("document.register", actor=actor, cabinet=None, level=Level.PUBLIC)
    return request_approval(
        actor=actor,
        kind="document.print",
        summary=summary,
        payload=distribution(count, recipients),
    )
