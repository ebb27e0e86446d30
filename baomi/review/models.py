"""送审稿 and 保密审查: manuscripts, what the scanner found in them, referrals and decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baomi.core.visibility import Rows, Via, VisibleQuerySet
from baomi.ledger.consent import ConsentLetter


def _manuscript_readers(person: Any) -> models.Q:
    """What a person may open: reviewers everything, leaders of a department asked for a second
    review what was referred to it, everyone their own submissions. A finding names a document
    the reader may not know of only by its level and departments, so findings follow their
    manuscript, not the documents they match."""
    from baomi import policy

    if policy.check("manuscript.review", actor=person).allowed:
        return models.Q()
    mine = models.Q(submitted_by=person)
    if person.department_id and policy.check("manuscript.sign", actor=person).allowed:
        referred = Referral.objects.filter(department=person.department_id).values("manuscript")
        mine |= models.Q(pk__in=referred)
    return mine


class SensitiveTerm(models.Model):
    """The organization's own list of terms a reviewer wants flagged, besides the secret-item
    catalog: sensitive wording, and matters decided but not yet announced (PUB.UNPUBLISHED)."""

    class Kind(models.TextChoices):
        SENSITIVE = "sensitive", _("sensitive")
        UNPUBLISHED = "unpublished", _("not yet announced")

    text = models.CharField(_("term"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SENSITIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("sensitive term")
        verbose_name_plural = _("sensitive terms")
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text


class Manuscript(models.Model):
    """A text submitted for release: a news item, speech, web post or paper, or the caption or
    transcript of a photo or recording."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        DOCX = "docx", _("DOCX document")
        PDF = "pdf", _("PDF document")
        CAPTION = "caption", _("photo caption")
        TRANSCRIPT = "transcript", _("transcript of a recording")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting review")
        REFERRED = "referred", _("referred for a second review")
        APPROVED = "approved", _("approved")
        REDACTED = "redacted", _("approved with redactions")
        REJECTED = "rejected", _("rejected")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    outlet = models.CharField(_("where it is to appear"), max_length=100, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    department = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    # the file as submitted, encrypted at rest like a document's content: a redacted DOCX is
    # cut from it, run by run, so it keeps the author's layout
    original_size = models.PositiveIntegerField(null=True, blank=True)
    original_sha256 = models.CharField(max_length=64, blank=True)
    original_cipher = models.CharField(max_length=12, blank=True)
    original_nonce = models.BinaryField(max_length=12, null=True, blank=True)
    original_stored_as = models.CharField(max_length=64, blank=True)

    visibility = Rows(_manuscript_readers)
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("manuscript")
        verbose_name_plural = _("manuscripts")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_original(self) -> bool:
        return bool(self.original_stored_as)

    def original_bound_to(self) -> bytes:
        return f"review.manuscript/{self.pk}".encode()

    def read_original(self) -> bytes:
        """The submitted file's plaintext. It checks nobody: the caller fetched the manuscript
        through visible_to."""
        from baomi.ledger import content

        return content.decrypt(
            (content.store_dir() / self.original_stored_as).read_bytes(),
            cipher=self.original_cipher,
            nonce=bytes(self.original_nonce or b""),
            bound_to=self.original_bound_to(),
        )


class Finding(models.Model):
    """One thing the scanner found: a term, an excerpt of a registered document, or a marking,
    with its span in the manuscript text."""

    class Kind(models.TextChoices):
        TERM = "term", _("term")
        EXCERPT = "excerpt", _("excerpt of a registered document")
        MARKING = "marking", _("marking")

    manuscript = models.ForeignKey(Manuscript, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))

    class Detail(models.TextChoices):
        SECRET_ITEM = "secret_item", _("secret item")
        SENSITIVE = "sensitive", _("sensitive term")
        UNPUBLISHED = "unpublished", _("matter not yet announced")
        DOC_NUMBER = "doc_number", _("number of a classified document")
        NOTICE = "notice", _("notice of internal material")
        MARKING = "marking", _("classification marking")
        LEVEL_LABEL = "level_label", _("classification label")
        COPY_NUMBER = "copy_number", _("copy number")

    #: what kind of term or marking it is (empty for an excerpt)
    detail = models.CharField(_("detail"), max_length=20, choices=Detail.choices, blank=True)
    secret_item = models.ForeignKey(
        "ledger.SecretItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        "ledger.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)
    similarity = models.FloatField(null=True, blank=True)

    visibility = Via("manuscript")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["start", "end", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}-{self.end}"


class Referral(models.Model):
    """会审 (PUB.REFER): the manuscript touches another department's secrets, which reviews it
    too; the manuscript is not released before every referral is signed."""

    manuscript = models.ForeignKey(Manuscript, on_delete=models.CASCADE, related_name="referrals")
    department = models.ForeignKey(
        "core.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred at"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    agreed = models.BooleanField(_("agreed"), null=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    visibility = Via("manuscript")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["referred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["manuscript", "department"], name="referral_once_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manuscript_id} → {self.department_id}"


class ReleaseConsent(ConsentLetter):
    """The issuing unit's consent to release the internal material a manuscript uses
    (PUB.INTERNAL): its letter, recorded with the reviewer's decision."""

    manuscript = models.ForeignKey(
        Manuscript, on_delete=models.CASCADE, related_name="consents", verbose_name=_("manuscript")
    )

    visibility = Via("manuscript")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent to release")
        verbose_name_plural = _("consents to release")
        ordering = ["recorded_at", "id"]


class Decision(models.Model):
    """The reviewer's decision: approve, approve with the listed redactions (Baomi writes the
    redacted text), or reject with reasons for the author."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", _("approve")
        REDACT = "redact", _("approve with redactions")
        REJECT = "reject", _("reject")

    manuscript = models.ForeignKey(Manuscript, on_delete=models.CASCADE, related_name="decisions")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    reasons = models.TextField(_("reasons for the author"), blank=True)
    redactions = models.JSONField(_("redactions"), default=list)
    redacted_text = models.TextField(_("redacted text"), blank=True)
    # free text of decisions made before consent was a letter on record; no longer written
    issuer_consent = models.CharField(_("issuer's consent"), max_length=200, blank=True)
    consent = models.OneToOneField(
        ReleaseConsent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("issuing unit's consent"),
    )
    #: the reviewer's reason why the internal material released needs no cut (PUB.INTERNAL)
    nothing_to_cut = models.CharField(_("why nothing needs cutting"), max_length=500, blank=True)
    #: the reviewer's reason why the findings left in the released text may stay (PUB.REVIEW)
    left_in = models.CharField(_("why the findings left in may stay"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))

    visibility = Via("manuscript")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.manuscript_id}: {self.verdict}"
