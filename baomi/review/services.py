"""Services of the pre-publication review: one function per user action, each checking the
rules, changing state and recording its audit event in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.core import clock, visibility
from baomi.ledger import content
from baomi.ledger.consent import Letter, save_letter
from baomi.ledger.content import ContentError

from . import scanning
from .engine import ScanResult
from .extract import extract_text, within_limit
from .models import Decision, Finding, Manuscript, Referral, ReleaseConsent, SensitiveTerm

if TYPE_CHECKING:
    from baomi.people.models import Person

#: what replaces each redacted character in the released text
REDACTED = "■"


def may_review(person: Any) -> bool:
    return policy.check("manuscript.review", actor=person).allowed


def may_review_this(person: Any, manuscript: Manuscript) -> bool:
    """Holds a reviewer's post and did not submit the manuscript (ACC.ROLE, PUB.REVIEW)."""
    return (
        may_review(person)
        and policy.check("manuscript.decide", actor=person, manuscript=manuscript).allowed
    )


def _reviews(actor: Person, manuscript: Manuscript) -> None:
    policy.require("manuscript.review", actor=actor)
    policy.require("manuscript.decide", actor=actor, manuscript=manuscript)


def signs_referrals(person: Any) -> bool:
    """Holds a post that signs a department's second review (ACC.ROLE, manuscript.sign)."""
    return policy.check("manuscript.sign", actor=person).allowed


def visible_manuscripts(person: Any, *, reviewer: bool | None = None) -> Any:
    """What a person may open (the manuscript's declared visibility). `reviewer`:
    may_review(person) when the caller knows it already, which spares the check."""
    if reviewer and not visibility.sees_nothing(person):
        return Manuscript.objects.all()
    return Manuscript.objects.visible_to(person)


def may_see_findings(person: Any, manuscript: Manuscript, *, reviewer: bool | None = None) -> bool:
    """Reviewers, and the leaders of a department asked for a second review."""
    return (may_review(person) if reviewer is None else reviewer) or (
        signs_referrals(person)
        and manuscript.referrals.filter(department=person.department_id).exists()
    )


def submit_manuscript(
    *,
    actor: Person,
    title: str,
    kind: str,
    outlet: str = "",
    text: str = "",
    data: bytes | None = None,
    file_name: str = "",
) -> Manuscript:
    """送审: a text, or a file (DOCX, PDF, plain text) whose text is extracted, for review before
    release (PUB.REVIEW); scanned at once. A bad file is refused and nothing is stored.

    The file is read and the text scanned before the transaction begins (seconds for a long
    text), so no other audited write waits for them."""
    if not title.strip():
        raise ValidationError({"title": _("Give the manuscript a title.")})
    if actor.department_id is None:
        raise ValidationError({"title": _("You belong to no department: ask to be placed in one.")})
    if data is not None:
        try:
            kind, text = extract_text(data)
        except ContentError as exc:
            raise ValidationError({"file": str(exc)}) from exc
    else:
        if kind not in (Manuscript.Kind.TEXT, Manuscript.Kind.CAPTION, Manuscript.Kind.TRANSCRIPT):
            raise ValidationError({"kind": _("Choose what kind of text this is.")})
        text = text.strip()
        if not text:
            raise ValidationError({"text": _("Give the text to review.")})
        try:
            within_limit(text)
        except ContentError as exc:
            raise ValidationError({"text": str(exc)}) from exc
    result = scanning.scanner().scan(text)
    return _store_submitted(
        actor=actor,
        title=title.strip(),
        kind=kind,
        outlet=outlet.strip(),
        text=text,
        file_name=file_name,
        result=result,
        original=data,
    )


@transaction.atomic(durable=True)
def _store_submitted(
    *,
    actor: Person,
    title: str,
    kind: str,
    outlet: str,
    text: str,
    file_name: str,
    result: ScanResult,
    original: bytes | None = None,
) -> Manuscript:
    manuscript = Manuscript.objects.create(
        title=title,
        kind=kind,
        outlet=outlet,
        file_name=file_name[:200],
        text=text,
        department=actor.own_department(),
        submitted_by=actor,
        submitted_at=clock.now(),
    )
    if original is not None:
        _keep_original(manuscript, original)
    try:  # the file must not outlive a transaction that fails after it was written
        audit.record(
            actor,
            "manuscript.submitted",
            manuscript,
            kind=kind,
            characters=len(text),
            file=file_name,
            **({"sha256": manuscript.original_sha256} if original is not None else {}),
        )
        _store_scan(actor, manuscript, result)
    except Exception:
        if original is not None:
            (content.store_dir() / manuscript.original_stored_as).unlink(missing_ok=True)
        raise
    return manuscript


