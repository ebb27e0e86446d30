"""Reproduction: approved, counted, numbered after the originals, managed like them."""

from __future__ import annotations

import json

import pytest

from baomi import policy
from baomi.approvals.services import approve, request_approval
from baomi.audit.models import AuditEvent
from baomi.flows.services import reproduce_copies
from baomi.ledger.consent import letter
from baomi.ledger.models import Consent, Copy
from baomi.ledger.services import record_print_waste
from baomi.people.models import Post
from tests.support import recorded, rule_ids
from tests.support.factories import person

pytestmark = pytest.mark.django_db


def approved(org, count=2):
    room_leader = person("room_leader", org["people"]["clerk"].department, posts=(Post.LEADER,))
    asked = request_approval(
        actor=org["people"]["clerk"],
        kind="copy.reproduce",
        summary="复印2份供审计组使用",
        payload={} if count is None else {"count": count},
    )
    return approve(actor=room_leader, approval=asked)


def consent(**kw):
    """The issuer's consent letter, as a page or the API would send it."""
    fields = {
        "issuer": "市人民政府办公室",
        "reference": "示政办函〔2026〕31号",
        "given_on": "2026-11-18",
    }
    return letter(**{**fields, **kw})


def reproduce(org, **kw):
    args = {
        "actor": org["people"]["clerk"],
        "document": org["document"],
        "count": 2,
        "cabinet": org["cabinet"],
    }
    return reproduce_copies(**{**args, **kw})


@pytest.mark.refuses("DOC.REPRO.APPROVAL")
def test_DOC_REPRO_APPROVAL_copying_needs_a_leaders_approval(org):
    with pytest.raises(policy.RuleViolation) as raised:
        reproduce(org, consent=consent())
    assert rule_ids(raised) == ["DOC.REPRO.APPROVAL"]
    assert raised.value.decision.approvals == ("copy.reproduce",)
    assert org["document"].copies.count() == 3


@pytest.mark.refuses("DOC.REPRO.APPROVAL")
def test_DOC_REPRO_APPROVAL_another_issuers_document_needs_its_consent_too(org):
    with pytest.raises(policy.RuleViolation) as raised:
        reproduce(org, approval=approved(org))
    [violation] = raised.value.violations
    assert violation.rule_id == "DOC.REPRO.APPROVAL" and violation.lift is None
    assert violation.values == {"issuer": "市人民政府办公室"}


@pytest.mark.refuses("DOC.REPRO.APPROVAL")
def test_DOC_REPRO_APPROVAL_no_more_copies_than_approved(org):
    with pytest.raises(policy.RuleViolation) as raised:
        reproduce(org, count=3, approval=approved(org, count=2), consent=consent())
    assert raised.value.violations[0].values == {"count": 3, "approved": 2}


@pytest.mark.refuses("DOC.REPRO.APPROVAL")
def test_DOC_REPRO_APPROVAL_an_approval_that_states_no_count_allows_no_copy(org):
    approval = approved(org, count=None)
    with pytest.raises(policy.RuleViolation) as raised:
        reproduce(org, count=1, approval=approval, consent=consent())
    [violation] = raised.value.violations
    assert violation.rule_id == "DOC.REPRO.APPROVAL" and violation.lift is None
    assert violation.values == {"count": 1, "approved": 0}
    assert org["document"].copies.count() == 3
    approval.refresh_from_db()
    assert approval.state == "approved"  # nothing used: the transaction was undone


