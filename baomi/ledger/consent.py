"""Consent letters: another issuer's or the originating unit's written consent, kept as a record
(issuing body, reference number of its letter, date, and an optional scan) rather than free text.

Copying another issuer's document or a 绝密 one (DOC.REPRO.APPROVAL, DOC.TOPSECRET) and
releasing internal material (PUB.INTERNAL) rest on such a letter. `ConsentLetter` is the record
both keep; each owner adds what the letter concerns (a document, a manuscript) and how it is
seen. `letter()` checks what a page or the API sent, naming each field that is wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baomi.core import clock
from baomi.core.inputs import check_text
from baomi.core.visibility import Through, VisibleQuerySet

from . import content

#: the largest scan of a letter accepted
SCAN_MAX_BYTES = 20 * 1024 * 1024
#: what a scan may be: a PDF or an image, read completely as that type
SCAN_TYPES = ("pdf", "png", "jpeg")
ISSUER_MAX, REFERENCE_MAX, SCAN_NAME_MAX = 100, 60, 200


@dataclass(frozen=True, slots=True)
class Letter:
    """A consent letter as sent, checked: who gave it, its reference number, its date and the
    scan's bytes (or None)."""

    issuer: str
    reference: str
    given_on: dt.date
    scan: bytes | None = None
    scan_name: str = ""
    scan_type: str = ""


def letter(
    *,
    issuer: str = "",
    reference: str = "",
    given_on: Any = None,
    scan: bytes | None = None,
    scan_name: str = "",
    prefix: str = "consent_",
) -> Letter | None:
    """The letter described by these fields, None when nothing at all was given. Each missing or
    wrong field is a ValidationError under its own name (`prefix` + issuer, reference, date,
    scan), all of them at once."""
    issuer, reference = (issuer or "").strip(), (reference or "").strip()
    if not (issuer or reference or given_on not in (None, "") or scan):
        return None
    errors: dict[str, str] = {}
    if not issuer:
        errors[f"{prefix}issuer"] = _("Consent: name the body that gave it (issuing body).")
    elif len(issuer) > ISSUER_MAX:
        errors[f"{prefix}issuer"] = _("Consent: the issuing body is at most %(n)s characters.") % {
            "n": ISSUER_MAX
        }
    if not reference:
        errors[f"{prefix}reference"] = _("Consent: give the reference number of its letter.")
    elif len(reference) > REFERENCE_MAX:
        errors[f"{prefix}reference"] = _(
            "Consent: the letter's reference number is at most %(n)s characters."
        ) % {"n": REFERENCE_MAX}
    for name, value, label in (
        ("issuer", issuer, _("Consent: issuing body")),
        ("reference", reference, _("Consent: reference number")),
    ):
        refused = check_text(value, label)
        if refused and f"{prefix}{name}" not in errors:
            errors[f"{prefix}{name}"] = refused[0]
    day = _day(given_on)
    if day is None:
        errors[f"{prefix}date"] = _("Consent: give the date of its letter (YYYY-MM-DD).")
    elif day > clock.today():
        errors[f"{prefix}date"] = _("Consent: the letter's date lies in the future.")
    kind = ""
    if scan is not None:
        try:
            kind = _scan_type(scan)
        except content.ContentError as exc:
            errors[f"{prefix}scan"] = _("Consent scan: %(reason)s") % {"reason": exc}
    if errors:
        raise ValidationError(errors)
    assert day is not None
    return Letter(issuer, reference, day, scan or None, (scan_name or "")[:SCAN_NAME_MAX], kind)