def _keep_original(manuscript: Manuscript, data: bytes) -> None:
    """The submitted file, encrypted at rest and bound to its manuscript."""
    manuscript.original_size = len(data)
    manuscript.original_sha256 = hashlib.sha256(data).hexdigest()
    manuscript.original_cipher = content.cipher_name()
    manuscript.original_nonce = secrets.token_bytes(12)
    manuscript.original_stored_as = secrets.token_hex(16)
    manuscript.save()
    (content.store_dir() / manuscript.original_stored_as).write_bytes(
        content.encrypt(
            data,
            cipher=manuscript.original_cipher,
            nonce=bytes(manuscript.original_nonce),
            bound_to=manuscript.original_bound_to(),
        )
    )


def scan_manuscript(*, actor: Person, manuscript: Manuscript) -> ScanResult:
    """Scan again (the catalog, the term list or the index may have changed since), while the
    manuscript awaits its decision: the findings of a decided manuscript are those it was
    decided on. The text is scanned before the transaction begins."""
    found = Manuscript.objects.only("state", "submitted_by").get(pk=manuscript.pk)
    _reviews(actor, found)  # refused before the scan
    _open(found)
    result = scanning.scanner().scan(manuscript.text)
    _store_rescan(actor=actor, manuscript=manuscript, result=result)
    return result


@transaction.atomic(durable=True)
def _store_rescan(*, actor: Person, manuscript: Manuscript, result: ScanResult) -> None:
    manuscript = Manuscript.objects.select_for_update().get(pk=manuscript.pk)
    _reviews(actor, manuscript)
    _open(manuscript)  # it may have been decided during the scan
    _store_scan(actor, manuscript, result)


def _store_scan(actor: Person, manuscript: Manuscript, result: ScanResult) -> None:
    manuscript.findings.all().delete()
    Finding.objects.bulk_create(_findings(manuscript, result))
    manuscript.scanned_at = clock.now()
    manuscript.save(update_fields=["scanned_at"])
    audit.record(
        actor,
        "manuscript.scanned",
        manuscript,
        terms=len(result.terms),
        excerpts=len(result.excerpts),
        markings=len(result.markings),
        documents=sorted({e.document for e in result.excerpts}),
    )


def _findings(manuscript: Manuscript, result: ScanResult) -> list[Finding]:
    found = []
    for hit in result.terms:
        for term in hit.terms:
            found.append(
                Finding(
                    manuscript=manuscript,
                    kind=Finding.Kind.TERM,
                    start=hit.source_start,
                    end=hit.source_end,
                    detail=term.kind,
                    secret_item_id=term.ref if term.kind == "secret_item" else None,
                    document_id=term.ref if term.kind == "doc_number" else None,
                )
            )
    for e in result.excerpts:
        found.append(
            Finding(
                manuscript=manuscript,
                kind=Finding.Kind.EXCERPT,
                start=e.start,
                end=e.end,
                document_id=e.document,
                source_start=e.source_start,
                source_end=e.source_end,
                similarity=e.similarity,
            )
        )
    for m in result.markings:
        found.append(
            Finding(
                manuscript=manuscript,
                kind=Finding.Kind.MARKING,
                start=m.start,
                end=m.end,
                detail=m.kind,
            )
        )
    return found


def _open(manuscript: Manuscript) -> None:
    if manuscript.state not in (Manuscript.State.SUBMITTED, Manuscript.State.REFERRED):
        raise ValidationError(
            _("This manuscript was already decided: %(state)s.")
            % {"state": Manuscript.State(manuscript.state).label}
        )


