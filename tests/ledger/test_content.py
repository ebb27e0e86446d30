"""Electronic content: only as the deployment profile allows, encrypted at rest, never 绝密."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.levels import SecretKind
from baomi.core.visibility import NotVisible
from baomi.ledger import content
from baomi.ledger.models import Attachment
from baomi.ledger.services import attach_content, read_content
from tests.support import recorded
from tests.support.factories import register

pytestmark = pytest.mark.django_db


def _blank_pdf() -> bytes:
    """A whole PDF of one blank page: the content check reads every page of an upload."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


@pytest.fixture(autouse=True)
def content_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CONTENT_KEY_FILE = tmp_path / "keys" / "content_key"
    return tmp_path / "content"


def stored_files(content_dir):
    return list(content_dir.glob("*")) if content_dir.exists() else []


def docx(payload: bytes | None = None) -> bytes:
    """A real DOCX, or a bare package with `payload` as its document (the size check reads no
    further)."""
    buffer = io.BytesIO()
    if payload is None:
        import docx as python_docx

        python_docx.Document().save(buffer)
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", payload)
    return buffer.getvalue()


@pytest.mark.parametrize("profile", ["register", "classified"])
@pytest.mark.refuses("DOC.CONTENT")
def test_top_secret_content_is_refused_in_every_profile(settings, org, content_dir, profile):
    settings.BAOMI_PROFILE = profile
    document = register(org, marking="绝密★30年", copies=1)
    with pytest.raises(policy.RuleViolation) as raised:
        attach_content(actor=org["people"]["clerk"], document=document, name="a.pdf", data=PDF)
    assert raised.value.decision.rule_ids == ("DOC.CONTENT",)
    assert not Attachment.objects.exists() and not stored_files(content_dir)


def test_secret_state_content_only_in_the_classified_profile(settings, org, content_dir):
    document = register(org)  # 机密, state secret
    clerk = org["people"]["clerk"]
    settings.BAOMI_PROFILE = "register"
    with pytest.raises(policy.RuleViolation, match=r"DOC\.CONTENT"):
        attach_content(actor=clerk, document=document, name="a.pdf", data=PDF)
    assert not stored_files(content_dir)
    settings.BAOMI_PROFILE = "classified"
    attachment = attach_content(actor=clerk, document=document, name="a.pdf", data=PDF)
    recorded(
        "document.content_attached",
        document,
        actor=clerk,
        attachment=attachment.pk,
        file_type="pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        cipher="aes-256-gcm",
    )
    [stored] = stored_files(content_dir)
    assert PDF not in stored.read_bytes()  # encrypted at rest
    assert read_content(actor=org["people"]["insider"], attachment=attachment) == PDF
    recorded(
        "document.content_read",
        document,
        actor=org["people"]["insider"],
        attachment=attachment.pk,
        sha256=attachment.sha256,
    )
    assert [
        e
        for e in AuditEvent.objects.values_list("action", flat=True)
        if e.startswith("document.content")
    ] == ["document.content_attached", "document.content_read"]
    with pytest.raises(NotVisible):
        read_content(actor=org["people"]["important"], attachment=attachment)


def test_work_secrets_carry_content_in_the_register_profile_and_sm4_works(settings, org):
    settings.BAOMI_PROFILE = "register"
    settings.CONTENT_CIPHER = "sm4-gcm"
    document = register(org, marking="秘密★1年", kind=SecretKind.WORK)
    data = docx()
    attachment = attach_content(
        actor=org["people"]["clerk"], document=document, name="x.docx", data=data
    )
    assert attachment.cipher == "sm4-gcm" and attachment.file_type == "docx"
    assert read_content(actor=org["people"]["clerk"], attachment=attachment) == data


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02garbage", "not a PDF"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (b"%PDF-1.7\n<< /Encrypt 5 0 R >>\n", "password"),
        (docx(b"0" * (3 * 1024 * 1024)), "unpack"),  # with the limit lowered to 2 MB below
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_stored(
    monkeypatch,
    settings,
    org,
    content_dir,
    data,
    words,
):
    settings.BAOMI_PROFILE = "classified"
    monkeypatch.setattr(content, "UNPACKED_LIMIT", 2 * 1024 * 1024)
    document = register(org)
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        attach_content(actor=org["people"]["clerk"], document=document, name="f", data=data)
    assert words in " ".join(raised.value.message_dict["file"])
    assert not Attachment.objects.exists() and not stored_files(content_dir)


def test_an_oversized_file_is_refused_naming_the_limit(settings, org, security_admin):
    from baomi.policy.services import set_parameter

    settings.BAOMI_PROFILE = "classified"
    set_parameter(
        actor=security_admin, rule_id="DOC.CONTENT", name="max_megabytes", value=1, reason="测试"
    )
    document = register(org)
    with pytest.raises(policy.RuleViolation) as raised:
        attach_content(
            actor=org["people"]["clerk"],
            document=document,
            name="big.txt",
            data=b"a" * (1024 * 1024 + 1),
        )
    assert raised.value.violations[0].params["max_megabytes"] == 1


def test_upload_and_download_through_the_pages(client, settings, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = register(org)
    client.force_login(org["people"]["clerk"])
    settings.BAOMI_PROFILE = "register"
    refused = client.post(
        f"/ledger/documents/{document.pk}/content/",
        {"file": SimpleUploadedFile("a.pdf", PDF)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "DOC.CONTENT" in refused.content.decode() and not Attachment.objects.exists()
    settings.BAOMI_PROFILE = "classified"
    client.post(
        f"/ledger/documents/{document.pk}/content/", {"file": SimpleUploadedFile("请示.pdf", PDF)}
    )
    attachment = Attachment.objects.get()
    got = client.get(f"/ledger/content/{attachment.pk}/")
    assert got.content == PDF and got["Content-Type"] == "application/pdf"
    client.force_login(org["people"]["important"])
    assert client.get(f"/ledger/content/{attachment.pk}/").status_code == 404