@pytest.mark.applied("DOC.REPRO.STAMP")
def test_DOC_REPRO_STAMP_approved_copies_are_numbered_on_and_managed_like_originals(org):
    approval = approved(org)
    made = reproduce(org, approval=approval, consent=consent())
    assert [c.copy_no for c in made] == [4, 5]
    assert {c.variant for c in made} == {Copy.Variant.REPRODUCTION}
    assert all(c.document == org["document"] and c.cabinet == org["cabinet"] for c in made)
    data = json.loads(AuditEvent.objects.filter(action="copy.reproduced").first().body)["data"]
    [record] = Consent.objects.all()
    assert (record.document, record.issuer, record.reference, str(record.given_on)) == (
        org["document"],
        "市人民政府办公室",
        "示政办函〔2026〕31号",
        "2026-11-18",
    )
    assert data["stamp"] == "机要室" and data["consent"] == record.pk
    recorded(
        "copy.reproduced",
        made[1],
        actor=org["people"]["clerk"],
        copy_no="000005",
        state="in_cabinet",
        cabinet="JYS-01",
        variant=Copy.Variant.REPRODUCTION,
        stamp="机要室",
        approval=approval.pk,
        consent=record.pk,
    )
    recorded(
        "document.consent_recorded",
        org["document"],
        actor=org["people"]["clerk"],
        consent=record.pk,
        consent_issuer="市人民政府办公室",
        consent_reference="示政办函〔2026〕31号",
        consent_date="2026-11-18",
        consent_scan=None,
    )
    waste = record_print_waste(
        actor=org["people"]["clerk"], document=org["document"], kind="spoiled", sheets=2
    )
    assert waste.sheets == 2


@pytest.mark.refuses("DOC.TOPSECRET")
def test_DOC_TOPSECRET_a_top_secret_document_is_copied_only_with_the_originators_consent(org):
    from tests.support.factories import register

    top = register(org, marking="绝密★30年", copies=1)
    with pytest.raises(policy.RuleViolation) as raised:
        reproduce(org, document=top, count=1)
    assert "DOC.TOPSECRET" in rule_ids(raised)
    assert top.copies.count() == 1


def top_secret(org, **kw):
    from tests.support.factories import register

    return register(org, marking="绝密★30年", copies=1, doc_number="示政办〔2026〕99号", **kw)


@pytest.mark.refuses("DOC.TOPSECRET")
def test_DOC_TOPSECRET_an_own_top_secret_document_without_a_consent_letter_is_refused(org):
    """Not only another issuer's 绝密 document: the originating unit's consent is a letter on
    record for every 绝密 item, and nothing is made or kept without it."""
    top = top_secret(org, issuer="本单位")
    top.origin = "internal"
    top.save(update_fields=["origin"])
    with pytest.raises(policy.RuleViolation) as raised:
        reproduce(org, document=top, count=1, approval=approved(org, count=1))
    [violation] = raised.value.violations
    assert violation.rule_id == "DOC.TOPSECRET" and violation.lift is None
    assert violation.values == {"level": "绝密", "issuer": "本单位"}
    assert top.copies.count() == 1 and not Consent.objects.exists()


def test_DOC_TOPSECRET_a_top_secret_document_is_copied_with_the_originators_letter(org):
    top = top_secret(org)
    made = reproduce(
        org,
        document=top,
        count=1,
        approval=approved(org, count=1),
        consent=consent(reference="示政办函〔2026〕40号"),
    )
    assert [c.copy_no for c in made] == [2]
    assert top.consents.get().reference == "示政办函〔2026〕40号"


def test_a_consent_letter_names_each_missing_or_wrong_field():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    assert letter() is None  # nothing given: no letter
    with pytest.raises(ValidationError) as raised:
        letter(issuer="市人民政府办公室", given_on="18/11/2026")
    assert set(raised.value.message_dict) == {"consent_reference", "consent_date"}
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        letter(issuer="", reference="函〔2026〕1号", given_on="2099-01-01", scan=b"%PDF-1.7 broken")
    assert set(raised.value.message_dict) == {"consent_issuer", "consent_date", "consent_scan"}
    assert "future" in raised.value.message_dict["consent_date"][0]
    with pytest.raises(ValidationError) as raised:
        letter(issuer="市\u202e政府", reference="x" * 61, given_on="2026-11-18")
    assert set(raised.value.message_dict) == {"consent_issuer", "consent_reference"}


def test_a_scan_is_a_pdf_or_image_within_the_limit(monkeypatch):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from baomi.ledger import consent as letters

    fields = {"issuer": "市人民政府办公室", "reference": "函〔2026〕1号", "given_on": "2026-11-18"}
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        letter(**fields, scan="同意复制".encode())  # a text file: not a scan
    assert "PDF, PNG or JPEG" in raised.value.message_dict["consent_scan"][0]
    monkeypatch.setattr(letters, "SCAN_MAX_BYTES", 10)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        letter(**fields, scan=b"%PDF-1.7" + b"0" * 10)
    assert "larger than" in raised.value.message_dict["consent_scan"][0]