@transaction.atomic(durable=True)
def refer_manuscript(*, actor: Person, manuscript: Manuscript, department: Any) -> Referral:
    """会审 (PUB.REFER): ask another department to review the text too."""
    manuscript = Manuscript.objects.select_for_update().get(pk=manuscript.pk)
    _reviews(actor, manuscript)
    _open(manuscript)
    if department is None or department.pk == manuscript.department_id:
        raise ValidationError({"department": _("Choose another department.")})
    if manuscript.referrals.filter(department=department).exists():
        raise ValidationError({"department": _("This department was already asked.")})
    referral = Referral.objects.create(
        manuscript=manuscript, department=department, referred_by=actor, referred_at=clock.now()
    )
    manuscript.state = Manuscript.State.REFERRED
    manuscript.save(update_fields=["state"])
    audit.record(actor, "manuscript.referred", manuscript, department=department.pk)
    return referral


@transaction.atomic(durable=True)
def sign_referral(
    *, actor: Person, referral: Referral, agreed: bool, comment: str = ""
) -> Referral:
    """The department asked signs its second review: agreed, or not with its reasons."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.signed_at is not None:
        raise ValidationError(_("This referral was already signed."))
    policy.require("referral.sign", actor=actor, referral=referral)
    policy.require("manuscript.sign", actor=actor)
    if not agreed and not comment.strip():
        raise ValidationError({"comment": _("Say what must change.")})
    referral.signed_by, referral.signed_at = actor, clock.now()
    referral.agreed, referral.comment = agreed, comment.strip()[:500]
    referral.save()
    audit.record(
        actor,
        "manuscript.referral_signed",
        referral.manuscript,
        referral=referral.pk,
        agreed=agreed,
    )
    return referral


@transaction.atomic(durable=True)
def decide_manuscript(
    *,
    actor: Person,
    manuscript: Manuscript,
    verdict: str,
    reasons: str = "",
    redactions: Sequence[Sequence[int]] = (),
    consent: Letter | None = None,
    nothing_to_cut: bool = False,
    nothing_to_cut_reason: str = "",
    left_in: str = "",
) -> Decision:
    """The reviewer's decision. Approval, with or without redactions, only once every secret is
    cut (PUB.REVIEW, PUB.UNPUBLISHED), internal material left in the text has the issuing unit's
    letter of consent and either a cut or the reviewer's stated reason why nothing needs cutting
    (PUB.INTERNAL), and every other department concerned has agreed (PUB.REFER); a rejection
    tells the author why. The letter is kept with the decision; the author is told what was cut
    and why. A finding left in the released text needs the reviewer's reason why it may stay
    (PUB.REVIEW), and nobody decides a manuscript they submitted (PUB.REVIEW)."""
    manuscript = Manuscript.objects.select_for_update().get(pk=manuscript.pk)
    _reviews(actor, manuscript)
    _open(manuscript)
    if verdict not in Decision.Verdict.values:
        raise ValidationError({"verdict": _("Choose approve, approve with redactions or reject.")})
    spans = _spans(redactions, len(manuscript.text)) if verdict == Decision.Verdict.REDACT else []
    if verdict == Decision.Verdict.REDACT and not spans:
        raise ValidationError({"redactions": _("Mark what is to be cut.")})
    if verdict != Decision.Verdict.APPROVE and not reasons.strip():
        raise ValidationError({"reasons": _("Tell the author why.")})
    stated = _nothing_to_cut(nothing_to_cut, nothing_to_cut_reason, spans)
    left_in = left_in.strip()
    if len(left_in) > 500:
        raise ValidationError(
            {"left_in": _("Why the findings left in may stay: at most 500 characters.")}
        )
    if verdict == Decision.Verdict.REJECT:
        consent, stated, left_in = None, "", ""  # nothing is released: nothing to keep
    if verdict != Decision.Verdict.REJECT:
        policy.require(
            "manuscript.approve",
            manuscript=manuscript,
            findings=list(manuscript.findings.select_related("document__department")),
            redactions=spans,
            consent=consent,
            nothing_to_cut=stated,
            left_in=left_in,
            referrals=list(manuscript.referrals.all()),
        )
    letter = (
        save_letter(ReleaseConsent, consent, actor=actor, manuscript=manuscript)
        if consent
        else None
    )
    decision = Decision.objects.create(
        manuscript=manuscript,
        verdict=verdict,
        reasons=reasons.strip(),
        redactions=spans,
        redacted_text=redact(manuscript.text, spans) if spans else "",
        consent=letter,
        nothing_to_cut=stated,
        left_in=left_in,
        decided_by=actor,
        decided_at=clock.now(),
    )
    manuscript.state = {
        Decision.Verdict.APPROVE: Manuscript.State.APPROVED,
        Decision.Verdict.REDACT: Manuscript.State.REDACTED,
        Decision.Verdict.REJECT: Manuscript.State.REJECTED,
    }[Decision.Verdict(verdict)]
    manuscript.save(update_fields=["state"])
    try:  # the scan must not outlive a transaction that fails after it was written
        if letter is not None:
            audit.record(actor, "manuscript.consent_recorded", manuscript, **letter.summary())
        audit.record(
            actor,
            "manuscript.decided",
            manuscript,
            verdict=verdict,
            redactions=spans,
            consent=letter.pk if letter else None,
            nothing_to_cut=stated or None,
            left_in=left_in or None,
        )
    except Exception:
        if letter is not None:
            letter.forget_scan()
        raise
    return decision


@transaction.atomic(durable=True)
def read_consent_scan(*, actor: Person, consent: ReleaseConsent) -> bytes:
    """The scan of a consent to release, to someone who may open the manuscript; every
    download is on record."""
    found = ReleaseConsent.objects.visible_to(actor).filter(pk=consent.pk).first()
    if found is None or not found.has_scan:
        raise visibility.NotVisible
    data = found.read_scan()
    audit.record(
        actor,
        "manuscript.consent_scan_read",
        found.manuscript,
        consent=found.pk,
        sha256=found.scan_sha256,
    )
    return data


def _nothing_to_cut(stated: bool, reason: str, spans: Sequence[Sequence[int]]) -> str:
    """The reviewer's reason why nothing needs cutting, "" when not stated; a statement without
    a reason, a reason without the statement, or either beside cuts is refused at its field."""
    reason = reason.strip()
    if stated and spans:
        raise ValidationError(
            {"nothing_to_cut": _("Spans are marked to be cut: do not also state that nothing is.")}
        )
    if stated and not reason:
        raise ValidationError({"nothing_to_cut_reason": _("Say why nothing needs cutting.")})
    if reason and not stated:
        raise ValidationError(
            {"nothing_to_cut": _("Tick that nothing needs cutting, or leave its reason empty.")}
        )
    if len(reason) > 500:
        raise ValidationError(
            {"nothing_to_cut_reason": _("Why nothing needs cutting: at most 500 characters.")}
        )
    return reason


def _spans(redactions: Sequence[Sequence[int]], length: int) -> list[list[int]]:
    spans = []
    for span in redactions:
        try:
            start, end = (int(x) for x in span)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"redactions": _("A redaction is a start and an end.")}) from exc
        if not 0 <= start < end <= length:
            raise ValidationError(
                {
                    "redactions": _("A redaction lies outside the text: %(start)s–%(end)s.")
                    % {"start": start, "end": end}
                }
            )
        spans.append([start, end])
    return sorted(spans)


def redact(text: str, spans: Sequence[Sequence[int]]) -> str:
    """The text with every character of the spans replaced, line breaks kept."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = REDACTED
    return "".join(chars)


@transaction.atomic(durable=True)
def add_sensitive_term(*, actor: Person, text: str, kind: str, note: str = "") -> SensitiveTerm:
    """Add a term to the organization's list (the review desk flags it from then on)."""
    policy.require("manuscript.review", actor=actor)
    if not text.strip():
        raise ValidationError({"text": _("Give the term.")})
    if kind not in SensitiveTerm.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of term it is.")})
    if SensitiveTerm.objects.filter(text=text.strip()).exists():
        raise ValidationError({"text": _("This term is on the list already.")})
    term = SensitiveTerm.objects.create(
        text=text.strip()[:100],
        kind=kind,
        note=note.strip()[:200],
        added_by=actor,
        added_at=clock.now(),
    )
    audit.record(actor, "review.term_added", term, kind=kind)
    return term


def rebuild_index(*, actor: Person | None = None) -> int:
    """Rebuild the scanner's index from the stored content (`scanning.rebuild_index`) and put
    the rebuild on record; returns how many documents it holds."""
    count = scanning.rebuild_index()
    _record_rebuild(actor, count)
    return count


@transaction.atomic(durable=True)
def _record_rebuild(actor: Person | None, count: int) -> None:
    audit.record(actor, "review.index_rebuilt", None, documents=count)
