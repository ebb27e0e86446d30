"""Text out of a submitted file: plain text, DOCX (python-docx) and PDF (pypdf).

What the ledger's content check refuses is refused here too (empty, binary, password-protected,
damaged, a decompression bomb), and so are files above the size limit, images (their caption is
what gets reviewed) and files holding no text at all. Each refusal is a ContentError with a
message for the person who sent the file.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from baomi.ledger.content import ContentError, file_type

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
    kind = file_type(data)
    if kind in ("png", "jpeg"):
        raise ContentError(_("An image holds no text to review: submit its caption instead."))
    if kind == "txt":
        text, kind = data.decode("utf-8").removeprefix("\ufeff"), "text"
    elif kind == "docx":
        text = _docx_text(data)
    else:
        text = _pdf_text(data)
    text = text.strip()
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


def _docx_text(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise ContentError(_("The DOCX file is damaged.")) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ContentError(_("The PDF is password-protected; upload it without protection."))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except ContentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ContentError(_("The PDF file is damaged.")) from exc
