"""The review desk: submission, findings, the PUB.* rules, referral, redaction, visibility."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from baomi import policy
from baomi.audit.models import AuditEvent
from baomi.core.levels import Level
from baomi.ledger.consent import letter
from baomi.ledger.services import attach_content
from baomi.review import scanning
from baomi.review.models import Decision, Finding, Manuscript
from baomi.review.services import (
    decide_manuscript,
    refer_manuscript,
    sign_referral,
    submit_manuscript,
)
from tests.support import recorded, rule_ids
from tests.support.factories import REVIEW_SOURCE, register

pytestmark = pytest.mark.django_db

EXCERPT = REVIEW_SOURCE[20:90]


def consented():
    """The issuing unit's letter of consent, and the reviewer's reason why nothing needs
    cutting."""
    return {
        "consent": letter(issuer="机要室", reference="机要室函〔2026〕5号", given_on="2026-11-18"),
        "nothing_to_cut": True,
        "nothing_to_cut_reason": "通报内容已在全系统公开",
    }


def submit(org, text, who="insider"):
    return submit_manuscript(
        actor=org["people"][who], title="新闻稿", kind="text", outlet="门户网站", text=text
    )


def cut_all(manuscript):
    return [[f.start, f.end] for f in manuscript.findings.all()]


def test_a_manuscript_is_scanned_on_submission_for_excerpts_terms_and_markings(org):
    text = "本报讯 " + EXCERPT + " 另据悉，机密★10年的材料均已归档。"
    manuscript = submit(org, text)
    kinds = {(f.kind, f.detail) for f in manuscript.findings.all()}
    assert ("excerpt", "") in kinds and ("marking", "marking") in kinds
    assert ("term", "secret_item") in kinds  # 集成电路制造基地, inside the excerpt
    excerpt = manuscript.findings.get(kind="excerpt")
    assert excerpt.document == org["document"]
    assert text[excerpt.start : excerpt.end] in text and excerpt.end - excerpt.start >= 60
    assert AuditEvent.objects.filter(action="manuscript.scanned").exists()
    event = recorded(
        "manuscript.submitted",
        manuscript,
        actor=org["people"]["insider"],
        kind="text",
        characters=len(text),
        file="",
    )
    assert EXCERPT not in str(event.body)  # the text is never in the log


@pytest.mark.refuses("PUB.REVIEW")
def test_PUB_REVIEW_secrets_must_be_cut_before_release(org):
    manuscript = submit(org, "本报讯 " + EXCERPT)
    with pytest.raises(policy.RuleViolation) as raised:
        decide_manuscript(actor=org["people"]["reviewer"], manuscript=manuscript, verdict="approve")
    assert "PUB.REVIEW" in rule_ids(raised)
    manuscript.refresh_from_db()
    assert manuscript.state == Manuscript.State.SUBMITTED and not Decision.objects.exists()
    spans = cut_all(manuscript)
    decision = decide_manuscript(
        actor=org["people"]["reviewer"],
        manuscript=manuscript,
        verdict="redact",
        reasons="删去涉及重大项目布局的内容",
        redactions=spans,
    )
    assert "集成电路" not in decision.redacted_text and decision.redacted_text.startswith("本报讯")
    assert len(decision.redacted_text) == len(manuscript.text)
    recorded(
        "manuscript.decided",
        manuscript,
        actor=org["people"]["reviewer"],
        verdict="redact",
        redactions=sorted(spans),
        consent=None,
        nothing_to_cut=None,
    )


@pytest.mark.refuses("PUB.UNPUBLISHED")
def test_PUB_UNPUBLISHED_a_matter_not_yet_announced_is_cut(org):
    manuscript = submit(org, "会议决定，新区将封闭管理三个月。")
    with pytest.raises(policy.RuleViolation) as raised:
        decide_manuscript(actor=org["people"]["reviewer"], manuscript=manuscript, verdict="approve")
    assert rule_ids(raised) == ["PUB.UNPUBLISHED"]
    decide_manuscript(
        actor=org["people"]["reviewer"],
        manuscript=manuscript,
        verdict="redact",
        reasons="尚未公布",
        redactions=cut_all(manuscript),
    )


def internal_document(org):
    """An internal (内部, not secret) document of the confidential room, whose text is held."""
    document = register(
        org,
        marking="",
        level=Level.INTERNAL,
        title="内部情况通报",
        doc_number="机要室〔2026〕3号",
        cabinet=org["plain"],
    )
    text = (
        "本季度机要文件收发总量较上季度有所增加，传阅周期平均缩短一天，"
        "各科室配合良好，未发生失泄密事件。"
    )
    attach_content(
        actor=org["people"]["clerk"], document=document, name="tb.txt", data=text.encode()
    )
    scanning.index_document(document)
    return text


@pytest.mark.refuses("PUB.INTERNAL", "PUB.REFER")
def test_PUB_INTERNAL_internal_material_needs_the_issuers_consent_or_a_cut(org):
    text = internal_document(org)
    manuscript = submit(org, "据悉，" + text[5:60])
    reviewer = org["people"]["reviewer"]
    with pytest.raises(policy.RuleViolation) as raised:
        decide_manuscript(actor=reviewer, manuscript=manuscript, verdict="approve")
    assert "PUB.INTERNAL" in rule_ids(raised)
    with pytest.raises(policy.RuleViolation) as raised:  # consent given, but not yet referred
        decide_manuscript(actor=reviewer, manuscript=manuscript, verdict="approve", **consented())
    assert rule_ids(raised) == ["PUB.REFER"]


@pytest.mark.refuses("PUB.REFER")
def test_PUB_REFER_another_departments_material_waits_for_its_agreement(org):
    text = internal_document(org)
    manuscript = submit(org, "据悉，" + text[5:60])
    reviewer, leader = org["people"]["reviewer"], org["people"]["room_leader"]
    referral = refer_manuscript(
        actor=reviewer, manuscript=manuscript, department=org["cabinet"].department
    )
    recorded("manuscript.referred", manuscript, actor=reviewer, department=referral.department_id)
    with pytest.raises(policy.RuleViolation) as raised:  # only that department's leader signs
        sign_referral(actor=reviewer, referral=referral, agreed=True)
    assert "PUB.REFER" in rule_ids(raised)
    assert org["people"]["clerk"].department_id == referral.department_id
    with pytest.raises(policy.RuleViolation) as raised:  # of that department, but no leader
        sign_referral(actor=org["people"]["clerk"], referral=referral, agreed=True)
    assert rule_ids(raised) == ["ACC.ROLE"]
    sign_referral(actor=leader, referral=referral, agreed=True, comment="同意")
    recorded(
        "manuscript.referral_signed", manuscript, actor=leader, referral=referral.pk, agreed=True
    )
    decision = decide_manuscript(
        actor=reviewer, manuscript=manuscript, verdict="approve", **consented()
    )
    assert decision.verdict == "approve"


def test_only_a_reviewer_decides_and_a_rejection_says_why(org):
    manuscript = submit(org, "普通的新闻稿件内容，没有任何问题。")
    with pytest.raises(policy.RuleViolation) as raised:
        decide_manuscript(actor=org["people"]["insider"], manuscript=manuscript, verdict="approve")
    assert rule_ids(raised) == ["ACC.ROLE"]
    with pytest.raises(ValidationError):
        decide_manuscript(actor=org["people"]["reviewer"], manuscript=manuscript, verdict="reject")
    decide_manuscript(
        actor=org["people"]["reviewer"], manuscript=manuscript, verdict="reject", reasons="不宜发布"
    )
    with pytest.raises(ValidationError):  # decided once
        decide_manuscript(actor=org["people"]["reviewer"], manuscript=manuscript, verdict="approve")


def docx(paragraph: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w/>" + b"0" * (210 * 1024 * 1024))
    return out.getvalue()


BAD_FILES = {
    "empty": (b"", "empty"),
    "binary": (b"\x00\x01\x02garbage\xff", "not a PDF, DOCX, text or image"),
    "encrypted": (b"%PDF-1.7\n1 0 obj<</Encrypt 2 0 R>>endobj\n%%EOF", "password-protected"),
    "corrupt_docx": (b"PK\x03\x04not really a zip", "damaged"),
    "corrupt_pdf": (b"%PDF-1.4\ngarbage without objects", "damaged"),
    "image": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "caption"),
    "no_text": (b"   \n\t ", "no text"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_stored(org, kind):
    data, message = BAD_FILES[kind]
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        submit_manuscript(
            actor=org["people"]["insider"], title="稿件", kind="text", data=data, file_name="x"
        )
    with translation.override("en"):
        assert message in " ".join(raised.value.messages)
    assert not Manuscript.objects.exists() and not Finding.objects.exists()


def test_decompression_bombs_and_oversized_files_are_refused(org, monkeypatch):
    from baomi.review import extract

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        submit_manuscript(actor=org["people"]["insider"], title="稿件", kind="text", data=bomb())
    assert "too much data" in " ".join(raised.value.messages)
    monkeypatch.setattr(extract, "MAX_BYTES", 100)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        submit_manuscript(
            actor=org["people"]["insider"], title="稿件", kind="text", data=b"x" * 101
        )
    assert "larger than" in " ".join(raised.value.messages)
    assert not Manuscript.objects.exists()


def test_docx_and_pdf_manuscripts_are_read(org):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    manuscript = submit_manuscript(
        actor=org["people"]["insider"], title="稿件", kind="text", data=docx("开头。" + EXCERPT)
    )
    assert manuscript.kind == "docx" and manuscript.findings.filter(kind="excerpt").exists()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawString(72, 720, "Internal release 2026 - draft for review")
    page.save()
    manuscript = submit_manuscript(
        actor=org["people"]["insider"], title="PDF", kind="text", data=out.getvalue()
    )
    assert manuscript.kind == "pdf" and "Internal release 2026" in manuscript.text


def test_a_finding_about_a_document_outside_the_reviewers_scope_names_no_title(org, client):
    from tests.support.factories import person

    outsider = person(
        "outside_reviewer",
        org["people"]["general"].department,
        posts=("security_officer",),
        tier="core",
    )
    manuscript = submit(org, "本报讯 " + EXCERPT)
    client.force_login(org["people"]["reviewer"])  # inside the scope
    page = client.get(f"/review/{manuscript.pk}/").content.decode()
    assert org["document"].title in page
    client.force_login(outsider)
    page = client.get(f"/review/{manuscript.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert org["document"].title not in page and org["document"].doc_number not in page
    assert "机要室" in page  # its registering department and the holders' departments only
    client.force_login(org["people"]["general"])  # neither reviewer nor author
    assert client.get(f"/review/{manuscript.pk}/").status_code == 404


def test_the_index_follows_the_ledger_content_stored_declassified_destroyed(
    org, django_capture_on_commit_callbacks
):
    from baomi.ledger.services import declassify_due

    document = register(org, title="另一份请示", doc_number="示政办〔2026〕13号")
    text = (
        "关于设立专项资金支持新材料产业发展的请示，"
        "拟安排资金二十亿元分三年投入，重点支持高端合金研发。"
    )
    with django_capture_on_commit_callbacks(execute=True):
        attach_content(
            actor=org["people"]["clerk"], document=document, name="b.txt", data=text.encode()
        )
    manuscript = submit(org, "消息称" + text[5:60])
    assert manuscript.findings.filter(kind="excerpt", document=document).exists()
    document.declassify_on = document.issued_on
    document.save(update_fields=["declassify_on"])
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        declassify_due()
    # the ledger's event is the record: the index's receiver writes no audit row of its own
    assert list(AuditEvent.objects.filter(seq__gt=last).values_list("action", flat=True)) == [
        "document.declassified"
    ]
    manuscript = submit(org, "消息称" + text[5:60])
    assert not manuscript.findings.filter(kind="excerpt").exists()


def test_a_rebuild_keeps_what_the_ledger_did_while_it_ran(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    """Content stored and a document declassified while the rebuild reads reached the index it
    replaces; the fresh one catches up with both."""
    from baomi.ledger.services import declassify_due
    from baomi.review.engine import FingerprintIndex

    late_text = (
        "关于建设城市地下综合管廊的请示，拟在老城区敷设管廊十二公里，"
        "分两期实施，首期六公里由市城投公司承建，二期视财力情况另行研究。"
    )
    rebuild = FingerprintIndex.rebuild.__func__

    def while_the_ledger_goes_on(cls, folder, documents, *args, **kwargs):
        documents = list(documents)  # the ledger as the rebuild read it
        late = register(org, title="晚到的请示", doc_number="示政办〔2026〕14号")
        org["document"].declassify_on = org["document"].issued_on
        org["document"].save(update_fields=["declassify_on"])
        with django_capture_on_commit_callbacks(execute=True):
            attach_content(
                actor=org["people"]["clerk"], document=late, name="l.txt", data=late_text.encode()
            )
            declassify_due()
        return rebuild(cls, folder, documents, *args, **kwargs)

    monkeypatch.setattr(FingerprintIndex, "rebuild", classmethod(while_the_ledger_goes_on))
    scanning.rebuild_index()
    assert submit(org, "消息称" + late_text[3:60]).findings.filter(kind="excerpt").exists()
    assert not submit(org, "本报讯 " + EXCERPT).findings.filter(kind="excerpt").exists()


def test_the_author_sees_the_decision_but_never_the_findings(org, client):
    manuscript = submit(org, "本报讯 " + EXCERPT)
    client.force_login(org["people"]["insider"])
    page = client.get(f"/review/{manuscript.pk}/").content.decode()
    assert "<mark" not in page and "finding-" not in page
    decide_manuscript(
        actor=org["people"]["reviewer"],
        manuscript=manuscript,
        verdict="redact",
        reasons="删去项目布局",
        redactions=cut_all(manuscript),
    )
    page = client.get(f"/review/{manuscript.pk}/").content.decode()
    assert "删去项目布局" in page
    download = client.get(f"/review/{manuscript.pk}/redacted.txt")
    assert download.status_code == 200 and "■" in download.content.decode()


def test_document_numbers_are_terms_and_a_new_one_is_found_at_once(org):
    found = submit(org, "依据示政办〔2026〕12号文件精神")
    assert found.findings.filter(detail="doc_number", document=org["document"]).exists()
    newer = register(org, title="另一份请示", doc_number="示政办〔2026〕99号")
    found = submit(org, "依据示政办（2026）99号文件")  # other brackets: the same number
    assert found.findings.filter(detail="doc_number", document=newer).exists()


def test_a_decided_manuscript_is_not_scanned_again_and_nothing_changes(org):
    from baomi.review.services import add_sensitive_term, scan_manuscript

    reviewer = org["people"]["reviewer"]
    manuscript = submit(org, "普通的新闻稿件，提到春季运动会。")
    decide_manuscript(actor=reviewer, manuscript=manuscript, verdict="approve")
    # a term added since: a rescan would find it
    term = add_sensitive_term(actor=reviewer, text="春季运动会", kind="sensitive")
    recorded("review.term_added", term, actor=reviewer, kind="sensitive")
    manuscript.refresh_from_db()
    before = (manuscript.scanned_at, list(manuscript.findings.values_list("pk", flat=True)))
    events = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        scan_manuscript(actor=reviewer, manuscript=manuscript)
    assert "already decided" in str(raised.value)
    manuscript.refresh_from_db()
    assert (manuscript.scanned_at, list(manuscript.findings.values_list("pk", flat=True))) == before
    assert AuditEvent.objects.count() == events
    open_one = submit(org, "普通的新闻稿件，提到春季运动会。")
    scan_manuscript(actor=reviewer, manuscript=open_one)  # one awaiting review is scanned again
    assert open_one.findings.filter(detail="sensitive").exists()


def test_the_text_is_scanned_before_the_submission_takes_any_lock(org, monkeypatch):
    from django.db import connection

    real = scanning.scanner()
    outside = len(connection.atomic_blocks)
    seen = []

    class Watching:
        def scan(self, text):
            written = (Manuscript.objects.count(), AuditEvent.objects.count())
            seen.append((len(connection.atomic_blocks), *written))
            return real.scan(text)

    monkeypatch.setattr(scanning, "scanner", Watching)
    events = AuditEvent.objects.count()
    manuscript = submit(org, "本报讯 " + EXCERPT)
    assert seen == [(outside, 0, events)]  # outside the service's transaction, nothing written yet
    assert manuscript.findings.filter(kind="excerpt").exists()


def test_highlighting_cuts_the_text_as_the_plain_definition_does():
    import itertools

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from baomi.review.desk import Piece, pieces

    def reference(text, findings):
        cuts = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
        out = []
        for a, b in itertools.pairwise(cuts):
            covering = [f for f in findings if f.start <= a and b <= f.end]
            kinds = " ".join(sorted({f.kind for f in covering}))
            out.append(Piece(text[a:b], tuple(f.pk for f in covering), kinds))
        return out

    spans = st.tuples(st.integers(0, 40), st.integers(0, 40), st.sampled_from(Finding.Kind.values))

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=30), st.lists(spans, max_size=12))
    def check(text, drawn):
        findings = [
            Finding(pk=i + 1, kind=kind, start=min(a, b), end=max(a, b))
            for i, (a, b, kind) in enumerate(drawn)
        ]
        assert pieces(text, findings) == reference(text, findings)

    check()


def test_reindex_rebuilds_the_index_and_puts_the_rebuild_on_record(org):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("review", "reindex", stdout=out)
    assert out.getvalue().strip() == "indexed 1 documents"
    event = AuditEvent.objects.filter(action="review.index_rebuilt").get()
    assert event.event["data"] == {"documents": 1} and event.actor_id is None
    assert submit(org, "本报讯 " + EXCERPT).findings.filter(kind="excerpt").exists()
