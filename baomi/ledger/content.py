"""Electronic content at rest: what a file is, and its encryption.

Commercial cryptography as defence in depth (SPEC §6): AES-256-GCM, or SM4-GCM where this
build of `cryptography` offers it (BAOMI_CONTENT_CIPHER). The key is a file outside the
database (BAOMI_CONTENT_KEY_FILE), created on first use. The document and attachment are bound
into each ciphertext as associated data, so a file cannot be swapped onto another record.
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _

from baomi.core.keyfiles import read_or_create

if TYPE_CHECKING:
    from .models import Attachment

CIPHERS = ("aes-256-gcm", "sm4-gcm")
#: a DOCX whose parts would unpack to more than this is refused as a decompression bomb
UNPACKED_LIMIT = 200 * 1024 * 1024
#: an image larger than this is refused: decoding it would take too much memory
PIXELS_LIMIT = 50_000_000
#: the first bytes of each type a file may be (a text file has none)
MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "docx"),
)
#: Pillow's name of each image type
IMAGES = {"png": "PNG", "jpeg": "JPEG"}


class ContentError(ValueError):
    """A file that cannot be accepted, with a message for the person who sent it."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """A file read completely: its type and, for a PDF, DOCX or text file, its text."""

    kind: str
    text: str | None


def file_type(data: bytes) -> str:
    """pdf, docx, txt, png or jpeg, judged by the bytes themselves and read completely as that
    type; ContentError otherwise."""
    return parse(data).kind


def parse(data: bytes) -> Parsed:
    """The file read completely as the type its first bytes claim: every page of a PDF (pypdf
    in strict mode), every part of a DOCX, every pixel of an image, every byte of a text. A
    header that promises a type the rest does not keep is refused: a damaged file must not be
    stored as the document's content, nor reviewed as text it does not show."""
    if not data:
        raise ContentError(_("The file is empty."))
    claimed = claimed_type(data)
    if claimed == "pdf":
        return Parsed("pdf", _pdf_text(data))
    if claimed in IMAGES:
        _image(data, IMAGES[claimed])
        return Parsed(claimed, None)
    if claimed == "docx":
        return Parsed("docx", _docx_text(data))
    if b"\x00" not in data:
        try:
            return Parsed("txt", data.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    raise ContentError(_("The file is not a PDF, DOCX, text or image file."))


def claimed_type(data: bytes) -> str | None:
    """The type a file's first bytes claim (pdf, png, jpeg, docx), read no further; None for
    none of them."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    if b"/Encrypt" in data[:4096] or b"/Encrypt" in data[-4096:]:
        raise ContentError(_("The PDF is password-protected; upload it without protection."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise ContentError(_("The PDF is password-protected; upload it without protection."))
        pages = reader.pages
        if not len(pages):
            raise ContentError(_("The PDF file is damaged."))
        # the text of every page: each page object and its content streams are read
        return "\n".join(page.extract_text() or "" for page in pages)
    except ContentError:
        raise
    except Exception as exc:  # pypdf raises many kinds (and zlib, struct…) for a damaged file
        raise ContentError(_("The PDF file is damaged.")) from exc


def _docx_text(data: bytes) -> str:
    import docx
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ContentError(_("The archive is not a DOCX document."))
            if sum(info.file_size for info in archive.infolist()) > UNPACKED_LIMIT:
                raise ContentError(_("The DOCX would unpack to too much data; it is refused."))
            if archive.testzip() is not None:
                raise ContentError(_("The DOCX file is damaged."))
        document = docx.Document(io.BytesIO(data))
        # every XML part parses, those python-docx reads lazily or not at all too
        for part in document.part.package.iter_parts():
            if part.content_type.endswith("xml"):
                etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
    except ContentError:
        raise
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise ContentError(_("The DOCX file is damaged.")) from exc
    return "\n".join(parts)


def _image(data: bytes, expected: str) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise ContentError(_("The image file is damaged."))
                if image.width * image.height > PIXELS_LIMIT:
                    raise ContentError(
                        _("The image has more than %(n)s million pixels; it is refused.")
                        % {"n": PIXELS_LIMIT // 1_000_000}
                    )
                image.verify()
            with Image.open(io.BytesIO(data)) as image:  # verify() leaves it unusable
                image.load()  # every pixel decoded: a truncated file raises
    except ContentError:
        raise
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError… for bad data
        raise ContentError(_("The image file is damaged.")) from exc


def cipher_name() -> str:
    name = getattr(settings, "CONTENT_CIPHER", "aes-256-gcm")
    if name not in CIPHERS:
        raise ValueError(f"BAOMI_CONTENT_CIPHER must be one of {CIPHERS}")
    return name


def _key(cipher: str) -> bytes:
    key = read_or_create(settings.CONTENT_KEY_FILE, lambda: os.urandom(32))
    return key[:16] if cipher == "sm4-gcm" else key


def encrypt(data: bytes, *, cipher: str, nonce: bytes, bound_to: bytes) -> bytes:
    if cipher == "aes-256-gcm":
        return AESGCM(_key(cipher)).encrypt(nonce, data, bound_to)
    encryptor = Cipher(algorithms.SM4(_key(cipher)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(bound_to)
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def decrypt(data: bytes, *, cipher: str, nonce: bytes, bound_to: bytes) -> bytes:
    if cipher == "aes-256-gcm":
        return AESGCM(_key(cipher)).decrypt(nonce, data, bound_to)
    body, tag = data[:-16], data[-16:]
    decryptor = Cipher(algorithms.SM4(_key(cipher)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(bound_to)
    return decryptor.update(body) + decryptor.finalize()


def store_dir() -> Path:
    path = Path(settings.DATA_DIR) / "content"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def decrypted_attachment(attachment: Attachment) -> bytes:
    """The plaintext of a stored attachment. It checks nobody: the caller decides who may have
    it (a person through the ledger's services, the system for the review index)."""
    return decrypt(
        (store_dir() / attachment.stored_as).read_bytes(),
        cipher=attachment.cipher,
        nonce=bytes(attachment.nonce),
        bound_to=f"{attachment.document_id}/{attachment.pk}".encode(),
    )
