"""Pre-publication review in the browser: a staff member uploads a DOCX with a planted excerpt
and a secret term; another person, the reviewer, sees both highlighted with their sources, ticks
them, previews the cut, applies it with the verdict and downloads the redacted text and DOCX."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from baomi.demo import load_demo
from baomi.ledger.models import Cabinet, SecretItem
from baomi.ledger.services import attach_content, register_incoming
from baomi.people.models import Person
from baomi.review import scanning

from .test_circulation import sign_out
from .test_shell import sign_in

SOURCE = (
    "经研究，拟在高新区布局集成电路制造基地，首期投资规模为三百亿元，选址方案分为东区和西区两个"
    "备选地块，其中东区地块已完成地质勘察，西区地块尚需征求有关部门意见。"
)


@pytest.fixture
def registered(committed_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    settings.BAOMI_PROFILE = "classified"
    load_demo()
    clerk = Person.objects.get(username="yangxue")
    document = register_incoming(
        actor=clerk,
        title="关于重大项目布局的请示",
        issuer="市发展改革委",
        issued_on=dt.date(2026, 11, 2),
        copies=1,
        cabinet=Cabinet.objects.get(code="JYS-01"),
        marking="机密★10年",
    )
    attach_content(actor=clerk, document=document, name="qs.txt", data=SOURCE.encode())
    scanning.rebuild_index()
    SecretItem.objects.create(name="集成电路制造基地", level=3)
    return document


def docx(text: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_reviewer_cuts_an_excerpt_and_a_secret_term_and_downloads_the_redacted_text(
    page, registered, tmp_path, shot
):
    manuscript = tmp_path / "新闻稿.docx"
    manuscript.write_bytes(docx("本报讯 近日，" + SOURCE[5:70] + "\n全市经济运行总体平稳。"))
    sign_in(page, "sunli")  # 孙丽 submits; she may not review her own manuscript (PUB.REVIEW)
    page.goto("/review/")
    page.fill("input[name=title]", "全市经济运行情况新闻稿")
    page.fill("input[name=outlet]", "门户网站")
    page.set_input_files("input[name=file]", str(manuscript))
    page.click("form[enctype] button[type=submit]")
    expect(page.locator(".page-title")).to_contain_text("全市经济运行情况新闻稿")
    address = page.url
    sign_out(page)
    sign_in(page, "wuhui")  # 吴慧, security officer of 保密办
    page.goto(address)
    expect(page.locator("pre.manuscript mark.excerpt").first).to_be_visible()
    expect(page.locator("pre.manuscript mark.term").first).to_contain_text("集成电路")
    expect(page.locator(".finding.excerpt")).to_have_count(1)
    # the source lies outside her knowledge scope: named by its level and holders, not its title
    source = page.locator(".finding.excerpt .source")
    expect(source).to_contain_text("已登记的涉密文件（机密）")
    expect(source).not_to_contain_text("关于重大项目布局的请示")
    # no verdict is preselected while findings are open
    expect(page.locator("select[name=verdict]")).to_have_value("")

    for box in page.locator("input[name=cut]").all():
        box.check()
    page.select_option("select[name=verdict]", "redact")
    page.fill("textarea[name=reasons]", "删去涉及重大项目布局的内容")
    page.click("#preview")
    expect(page.locator("#preview-note")).to_be_visible()
    expect(page.locator("pre.manuscript")).not_to_contain_text("集成电路")
    shot("review-desk")
    page.click("#apply")
    expect(page.locator("main")).to_contain_text("删节后同意")

    with page.expect_download() as download:
        page.click("#redacted")
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("本报讯") and "全市经济运行总体平稳" in text
    assert "集成电路" not in text and "■" in text

    with page.expect_download() as download:
        page.click("#redacted-docx")
    import docx as python_docx

    redacted = python_docx.Document(str(download.value.path()))
    body = "\n".join(p.text for p in redacted.paragraphs)
    assert body.startswith("本报讯") and "集成电路" not in body and "■" in body
