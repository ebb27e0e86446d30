"""Electronic content at rest: what a file is, and its encryption.

Commercial cryptography as defence in depth (SPEC §6): AES-256-GCM, or SM4-GCM where this
build of `cryptography` offers it (BAOMI_CONTENT_CIPHER). The key is a file outside the
database (BAOMI_CONTENT_KEY_FILE), created on first use. The document and attachment are bound
into each ciphertext as associated data, so a file cannot be swapped onto another record.
"""

from __future__ import annotations

import io
import os
import zipfile
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


class ContentError(ValueError):
    """A file that cannot be accepted, with a message for the person who sent it."""


def file_type(data: bytes) -> str:
    """pdf, docx, txt, png or jpeg, judged by the bytes themselves; ContentError otherwise."""
    if not data:
        raise ContentError(_("The file is empty."))
    if data.startswith(b"%PDF-"):
        if b"/Encrypt" in data[:4096] or b"/Encrypt" in data[-4096:]:
            raise ContentError(_("The PDF is password-protected; upload it without protection."))
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _docx(data)
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "txt"
    raise ContentError(_("The file is not a PDF, DOCX, text or image file."))


def _docx(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ContentError(_("The archive is not a DOCX document."))
            if sum(info.file_size for info in archive.infolist()) > UNPACKED_LIMIT:
                raise ContentError(_("The DOCX would unpack to too much data; it is refused."))
            if archive.testzip() is not None:
                raise ContentError(_("The DOCX file is damaged."))
    except zipfile.BadZipFile as exc:
        raise ContentError(_("The DOCX file is damaged.")) from exc
    return "docx"


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
