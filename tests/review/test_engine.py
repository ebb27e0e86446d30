"""The manuscript scanner's engine: evasions, terms, excerpts, markings, the index on disk."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baomi.review.engine import (
    FingerprintIndex,
    Scanner,
    Shape,
    Term,
    TermMatcher,
    find_markings,
    fold_in_place,
    normalize,
)
from baomi.review.engine.fingerprints import fingerprints

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都"
    "两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
)
BOILERPLATE = "现将有关事项通知如下请各有关单位认真贯彻落实"


def chinese(seed: int, length: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(COMMON) for _ in range(length))


EVASIONS = {
    "spaces": "国 家 粮 食 储 备 计 划",
    "punctuation": "国、家。粮，食-储·备！计…划",
    "full_width": "国家粮食储备计划",  # the term itself; the Latin below is full-width
    "zero_width": "国\u200b家\u200c粮\u200d食\u2060储\ufeff备计划",
    "traditional": "國家糧食儲備計劃",
}


@pytest.mark.parametrize("evasion", sorted(EVASIONS))
def test_each_evasion_normalizes_to_the_plain_text(evasion):
    assert normalize(EVASIONS[evasion]).text == "国家粮食储备计划"


def test_full_width_latin_and_digits_fold_to_half_width_lower_case():
    assert normalize("ＡＢＣ－１２３ abc").text == "abc123abc"


def test_positions_map_back_to_the_text_as_written():
    text = "前言。国 家\u200b粮食"
    folded = normalize(text)
    start = folded.text.index("国家粮食")
    a, b = folded.source_span(start, start + 4)
    assert text[a:b] == "国 家\u200b粮食"


@pytest.mark.parametrize("evasion", sorted(EVASIONS))
def test_a_term_is_found_through_each_evasion_at_its_place_in_the_manuscript(evasion):
    matcher = TermMatcher([Term("国家粮食储备计划", "secret_item", 7), Term("粮食", "sensitive")])
    text = "开头文字" + EVASIONS[evasion] + "结尾"
    [hit] = matcher.find(normalize(text))
    assert [t.ref for t in hit.terms] == [7]  # the longest term wins, no overlap
    assert text[hit.source_start : hit.source_end] == EVASIONS[evasion]


def test_terms_match_latin_case_insensitively_and_never_inside_a_multibyte_character():
    matcher = TermMatcher([Term("GPS", "sensitive"), Term("项目", "sensitive")])
    hits = matcher.find(normalize("使用ｇｐｓ定位的项目"))
    assert [(h.source_start, h.source_end) for h in hits] == [(2, 5), (8, 10)]


def test_markings_are_read_in_every_form_and_through_evasions():
    text = (
        "机密★5年\n秘密★6个月\n绝密★长期\n机密★2027年6月30日\n机密★会议开始前\n"
        "機 密 ＊ 10 年\n密级：绝密\n份号：000123\n000045\n"
    )
    found = [(h.kind, h.text) for h in find_markings(text)]
    assert found == [
        ("marking", "机密★5年"),
        ("marking", "秘密★6个月"),
        ("marking", "绝密★长期"),
        ("marking", "机密★2027年6月30日"),
        ("marking", "机密★会议开始前"),
        ("marking", "機 密 ＊ 10 年"),
        ("level_label", "密级：绝密"),
        ("copy_number", "份号：000123"),
        ("copy_number", "000045"),
    ]
    assert len(fold_in_place(text)) == len(text)


def test_a_plain_text_has_no_marking():
    assert find_markings("秘密地开会不是密级标志，机密性也不是。编号 12345 不是份号。") == []


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), run=st.integers(9, 40), before=st.integers(0, 50))
def test_winnowing_finds_every_shared_run_of_w_plus_k_minus_1_characters(seed, run, before):
    shape = Shape()
    assert shape.guaranteed == 9
    shared = chinese(seed, run)
    first = normalize(chinese(seed + 1, before) + shared + chinese(seed + 2, 30)).codes
    second = normalize(chinese(seed + 3, 17) + shared).codes
    a, _ = fingerprints(first, shape)
    b, _ = fingerprints(second, shape)
    assert np.intersect1d(a, b).size > 0


def corpus(n: int, length: int = 400) -> dict[int, str]:
    docs = {}
    for d in range(1, n + 1):
        text = chinese(1000 + d, length)
        cut = length // 2
        docs[d] = text[:cut] + BOILERPLATE + text[cut:]  # every document shares the boilerplate
    return docs


def edit(text: str, rate: float, seed: int) -> str:
    """Change, insert or delete about `rate` of the characters."""
    rng = random.Random(seed)
    out = []
    for ch in text:
        if rng.random() < rate:
            kind = rng.choice("cid")
            if kind == "c":
                out.append(rng.choice(COMMON))
            elif kind == "i":
                out += [ch, rng.choice(COMMON)]
        else:
            out.append(ch)
    return "".join(out)


@pytest.fixture
def indexed(tmp_path):
    docs = corpus(20)
    index = FingerprintIndex.rebuild(tmp_path / "index", docs.items())
    return docs, index


@pytest.mark.parametrize("rate", [0.0, 0.05, 0.1])
def test_a_lightly_edited_excerpt_is_found_in_its_source(indexed, rate):
    docs, index = indexed
    excerpt = docs[7][40:140]
    text = chinese(5, 300) + edit(excerpt, rate, seed=3) + chinese(6, 300)
    result = Scanner(index=index).scan(text)
    assert [e.document for e in result.excerpts] == [7]
    [found] = result.excerpts
    assert found.start <= 300 + 10 and found.end >= len(text) - 300 - 10
    assert found.source_start <= 40 + 10 and found.source_end >= 140 - 10
    assert 0 < found.similarity <= 1


def test_boilerplate_shared_by_many_documents_is_not_a_finding(indexed):
    _, index = indexed
    text = chinese(8, 200) + BOILERPLATE + chinese(9, 200)
    assert Scanner(index=index).scan(text).excerpts == []


def findings(index, texts):
    scanner = Scanner(index=index)
    return [
        [(e.start, e.end, e.document, e.source_start, e.hits) for e in scanner.scan(t).excerpts]
        for t in texts
    ]


def test_an_index_grown_and_pruned_step_by_step_answers_like_a_rebuild(tmp_path):
    docs = corpus(30)
    grown = FingerprintIndex(tmp_path / "grown")
    items = list(docs.items())
    for start in range(0, 30, 4):  # many small segments, merged on the way
        grown.add(items[start : start + 4])
    grown.remove([3, 11, 12, 29])
    grown.add([(11, docs[11])])  # re-registered after removal
    live = {d: t for d, t in docs.items() if d not in (3, 12, 29)}
    rebuilt = FingerprintIndex.rebuild(tmp_path / "rebuilt", live.items())
    texts = [docs[d][50:150] + chinese(d, 100) for d in (3, 11, 12, 20, 29)] + [BOILERPLATE]
    expected = findings(rebuilt, texts)
    assert findings(grown, texts) == expected
    assert [len(f) for f in expected] == [0, 1, 0, 1, 0, 0]
    reopened = FingerprintIndex(tmp_path / "grown")  # from disk, memory-mapped
    assert findings(reopened, texts) == expected
    reopened.compact()
    assert findings(reopened, texts) == expected
    assert reopened.fingerprints == rebuilt.fingerprints


def test_the_index_stays_under_32_bytes_per_fingerprint(indexed):
    _, index = indexed
    assert index.nbytes / index.fingerprints < 32


def test_a_scan_reports_terms_excerpts_and_markings_together(indexed):
    docs, index = indexed
    scanner = Scanner(TermMatcher([Term("储备计划", "secret_item", 1)]), index)
    text = "机密★5年\n" + docs[2][10:90] + "国家储备计划的安排"
    result = scanner.scan(text)
    assert [t.terms[0].ref for t in result.terms] == [1]
    assert [e.document for e in result.excerpts] == [2]
    assert [m.kind for m in result.markings] == ["marking"]
    assert not result.clean and set(result.seconds) == {
        "normalize",
        "terms",
        "excerpts",
        "markings",
    }
