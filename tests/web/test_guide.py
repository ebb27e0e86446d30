"""The user guide in docs/guide/: a chapter for each role, Chinese first with English, and every
picture in it taken by a browser test, so the guide cannot show a product that no longer exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
CHAPTERS = ("README", "clerk", "leader", "reader", "security", "administrators")


def pictures(text: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(img/([\w-]+)\.png\)", text)


def shots_taken() -> set[str]:
    names: set[str] = set()
    for test in (ROOT / "tests" / "e2e").glob("test_*.py"):
        text = test.read_text(encoding="utf-8")
        names |= set(re.findall(r"""shot\(\s*f?["']([\w-]+)["']""", text))
    return names


def test_there_is_a_chapter_for_each_role_in_both_languages():
    for name in CHAPTERS:
        text = (GUIDE / f"{name}.md").read_text(encoding="utf-8")
        chinese = len(re.findall(r"[\u4e00-\u9fff]", text))
        english = text.split("\n---\n", 1)
        assert chinese > 100, f"{name}.md has too little Chinese"
        assert len(english) == 2 and len(re.findall(r"[A-Za-z]+", english[1])) > 50, name
        # Chinese first: the English part comes after the rule
        assert len(re.findall(r"[\u4e00-\u9fff]", english[0])) > chinese / 2, name


def test_every_picture_exists_and_a_browser_test_takes_it():
    taken = shots_taken()
    shown = [p for name in CHAPTERS for p in pictures((GUIDE / f"{name}.md").read_text("utf-8"))]
    assert shown, "the guide shows the product"
    missing = [p for p in shown if not (GUIDE / "img" / f"{p}.png").is_file()]
    untested = [p for p in shown if p not in taken]
    assert not missing and not untested, (missing, untested)


def test_the_check_finds_a_picture_no_test_takes(tmp_path):
    assert pictures("见 ![工作台](img/clerk-workbench.png)。") == ["clerk-workbench"]
    assert "no-such-shot" not in shots_taken()
