"""PUB.INTERNAL: internal material left in a released text needs the issuing unit's letter of
consent (a record: issuing body, reference number, date, optional scan) and either a cut or the
reviewer's stated reason why nothing needs cutting; nothing is saved when it is refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from baomi import policy
from baomi.review.models import Decision, ReleaseConsent
from baomi.review.services import decide_manuscript, refer_manuscript, sign_referral
from tests.support import recorded, rule_ids
from tests.support.clients import api

from .test_desk import consented, internal_document, submit

pytestmark = pytest.mark.django_db


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 30), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def internal(org):
    """A manuscript quoting the room's internal bulletin, whose second review the room agreed."""
    text = internal_document(org)
    manuscript = submit(org, "据悉，" + text[5:60])
    referral = refer_manuscript(
        actor=org["people"]["reviewer"], manuscript=manuscript, department=org["cabinet"].department
    )
    sign_referral(actor=org["people"]["room_leader"], referral=referral, agreed=True)
    return manuscript


def decide(org, manuscript, **kw):
    kw.setdefault("verdict", "approve")
    return decide_manuscript(actor=org["people"]["reviewer"], manuscript=manuscript, **kw)


def nothing_saved(manuscript):
    manuscript.refresh_from_db()
    return (
        manuscript.state == "referred"
        and not Decision.objects.exists()
        and not ReleaseConsent.objects.exists()
    )


@pytest.mark.refuses("PUB.INTERNAL")
def test_PUB_INTERNAL_a_consent_letter_alone_is_not_enough(org, internal):
    given = consented()
    with pytest.raises(policy.RuleViolation) as raised:
        decide(org, internal, consent=given["consent"])
    [violation] = raised.value.violations
    assert violation.rule_id == "PUB.INTERNAL"
    assert (violation.values["consent"], violation.values["cut"]) == (True, False)
    assert nothing_saved(internal)


@pytest.mark.refuses("PUB.INTERNAL")
def test_PUB_INTERNAL_a_statement_that_nothing_needs_cutting_is_no_consent(org, internal):
    with pytest.raises(policy.RuleViolation) as raised:
        decide(org, internal, nothing_to_cut=True, nothing_to_cut_reason="内容已公开")
    [violation] = raised.value.violations
    assert violation.rule_id == "PUB.INTERNAL"
    assert (violation.values["consent"], violation.values["cut"]) == (False, True)
    assert nothing_saved(internal)


@pytest.mark.refuses("PUB.INTERNAL")
def test_PUB_INTERNAL_a_cut_elsewhere_without_the_issuers_consent_is_refused(org, internal):
    with pytest.raises(policy.RuleViolation) as raised:
        decide(org, internal, verdict="redact", reasons="删去一处", redactions=[[3, 5]])
    assert rule_ids(raised) == ["PUB.INTERNAL"]
    assert nothing_saved(internal)


def test_PUB_INTERNAL_consent_and_the_reviewers_reason_release_it(org, internal):
    decision = decide(org, internal, **consented())
    assert decision.verdict == "approve" and decision.nothing_to_cut == "通报内容已在全系统公开"
    record = decision.consent
    assert (record.manuscript, record.issuer, record.reference, str(record.given_on)) == (
        internal,
        "机要室",
        "机要室函〔2026〕5号",
        "2026-11-18",
    )
    reviewer = org["people"]["reviewer"]
    recorded(
        "manuscript.consent_recorded",
        internal,
        actor=reviewer,
        consent=record.pk,
        consent_issuer="机要室",
        consent_reference="机要室函〔2026〕5号",
        consent_date="2026-11-18",
        consent_scan=None,
    )
    recorded(
        "manuscript.decided",
        internal,
        actor=reviewer,
        verdict="approve",
        consent=record.pk,
        nothing_to_cut="通报内容已在全系统公开",
    )


def test_PUB_INTERNAL_consent_and_a_cut_release_it(org, internal):
    given = consented()
    decision = decide(
        org,
        internal,
        verdict="redact",
        reasons="删去一处",
        redactions=[[3, 5]],
        consent=given["consent"],
    )
    assert decision.verdict == "redact" and decision.consent.reference == "机要室函〔2026〕5号"
    assert decision.nothing_to_cut == ""


