"""Chinese first, English complete: every message of the code has a Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

import baomi

LOCALE = Path(baomi.__file__).parent / "locale"


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of a .po file, plural forms included by their first form."""
    text = po.read_text(encoding="utf-8")
    out = []
    for block in text.split("\n\n"):
        ids = re.findall(r'^msgid ((?:".*"\n?)+)', block + "\n", re.M)
        strs = re.findall(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if not ids or not strs:
            continue
        join = lambda chunk: "".join(re.findall(r'"(.*)"', chunk))  # noqa: E731
        out.append((join(ids[0]), join(strs[0]), "#, fuzzy" in block))
    return [e for e in out if e[0]]  # the header has an empty msgid


def test_every_message_has_a_chinese_translation():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    rows = entries(po)
    assert len(rows) > 50
    missing = [msgid for msgid, msgstr, fuzzy in rows if not msgstr or fuzzy]
    assert not missing


def test_the_compiled_catalog_is_current():
    po = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client):
    chinese = client.get("/", follow=True).content.decode()
    assert "保密工作管理" in chinese and "<h1>登录</h1>" in chinese
    english = client.get("/", follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Confidentiality work management" in english and "<h1>Sign in</h1>" in english


def test_levels_and_rule_messages_are_translated():
    from baomi.core.levels import Level

    with translation.override("zh-hans"):
        assert str(Level.SECRET.label) == "机密"
    with translation.override("en"):
        assert str(Level.SECRET.label) == "secret"
