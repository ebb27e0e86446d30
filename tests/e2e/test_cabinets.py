"""The clerk in the browser: opens the cabinets from the navigation, narrows them to the secure
ones, and follows a cabinet's count of copies to the register of what is in it. The
screenshots are saved with the test's output."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from baomi.demo import load_demo
from baomi.ledger.models import Cabinet

from .test_shell import sign_in


@pytest.fixture
def demo(committed_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SIGNING_KEY_FILE = tmp_path / "signing.pem"
    load_demo()


def test_the_clerk_finds_a_cabinet_and_what_is_in_it(page, demo, shot):
    sign_in(page, "yangxue")  # 杨雪, the confidential room's clerk
    # the cabinets are among the less used entries, under 更多
    page.click("#nav-more-toggle")
    page.click("nav >> text=文件柜")
    expect(page.locator("h2.page-title")).to_have_text("文件柜")
    rows = page.locator("table[data-list] tbody tr[data-pk]")
    expect(rows).to_have_count(Cabinet.objects.count())
    shot("clerk-cabinets")

    page.select_option("select[name=secure]", "1")
    page.click("form[data-list-filter] button[type=submit]")
    expect(page).to_have_url(re.compile(r"secure=1"))
    expect(rows).to_have_count(Cabinet.objects.filter(for_classified=True).count())
    first = Cabinet.objects.filter(for_classified=True).order_by("code").first()
    row = page.locator(f'tr[data-pk="{first.pk}"]')
    expect(row).to_contain_text("绝密")
    row.locator("a").last.click()
    expect(page).to_have_url(re.compile(rf"/ledger/\?cabinet={first.pk}"))
    expect(page.locator("select[name=cabinet]")).to_have_value(str(first.pk))
    shot("clerk-cabinet-register")
