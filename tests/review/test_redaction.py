"""The review desk's cut: findings shown as what they matched and where it comes from, a cut
chosen and previewed before it is applied, no approval preselected or given silently while
findings are open, nobody reviewing their own manuscript, and a redacted DOCX that keeps the
author's layout."""

from __future__ import annotations

import io
import re

import pytest

from baomi import policy
from baomi.ledger import content
from baomi.review.models import Decision, Manuscript
from baomi.review.services import (
    add_sensitive_term,
    decide_manuscript,
    refer_manuscript,
    scan_manuscript,
    submit_manuscript,
)
from tests.support import recorded, rule_ids
from tests.support.factories import person

from .test_desk import EXCERPT, cut_all, submit

pytestmark = pytest.mark.django_db


def sensitive(org, text="内部调整"):
    add_sensitive_term(actor=org["people"]["reviewer"], text=text, kind="sensitive")


@pytest.mark.refuses("PUB.REVIEW")
def test_PUB_REVIEW_nobody_reviews_a_manuscript_they_submitted(org, client):
    reviewer = org["people"]["reviewer"]
    own = submit(org, "本报讯 普通的新闻稿件内容。", who="reviewer")
    for act in (
        lambda: decide_manuscript(actor=reviewer, manuscript=own, verdict="reject", reasons="x"),
        lambda: refer_manuscript(
            actor=reviewer, manuscript=own, department=org["cabinet"].department
        ),
        lambda: scan_manuscript(actor=reviewer, manuscript=own),
    ):
        with pytest.raises(policy.RuleViolation) as raised:
            act()
        assert rule_ids(raised) == ["PUB.REVIEW"]
    own.refresh_from_db()
    assert own.state == Manuscript.State.SUBMITTED and not own.decisions.exists()
    client.force_login(reviewer)
    page = client.get(f"/review/{own.pk}/").content.decode()
    assert 'id="own-manuscript"' in page and "PUB.REVIEW" in page
    assert 'id="decide"' not in page and "/refer/" not in page and 'name="cut"' not in page
    answer = client.post(f"/review/{own.pk}/decide/", {"verdict": "reject", "reasons": "x"})
    assert answer.status_code == 400 and "PUB.REVIEW" in answer.content.decode()
    assert not own.decisions.exists()
    other = person(
        "second_reviewer", org["units"]["planning"], posts=("security_officer",), tier="core"
    )
    decide_manuscript(actor=other, manuscript=own, verdict="approve")  # another reviewer may


@pytest.mark.refuses("PUB.REVIEW")
def test_PUB_REVIEW_a_finding_left_in_needs_the_reviewers_reason(org):
    sensitive(org)
    manuscript = submit(org, "本报讯 局里近期将有内部调整，详情另行通知。")
    assert manuscript.findings.filter(detail="sensitive").exists()
    with pytest.raises(policy.RuleViolation) as raised:
        decide_manuscript(actor=org["people"]["reviewer"], manuscript=manuscript, verdict="approve")
    assert rule_ids(raised) == ["PUB.REVIEW"]
    assert not Decision.objects.exists()
    decision = decide_manuscript(
        actor=org["people"]["reviewer"],
        manuscript=manuscript,
        verdict="approve",
        left_in="泛指科室分工，不涉及人事安排",
    )
    assert decision.left_in == "泛指科室分工，不涉及人事安排"
    recorded(
        "manuscript.decided", manuscript, actor=org["people"]["reviewer"], left_in=decision.left_in
    )


def test_no_verdict_is_preselected_while_findings_are_open(org, client):
    client.force_login(org["people"]["reviewer"])
    found = submit(org, "本报讯 " + EXCERPT)
    page = client.get(f"/review/{found.pk}/").content.decode()
    select = re.search(r'<select[^>]*name="verdict".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w*)"[^>]*selected', select) == [""]
    clean = submit(org, "本报讯 全市经济运行总体平稳。")
    page = client.get(f"/review/{clean.pk}/").content.decode()
    select = re.search(r'<select[^>]*name="verdict".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w*)"[^>]*selected', select) == ["approve"]


