"""An upload is accepted only if it reads completely as its type: a PDF with a valid header and
a damaged body, a DOCX missing a part, a truncated image are refused with 400 naming the file
field, and nothing is stored: no attachment, no encrypted file, no manuscript."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from baomi.ledger import content
from baomi.ledger.models import Attachment
from baomi.review.models import Manuscript
from tests.support.clients import api
from tests.support.factories import register

pytestmark = pytest.mark.django_db


def pdf(text: str = "Internal release 2026") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawString(72, 720, text)
    page.showPage()
    page.drawString(72, 720, "page two")
    page.save()
    return out.getvalue()


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(text: str = "会议纪要") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezipped(data: bytes, *, drop: str = "", replace: tuple[str, bytes] | None = None) -> bytes:
    """The DOCX `data` packed again without the part `drop`, or with one part's bytes replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename == drop:
                continue
            body = source.read(info.filename)
            if replace and info.filename == replace[0]:
                body = replace[1]
            target.writestr(info, body)
    return out.getvalue()


def image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def _xref_garbage(data: bytes) -> bytes:
    """The cross-reference table and trailer replaced by junk, the pointer to them kept."""
    table, pointer = data.rindex(b"\nxref\n"), data.rindex(b"startxref")
    junk = b"\nxref\n0 9\nthis is no cross-reference table at all\n" * 4
    return data[:table] + junk[: pointer - table].ljust(pointer - table, b"#") + data[pointer:]


def _stream_garbage(data: bytes) -> bytes:
    """The first content stream's compressed bytes overwritten with junk of the same length."""
    start = data.index(b"stream\n", data.index(b"/Filter")) + len(b"stream\n")
    end = data.index(b"endstream", start)
    return data[:start] + bytes((i * 37 + 11) % 256 for i in range(end - start)) + data[end:]


def _offsets_wrong(data: bytes) -> bytes:
    """Every object moved by a comment after the header, the cross-reference table left as it
    was: a lenient reader finds the objects anyway, strict mode refuses the file."""
    after_header = data.index(b"\n", data.index(b"\n") + 1) + 1
    return data[:after_header] + b"%" + b"x" * 40 + b"\n" + data[after_header:]


DAMAGED = {
    "pdf_truncated": lambda: pdf()[: len(pdf()) // 2],
    "pdf_no_end": lambda: pdf()[:-40],
    "pdf_garbage_body": lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n",
    "pdf_garbage_xref": lambda: _xref_garbage(pdf()),
    "pdf_garbage_stream": lambda: _stream_garbage(pdf()),
    "pdf_wrong_offsets": lambda: _offsets_wrong(pdf()),
    "pdf_without_pages": lambda: (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    ),
    "docx_missing_styles": lambda: rezipped(docx(), drop="word/styles.xml"),
    "docx_missing_content_types": lambda: rezipped(docx(), drop="[Content_Types].xml"),
    "docx_broken_xml_part": lambda: rezipped(docx(), replace=("word/settings.xml", b"<w:settings")),
    "docx_broken_document": lambda: rezipped(
        docx(), replace=("word/document.xml", b"<w:document><w:body>")
    ),
    "docx_truncated": lambda: docx()[:-200],
    "png_truncated": lambda: image("PNG")[:-30],
    "png_bad_crc": lambda: image("PNG")[:40] + b"\x00\x00" + image("PNG")[42:],
    "jpeg_truncated": lambda: image("JPEG")[: len(image("JPEG")) // 2],
}
GOOD = {
    "pdf": pdf,
    "blank_pdf": blank_pdf,
    "docx": docx,
    "png": lambda: image("PNG"),
    "jpeg": lambda: image("JPEG"),
    "txt": lambda: "保密工作要点\n".encode(),
}


@pytest.fixture
def content_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CONTENT_KEY_FILE = tmp_path / "keys" / "content_key"
    settings.BAOMI_PROFILE = "classified"
    return tmp_path / "content"


def _stored(content_dir) -> list:  # type: ignore[no-untyped-def]
    return list(content_dir.glob("*")) if content_dir.exists() else []


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_whole_file_of_each_type_is_read_and_accepted(kind):
    parsed = content.parse(GOOD[kind]())
    assert parsed.kind == {"blank_pdf": "pdf"}.get(kind, kind)
    if kind == "pdf":
        assert "Internal release 2026" in (parsed.text or "") and "page two" in (parsed.text or "")
    if kind == "docx":
        assert parsed.text == "会议纪要"


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_file_is_refused_by_the_content_check(kind):
    with translation.override("en"), pytest.raises(content.ContentError) as raised:
        content.parse(DAMAGED[kind]())
    assert "damaged" in str(raised.value) or "not a DOCX" in str(raised.value)


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_upload_is_refused_with_400_naming_the_file_and_nothing_stored(
    org, content_dir, kind
):
    document = register(org)
    client = api(org["people"]["clerk"])
    upload = SimpleUploadedFile(f"{kind}.bin", DAMAGED[kind]())
    refused = client.post(
        f"/api/v1/documents/{document.pk}/content/",
        {"file": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = refused.json()
    assert refused.status_code == 400 and list(body["errors"]) == ["file"], body
    assert body["detail"].startswith("file: The ")
    assert not Attachment.objects.exists() and not _stored(content_dir)


def test_a_whole_pdf_is_stored(org, content_dir):
    document = register(org)
    client = api(org["people"]["clerk"])
    stored = client.post(
        f"/api/v1/documents/{document.pk}/content/", {"file": SimpleUploadedFile("a.pdf", pdf())}
    )
    assert stored.status_code == 201 and stored.json()["file_type"] == "pdf"
    assert len(_stored(content_dir)) == 1


@pytest.mark.parametrize("kind", ["pdf_truncated", "pdf_garbage_xref", "docx_missing_styles"])
def test_a_damaged_manuscript_is_refused_naming_the_file_and_nothing_stored(org, kind):
    client = api(org["people"]["insider"])
    refused = client.post(
        "/api/v1/manuscripts/",
        {"title": "稿件", "file": SimpleUploadedFile("稿件.bin", DAMAGED[kind]())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["file"]
    assert not Manuscript.objects.exists()


def test_an_image_too_large_to_decode_is_refused(monkeypatch):
    monkeypatch.setattr(content, "PIXELS_LIMIT", 64 * 47)
    with translation.override("en"), pytest.raises(content.ContentError) as raised:
        content.parse(image("PNG"))
    assert "million pixels" in str(raised.value)
