"""The consent letter's fields in an API request: issuer, reference number, date and an
optional scan (multipart), checked as the pages check them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..consent import Letter, letter


class ConsentLetterFields(serializers.Serializer):
    """Mixed into a request serializer: the consent letter under consent_*; none of them given
    is no letter."""

    consent_issuer = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="issuing body of the consent"
    )
    consent_reference = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="reference number of its letter"
    )
    consent_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="date of its letter"
    )
    consent_scan = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="PDF, PNG or JPEG"
    )


def letter_of(v: dict[str, Any]) -> Letter | None:
    """The consent letter of data validated by a serializer with `ConsentLetterFields`."""
    scan = v.get("consent_scan")
    return letter(
        issuer=v["consent_issuer"],
        reference=v["consent_reference"],
        given_on=v["consent_date"],
        scan=scan.read() if scan is not None else None,
        scan_name=(scan.name or "") if scan is not None else "",
    )