def test_a_finding_shows_the_text_it_matched_and_its_source(org, client):
    from tests.support.factories import person as make_person

    found = submit(org, "本报讯 " + EXCERPT)
    excerpt = found.findings.get(kind="excerpt")
    matched = found.text[excerpt.start : excerpt.end]
    client.force_login(org["people"]["reviewer"])  # within the document's knowledge scope
    page = client.get(f"/review/{found.pk}/").content.decode()
    assert matched[:40] in page and org["document"].title in page
    assert f'href="/ledger/documents/{org["document"].pk}/"' in page
    outsider = make_person(
        "scopeless_reviewer",
        org["people"]["general"].department,
        posts=("security_officer",),
        tier="core",
    )
    client.force_login(outsider)
    page = client.get(f"/review/{found.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert matched[:40] in page and "a registered classified document (secret)" in page
    assert (
        org["document"].title not in page and f"/ledger/documents/{org['document'].pk}/" not in page
    )


def test_a_cut_is_previewed_and_applied_only_as_previewed(org, client):
    client.force_login(org["people"]["reviewer"])
    found = submit(org, "本报讯 " + EXCERPT + "\n全市经济运行总体平稳。")
    ticked = [f"{f.start}-{f.end}" for f in found.findings.all()]
    tail = found.text.index("全市")
    selected = f"{tail}-{tail + 2}"  # two words selected in the text
    post = {"cut": ticked, "spans": selected, "verdict": "redact", "reasons": "删去项目布局"}
    preview = client.post(f"/review/{found.pk}/decide/", {**post, "step": "preview"})
    page = preview.content.decode()
    assert preview.status_code == 200 and 'id="preview-note"' in page
    assert (
        "■■" in page
        and "集成电路制造基地" not in page.split('id="manuscript-text"')[1].split("</pre>")[0]
    )
    assert f'value="{selected}"' in page and 'value="redact" selected' in page
    key = re.search(r'name="previewed" value="([^"]*)"', page).group(1)
    assert not Decision.objects.exists()
    # a cut changed after its preview is shown again, not applied
    again = client.post(
        f"/review/{found.pk}/decide/", {**post, "spans": "", "step": "apply", "previewed": key}
    )
    assert again.status_code == 200 and 'id="preview-note"' in again.content.decode()
    assert not Decision.objects.exists()
    done = client.post(f"/review/{found.pk}/decide/", {**post, "step": "apply", "previewed": key})
    assert done.status_code == 302
    decision = Decision.objects.get()
    assert decision.verdict == "redact" and decision.redacted_text[tail : tail + 2] == "■■"
    assert "集成电路" not in decision.redacted_text


def docx_manuscript() -> bytes:
    """A DOCX with a heading, a paragraph of mixed runs (the excerpt in bold), a table and a
    header repeating the secret item's name."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "集成电路制造基地专题"
    document.add_heading("全市经济运行情况", level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run("本报讯 ")
    paragraph.add_run(EXCERPT).bold = True
    paragraph.add_run(" 记者 王明").italic = True
    document.add_paragraph("全市经济运行总体平稳。", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "指标"
    table.rows[0].cells[1].text = "增长"
    document.core_properties.title = "集成电路制造基地新闻稿"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_submitted_docx_is_kept_encrypted(org):
    data = docx_manuscript()
    found = submit_manuscript(
        actor=org["people"]["insider"], title="稿件", kind="text", data=data, file_name="稿.docx"
    )
    assert found.kind == "docx" and found.has_original
    stored = (content.store_dir() / found.original_stored_as).read_bytes()
    assert stored != data and b"word/document.xml" not in stored
    assert found.read_original() == data
    recorded(
        "manuscript.submitted", found, actor=org["people"]["insider"], sha256=found.original_sha256
    )


def test_a_redacted_docx_keeps_its_layout_and_loses_the_cut_text(org, client):
    import docx

    found = submit_manuscript(
        actor=org["people"]["insider"],
        title="稿件",
        kind="text",
        data=docx_manuscript(),
        file_name="稿.docx",
    )
    decide_manuscript(
        actor=org["people"]["reviewer"],
        manuscript=found,
        verdict="redact",
        reasons="删去项目布局",
        redactions=cut_all(found),
    )
    client.force_login(org["people"]["insider"])  # the author takes the released file
    page = client.get(f"/review/{found.pk}/").content.decode()
    assert f"/review/{found.pk}/redacted.docx" in page
    answer = client.get(f"/review/{found.pk}/redacted.docx")
    assert answer.status_code == 200 and answer["Content-Type"].endswith("document")
    before = docx.Document(io.BytesIO(docx_manuscript()))
    after = docx.Document(io.BytesIO(answer.content))
    assert [p.style.name for p in after.paragraphs] == [p.style.name for p in before.paragraphs]
    runs = [[(r.bold, r.italic, len(r.text)) for r in p.runs] for p in after.paragraphs]
    assert runs == [[(r.bold, r.italic, len(r.text)) for r in p.runs] for p in before.paragraphs]
    bold = after.paragraphs[1].runs[1].text
    assert bold and set(bold) <= {"■"} | set(EXCERPT)  # the bold run is cut in place
    assert "■" in bold and after.paragraphs[2].text == "全市经济运行总体平稳。"
    assert after.tables[0].rows[0].cells[0].text == "指标"
    everything = b"".join(
        part.blob for part in after.part.package.iter_parts() if part.content_type.endswith("xml")
    ).decode("utf-8")
    assert "集成电路" not in everything  # nor in the header nor the document's properties
    assert "集成电路" not in (after.core_properties.title or "")