def posted_letter(request: Any, prefix: str = "consent_") -> Letter | None:
    """The consent letter a page's form posted under `prefix` (issuer, reference, date, scan),
    or None when none was given; each wrong field named."""
    scan = request.FILES.get(f"{prefix}scan")
    return letter(
        issuer=request.POST.get(f"{prefix}issuer", ""),
        reference=request.POST.get(f"{prefix}reference", ""),
        given_on=request.POST.get(f"{prefix}date", ""),
        scan=scan.read() if scan is not None else None,
        scan_name=(scan.name or "") if scan is not None else "",
        prefix=prefix,
    )


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _scan_type(data: bytes) -> str:
    """The scan's type, the file read completely as the ledger reads content; ContentError for
    an empty, damaged, oversized file or one that is not a PDF or an image."""
    if len(data) > SCAN_MAX_BYTES:
        raise content.ContentError(
            _("The file is larger than %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // (1024 * 1024)}
        )
    kind = content.file_type(data)
    if kind not in SCAN_TYPES:
        raise content.ContentError(_("A scan is a PDF, PNG or JPEG file."))
    return kind


class ConsentLetter(models.Model):
    """The record of a consent letter; the scan is kept encrypted like a document's content."""

    issuer = models.CharField(gettext_lazy("issuing body"), max_length=ISSUER_MAX)
    reference = models.CharField(gettext_lazy("reference number"), max_length=REFERENCE_MAX)
    given_on = models.DateField(gettext_lazy("date of the letter"))
    scan_name = models.CharField(gettext_lazy("scan"), max_length=SCAN_NAME_MAX, blank=True)
    scan_type = models.CharField(max_length=10, blank=True)
    scan_size = models.PositiveIntegerField(null=True, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_cipher = models.CharField(max_length=12, blank=True)
    scan_nonce = models.BinaryField(max_length=12, null=True, blank=True)
    scan_stored_as = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(gettext_lazy("recorded at"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.issuer} {self.reference} ({self.given_on:%Y-%m-%d})"

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_stored_as)

    def _bound_to(self) -> bytes:
        return f"{self._meta.label_lower}/{self.pk}".encode()

    def summary(self) -> dict[str, Any]:
        """What the audit log keeps of the letter."""
        return {
            "consent": self.pk,
            "consent_issuer": self.issuer,
            "consent_reference": self.reference,
            "consent_date": self.given_on.isoformat(),
            "consent_scan": self.scan_sha256 or None,
        }

    def read_scan(self) -> bytes:
        """The scan's plaintext. It checks nobody: the caller fetched the record through
        visible_to."""
        return content.decrypt(
            (content.store_dir() / self.scan_stored_as).read_bytes(),
            cipher=self.scan_cipher,
            nonce=bytes(self.scan_nonce or b""),
            bound_to=self._bound_to(),
        )

    def forget_scan(self) -> None:
        """Remove the stored file (the transaction that recorded it failed)."""
        if self.scan_stored_as:
            (content.store_dir() / self.scan_stored_as).unlink(missing_ok=True)


def save_letter(model: type[Any], found: Letter, *, actor: Any, **concerns: Any) -> Any:
    """Create the record of `found` in `model` for what it `concerns`, its scan encrypted on
    disk. A caller whose transaction may still fail calls `forget_scan()` on failure."""
    row = model.objects.create(
        issuer=found.issuer,
        reference=found.reference,
        given_on=found.given_on,
        recorded_by=actor,
        recorded_at=clock.now(),
        **concerns,
    )
    if found.scan is None:
        return row
    row.scan_name = found.scan_name or f"scan.{found.scan_type}"
    row.scan_type = found.scan_type
    row.scan_size = len(found.scan)
    row.scan_sha256 = hashlib.sha256(found.scan).hexdigest()
    row.scan_cipher = content.cipher_name()
    row.scan_nonce = secrets.token_bytes(12)
    row.scan_stored_as = secrets.token_hex(16)
    row.save()
    (content.store_dir() / row.scan_stored_as).write_bytes(
        content.encrypt(
            found.scan,
            cipher=row.scan_cipher,
            nonce=bytes(row.scan_nonce),
            bound_to=row._bound_to(),
        )
    )
    return row


class Consent(ConsentLetter):
    """The issuer's or the originating unit's consent to copy one document (复制同意函)."""

    document = models.ForeignKey(
        "ledger.Document",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=gettext_lazy("document"),
    )

    visibility = Through("document")
    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("consent letter")
        verbose_name_plural = gettext_lazy("consent letters")
        ordering = ["recorded_at", "id"]
