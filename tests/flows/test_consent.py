"""A consent to copy is a letter on record: issuing body, reference number, date and an optional
scan, sent from the workbench or the API, each wrong field named, the scan read completely and
kept encrypted, and shown only to those who may know of the document."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baomi.approvals.services import approve, request_approval
from baomi.ledger.models import Consent, Copy
from baomi.people.models import Post
from tests.support import recorded
from tests.support.clients import api
from tests.support.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, format="PNG")
    return out.getvalue()


def copying(org, count=1):
    clerk = org["people"]["clerk"]
    leader = person("room_leader", clerk.department, posts=(Post.LEADER,))
    asked = request_approval(
        actor=clerk,
        kind="copy.reproduce",
        summary="复印",
        subject=org["document"],
        payload={"count": count},
    )
    return approve(actor=leader, approval=asked)


def letter_fields(**kw):
    fields = {
        "consent_issuer": "市人民政府办公室",
        "consent_reference": "示政办函〔2026〕31号",
        "consent_date": "2026-11-18",
    }
    return {**fields, **kw}


def test_the_letter_and_its_scan_from_the_workbench_are_kept_and_shown_to_who_knows_it(
    client, org, copy
):
    clerk = org["people"]["clerk"]
    client.force_login(clerk)
    scan = png()
    client.post(
        "/flows/reproduce/",
        {
            "code": copy.scan_code,
            "count": "1",
            "cabinet": org["cabinet"].pk,
            "approval": copying(org).pk,
            **letter_fields(consent_scan=SimpleUploadedFile("函.png", scan, "image/png")),
        },
    )
    assert org["document"].copies.filter(variant=Copy.Variant.REPRODUCTION).count() == 1
    record = Consent.objects.get()
    assert (record.scan_name, record.scan_type, record.scan_size) == ("函.png", "png", len(scan))
    # kept encrypted: the stored file is not the scan
    from baomi.ledger import content

    assert (content.store_dir() / record.scan_stored_as).read_bytes() != scan
    page = client.get(f"/ledger/documents/{org['document'].pk}/").content.decode()
    assert "示政办函〔2026〕31号" in page and f"/ledger/consents/{record.pk}/scan/" in page
    client.force_login(org["people"]["insider"])  # in the document's scope
    got = client.get(f"/ledger/consents/{record.pk}/scan/")
    assert got.status_code == 200 and got.content == scan
    recorded("document.consent_scan_read", org["document"], actor=org["people"]["insider"])
    client.force_login(org["people"]["important"])  # another department: knows nothing of it
    assert client.get(f"/ledger/consents/{record.pk}/scan/").status_code == 404


def test_a_wrong_field_of_the_letter_is_named_and_nothing_is_copied_or_kept(client, org, copy):
    client.force_login(org["people"]["clerk"])
    approval = copying(org)
    damaged = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
    answer = client.post(
        "/flows/reproduce/",
        {
            "code": copy.scan_code,
            "count": "1",
            "cabinet": org["cabinet"].pk,
            "approval": approval.pk,
            **letter_fields(
                consent_reference="",
                consent_scan=SimpleUploadedFile("函.pdf", damaged, "application/pdf"),
            ),
        },
        follow=True,
    )
    shown = answer.content.decode()  # each message at its field of the copying form
    feedback = re.findall(r'<div class="invalid-feedback">([^<]*)</div>', shown)
    assert any("来函文号" in f for f in feedback) and any("扫描件" in f for f in feedback)
    assert org["document"].copies.count() == 3 and not Consent.objects.exists()
    approval.refresh_from_db()
    assert approval.state == "approved"


def test_the_letter_through_the_api_with_a_scan_and_its_fields_named(org, copy):
    clerk = org["people"]["clerk"]
    approval = copying(org)
    bad = api(clerk).post(
        "/api/v1/reproductions/",
        {
            "copy": copy.pk,
            "count": 1,
            "cabinet": "JYS-01",
            "approval": approval.pk,
            **letter_fields(consent_issuer="", consent_date="2099-01-01"),
        },
        format="json",
    )
    assert bad.status_code == 400, bad.content
    assert {"consent_issuer", "consent_date"} <= set(str(bad.content, "utf-8").split('"'))
    assert not Consent.objects.exists()
    made = api(clerk).post(
        "/api/v1/reproductions/",
        {
            "copy": copy.pk,
            "count": 1,
            "cabinet": "JYS-01",
            "approval": approval.pk,
            **letter_fields(consent_scan=SimpleUploadedFile("函.png", png(), "image/png")),
        },
        format="multipart",
    )
    assert made.status_code == 201, made.content
    assert Consent.objects.get().scan_type == "png"