def test_internal_material_cut_entirely_needs_no_consent(org, internal):
    spans = [[f.start, f.end] for f in internal.findings.all()]
    decision = decide(org, internal, verdict="redact", reasons="删去通报内容", redactions=spans)
    assert decision.consent is None


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"nothing_to_cut": True}, "nothing_to_cut_reason"),
        ({"nothing_to_cut": True, "nothing_to_cut_reason": "   "}, "nothing_to_cut_reason"),
        ({"nothing_to_cut_reason": "内容已公开"}, "nothing_to_cut"),
        ({"nothing_to_cut_reason": "x" * 501, "nothing_to_cut": True}, "nothing_to_cut_reason"),
        (
            {
                "verdict": "redact",
                "reasons": "删",
                "redactions": [[3, 5]],
                "nothing_to_cut": True,
                "nothing_to_cut_reason": "无",
            },
            "nothing_to_cut",
        ),
    ],
)
def test_the_statement_that_nothing_needs_cutting_is_checked_at_its_field(org, internal, kw, field):
    with pytest.raises(ValidationError) as raised:
        decide(org, internal, **{"consent": consented()["consent"], **kw})
    assert list(raised.value.message_dict) == [field]
    assert nothing_saved(internal)


def test_the_consent_and_statement_through_the_desk_page_with_a_scan(client, org, internal):
    reviewer = org["people"]["reviewer"]
    client.force_login(reviewer)
    scan = png()
    client.post(
        f"/review/{internal.pk}/decide/",
        {
            "verdict": "approve",
            "consent_issuer": "机要室",
            "consent_reference": "机要室函〔2026〕5号",
            "consent_date": "2026-11-18",
            "consent_scan": SimpleUploadedFile("同意函.png", scan, "image/png"),
            "nothing_to_cut": "1",
            "nothing_to_cut_reason": "通报内容已在全系统公开",
        },
    )
    record = ReleaseConsent.objects.get()
    assert record.decision.verdict == "approve" and record.scan_type == "png"
    page = client.get(f"/review/{internal.pk}/").content.decode()
    assert "机要室函〔2026〕5号" in page and f"/review/consents/{record.pk}/scan/" in page
    got = client.get(f"/review/consents/{record.pk}/scan/")
    assert got.status_code == 200 and got.content == scan
    recorded("manuscript.consent_scan_read", internal, actor=reviewer, consent=record.pk)
    client.force_login(org["people"]["general"])  # neither reviewer, author nor referred to
    assert client.get(f"/review/consents/{record.pk}/scan/").status_code == 404


def test_a_wrong_field_on_the_desk_page_is_named_and_nothing_is_decided(client, org, internal):
    client.force_login(org["people"]["reviewer"])
    answer = client.post(
        f"/review/{internal.pk}/decide/",
        {
            "verdict": "approve",
            "consent_issuer": "机要室",
            "consent_date": "2026-11-18",
            "nothing_to_cut": "1",
            "nothing_to_cut_reason": "通报内容已在全系统公开",
        },
    )
    assert answer.status_code == 400
    shown = answer.content.decode()
    assert "来函文号" in shown  # the reference number is missing
    assert "机要室" in shown and "通报内容已在全系统公开" in shown  # what was typed is kept
    assert nothing_saved(internal)


def test_the_consent_and_statement_through_the_api(org, internal):
    reviewer = org["people"]["reviewer"]
    url = f"/api/v1/manuscripts/{internal.pk}/decide/"
    bad = api(reviewer).post(
        url,
        {"verdict": "approve", "consent_issuer": "机要室", "nothing_to_cut": True},
        format="json",
    )
    assert bad.status_code == 400, bad.content
    assert "consent_reference" in bad.content.decode() and nothing_saved(internal)
    done = api(reviewer).post(
        url,
        {
            "verdict": "approve",
            "consent_issuer": "机要室",
            "consent_reference": "机要室函〔2026〕5号",
            "consent_date": "2026-11-18",
            "consent_scan": SimpleUploadedFile("同意函.png", png(), "image/png"),
            "nothing_to_cut": "true",
            "nothing_to_cut_reason": "通报内容已在全系统公开",
        },
        format="multipart",
    )
    assert done.status_code == 200, done.content
    decision = done.json()["decision"]
    assert decision["consent"]["reference"] == "机要室函〔2026〕5号"
    assert decision["consent"]["has_scan"] is True
    assert decision["nothing_to_cut"] == "通报内容已在全系统公开"
