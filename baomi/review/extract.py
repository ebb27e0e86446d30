"""Text out of a submitted file: plain text, DOCX (python-docx) and PDF (pypdf).

What the ledger's content check refuses is refused here too (empty, binary, password-protected,
damaged, a decompression bomb), and so are files above the size limit, images (their caption is
what gets reviewed) and files holding no text at all. Each refusal is a ContentError with a
message for the person who sent the file.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from baomi.ledger.content import IMAGES, ContentError, claimed_type, parse

#: the largest file accepted for review
MAX_BYTES = 20 * 1024 * 1024
#: the longest text reviewed in one manuscript
MAX_CHARACTERS = 2_000_000


def extract_text(data: bytes) -> tuple[str, str]:
    """(kind, text) of a file: kind is text, docx or pdf."""
    if len(data) > MAX_BYTES:
        raise ContentError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if claimed_type(data) in IMAGES:  # refused as it is, without decoding every pixel
        raise ContentError(_("An image holds no text to review: submit its caption instead."))
    parsed = parse(data)  # read completely once: the ledger's check and the text in one pass
    kind = "text" if parsed.kind == "txt" else parsed.kind
    text = (parsed.text or "").removeprefix("\ufeff").strip()
    if not text:
        raise ContentError(_("The file holds no text to review."))
    within_limit(text)
    return kind, text


def within_limit(text: str) -> None:
    """ContentError when the text is longer than one manuscript may be (typed or read)."""
    if len(text) > MAX_CHARACTERS:
        raise ContentError(
            _("The text is longer than %(n)s characters: split it.") % {"n": MAX_CHARACTERS}
        )
