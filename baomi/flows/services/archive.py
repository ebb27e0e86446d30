"""归档: archive volumes and what is still out when archiving is due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock
from baomi.ledger import custody
from baomi.ledger.models import Copy

from ..models import (
    ArchiveVolume,
)
from .common import S, _locked_copies, _must_be

if TYPE_CHECKING:
    from baomi.people.models import Person

FIRST_YEAR = 1949  # the earliest year a volume may name


@transaction.atomic(durable=True)
def archive_copies(
    *, actor: Person, year: int, title: str, department: Any, cabinet: Any, copies: Sequence[Copy]
) -> ArchiveVolume:
    """归档: a volume of the year's completed documents; each copy, back in its cabinet,
    becomes archived in the volume's cabinet (DOC.ARCHIVE)."""
    policy.require("custody.manage", actor=actor)
    if not FIRST_YEAR <= year <= clock.today().year:
        raise ValidationError(
            {"year": _("Give a year from %(first)s to this one.") % {"first": FIRST_YEAR}}
        )
    if not title.strip():
        raise ValidationError({"title": _("Give the volume a title.")})
    if department is None:
        raise ValidationError({"department": _("Choose the department whose volume it is.")})
    if cabinet is None:
        raise ValidationError({"cabinet": _("Choose the cabinet the volume goes into.")})
    if not copies:
        raise ValidationError({"copies": _("List at least one copy.")})
    volume = ArchiveVolume.objects.create(
        year=year,
        title=title.strip(),
        department=department,
        cabinet=cabinet,
        created_by=actor,
        created_at=clock.now(),
    )
    for locked in _locked_copies(actor, copies):
        _must_be(locked, S.IN_CABINET, S.DECLASSIFIED)
        # classified and ordinary items stay apart in the archive too (DOC.STORE)
        policy.require(
            "document.register", actor=actor, cabinet=cabinet, level=locked.document.level
        )
        volume.copies.add(locked)
        custody.move(
            actor=actor,
            copy=locked,
            to=S.ARCHIVED,
            action="copy.archived",
            cabinet=cabinet,
            volume=volume.pk,
        )
    audit.record(actor, "archive.volume_created", volume, year=year, copies=[c.pk for c in copies])
    return volume


def due_for_archiving(person: Any, *, today: dt.date | None = None) -> Any:
    """Copies of last year's documents still in someone's hands once the archiving month of
    this year has begun (DOC.ARCHIVE: no one keeps personal copies of items due for archiving
    or return), among the documents this person may know of."""
    today = today or clock.today()
    month = int(policy.params("DOC.ARCHIVE")["archive_by_month"])
    if today.month <= month:
        return Copy.objects.none()
    return (
        Copy.objects.visible_to(person)
        .filter(
            state__in=[S.CIRCULATING, S.ON_LOAN],
            document__issued_on__year__lt=today.year,
        )
        .select_related("document", "holder")
        .order_by("holder_id", "document_id", "copy_no")
    )


def whole_volumes(person: Any) -> Any:
    """Archive volumes every copy of which this person may know of (their declared visibility)."""
    return ArchiveVolume.objects.visible_to(person).order_by("-year", "title", "-id")
