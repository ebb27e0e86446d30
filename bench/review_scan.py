"""The review scanner's engine on a synthetic Chinese corpus: excerpt recall and precision,
wrong-source findings, index size and speed, term matching, next to datasketch's MinHash LSH,
plain substring search and Hyperscan.

    python -m bench.review_scan --json out.json [--documents 20000] [--length 3000] ...
(plain Python, no Django; the process is pinned to one core).

The corpus. A vocabulary of a few thousand words of 1-4 characters drawn from about 450 common
Chinese characters (themselves drawn with skewed frequencies), used with a Zipf-Mandelbrot
frequency (p ∝ 1 / (rank + 2.7)); the highest ranks are one-character function words. Text is
words with commas and full stops between them. A stock of official-document boilerplate
phrases ("现将有关事项通知如下", "各有关单位", "请认真贯彻落实", "特此通知", ...), some much more
popular than others, is put between sentences of most documents, and many documents open with
"各有关单位：" and close with "特此通知。". Everything is seeded: the same flags give the same
corpus, manuscripts and terms.

The manuscripts. Filler from the same generator with another seed (boilerplate included), with
excerpts planted at random places: each excerpt is a random span of the normalized text of a
random corpus document, of 20, 50, 100 or 200 characters, with 0 %, 5 % or 10 % of its
characters edited (round(rate × length) edits at distinct places, each a substitution, an
insertion or a deletion). Each plant records its source document and normalized source span.
A plant is recalled when a finding names its source document and the finding's source span
covers at least half of the planted source span; a finding is correct when it overlaps a plant
in the manuscript and names that plant's source document (precision = correct / all findings,
stray findings included). Wrong-source findings are also counted on manuscripts of filler
alone and of boilerplate phrases alone, where every finding is wrong.

Baomi: `FingerprintIndex.rebuild` of the whole corpus into a temporary folder, and
`Scanner(index=...)` over each manuscript (normalization, excerpts and markings; no terms).
The full review: a 100,000-character manuscript through a Scanner with a TermMatcher of 50,000
terms and the index, all four steps.

The baselines, over a subset of the corpus (their cost grows with it), with their own set of
manuscripts whose excerpts are planted from the substring subset (which the MinHash subset
contains), so that Baomi (still against the whole corpus), MinHash and substring search are
scored on the very same manuscripts:
- datasketch MinHashLSH over sliding windows of the normalized text: windows of 40
  characters every 5 characters, each the set of its k-character shingles (the engine's
  k-gram hashes, cut to 32 bits), 64 permutations, LSH threshold 0.25; a candidate is kept
  when its estimated Jaccard similarity reaches the threshold too. Manuscript windows are cut
  the same way and matching windows of one document at a steady offset are merged into one
  finding. These settings had the best recall of excerpts of 50 characters or more at a
  precision of 99 % or better in a trial on 200 documents (windows of 25, 30 and 40
  characters, thresholds 0.2, 0.25 and 0.3, 64 and 128 permutations; a threshold of 0.2 let
  hundreds of chance windows through, 0.3 lost edited excerpts). The LSH's candidates grow
  with the corpus, so its speed on the subset is an upper bound of its speed on the whole
  corpus (no scaling applied).
- plain substring search: every 16-character window of the normalized manuscript, every 4
  characters, looked up with `str.find` in the concatenated normalized texts of
  the subset; a window found is a hit in the document holding it, merged as above. Its time
  grows linearly with the text searched, so its throughput is also given scaled to the whole
  corpus (measured × subset characters / corpus characters). Recall is never scaled.

Term matching: 50,000 generated terms of 2-8 characters (most built from vocabulary words,
some random characters) over about 3 MB of normalized corpus text in UTF-8: Baomi's matcher
(`TermMatcher.find_bytes`, leftmost-longest) next to Hyperscan with the same terms as pure
literals (`HS_FLAG_SOM_LEFTMOST`, block mode; Hyperscan reports every match, overlapping ones
included, through a Python callback).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from baomi.review.engine import (
    MAX_DOCUMENTS,
    FingerprintIndex,
    Grouping,
    Normalized,
    Scanner,
    Shape,
    Term,
    TermMatcher,
    normalize,
)
from baomi.review.engine.fingerprints import gram_hashes

GOALS = {
    "recall_light": 0.99,  # excerpts ≥ 50 characters, ≤ 5 % edits
    "recall_heavy": 0.95,  # excerpts ≥ 50 characters, 10 % edits
    "boilerplate_wrong": 0,
    "speedup_vs_minhash": 10.0,
    "full_review_ms": 100.0,
    "terms_vs_hyperscan": 3.0,
    "bytes_per_fingerprint": 32.0,
}
LENGTHS = (20, 50, 100, 200)
RATES = (0.0, 0.05, 0.10)

# the generator
COMMON = "".join(
    dict.fromkeys(
        "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过"
        "家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本"
        "见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己"
        "话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平"
        "真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报"
        "立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务"
        "制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科"
        "怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运"
        "武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸"
        "钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似"
        "斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切团根低"
    )
)
FUNCTION_WORDS = "的了在是和有也就都而及与着或之于被把对为以从向"
BOILERPLATE = (
    "现将有关事项通知如下",
    "各有关单位",
    "请认真贯彻落实",
    "特此通知",
    "为进一步加强",
    "根据上级有关文件精神",
    "经研究决定",
    "请各单位结合实际",
    "认真组织实施",
    "确保各项工作落到实处",
    "高度重视",
    "切实加强组织领导",
    "严格落实保密责任",
    "现印发给你们",
    "请遵照执行",
    "以上意见如无不妥",
    "请批转各地执行",
    "妥否请批示",
    "特此报告",
    "如有问题请及时反馈",
    "抄送有关部门",
    "各级党委和政府",
    "进一步提高思想认识",
    "切实增强责任感和紧迫感",
    "加强督促检查",
    "狠抓工作落实",
    "按照有关要求",
    "请于规定时间前及时报送",
    "结合本地区本部门实际",
    "认真抓好贯彻落实",
    "为做好有关工作",
    "经党组研究同意",
    "现就有关事项通知如下",
    "特此函告",
    "请予支持为盼",
    "此复",
    "联系人及联系电话",
    "附件如下",
    "各地区各部门要",
    "不断提高工作水平",
)
OPENING = "各有关单位："
CLOSING = "特此通知。"


@dataclass(frozen=True)
class Config:
    documents: int = 20_000
    length: int = 3_000
    plants: int = 200  # per excerpt length × edit rate
    per_manuscript: int = 10
    filler_manuscripts: int = 100
    boilerplate_manuscripts: int = 100
    minhash_documents: int = 1_000
    substring_documents: int = 200
    window: int = 40
    stride: int = 5
    threshold: float = 0.25
    num_perm: int = 64
    substring: int = 16
    substring_stride: int = 4
    terms: int = 50_000
    term_mb: float = 3.0
    full_length: int = 100_000
    seed: int = 20_240_601


# ------------------------------------------------------------------------------- generator


class Generator:
    """Chinese-looking text: Zipf-distributed words, punctuation and official boilerplate."""

    def __init__(self, seed: int, vocabulary: int = 5_000) -> None:
        rng = np.random.default_rng(seed)
        chars = np.array(list(COMMON))
        char_p = _zipf(len(chars), 0.7)
        words: dict[str, None] = dict.fromkeys(FUNCTION_WORDS)
        while len(words) < vocabulary:
            size = int(rng.choice([1, 2, 3, 4], p=[0.06, 0.62, 0.20, 0.12]))
            words.setdefault("".join(rng.choice(chars, size=size, p=char_p)))
        self.chars = chars
        self.char_p = char_p
        self.vocabulary = list(words)
        # tokens: the words, then the comma and the full stop, then the boilerplate phrases
        self.comma = len(self.vocabulary)
        self.stop = self.comma + 1
        self.phrase0 = self.stop + 1
        self.tokens = np.array([*self.vocabulary, "，", "。", *(p + "，" for p in BOILERPLATE)])
        self.word_cdf = np.cumsum(_zipf(len(self.vocabulary), 1.0, 2.7))
        self.phrase_cdf = np.cumsum(_zipf(len(BOILERPLATE), 0.8))
        self.word_len = np.array([len(w) for w in self.vocabulary])
        self.mean_len = float((np.diff(np.r_[0, self.word_cdf]) * self.word_len).sum())

    def document(self, rng: np.random.Generator, length: int, boilerplate: float = 0.9) -> str:
        """About `length` characters of words (punctuation and boilerplate come on top)."""
        n = int(length / self.mean_len * 1.2) + 20
        words = np.searchsorted(self.word_cdf, rng.random(n) * self.word_cdf[-1])
        words = words[: int(np.searchsorted(np.cumsum(self.word_len[words]), length)) + 1]
        marks = np.where(rng.random(len(words)) < 0.09, self.comma, -1)
        marks[rng.random(len(words)) < 0.04] = self.stop
        stream = np.stack([words, marks], axis=1).ravel()
        stream = stream[stream >= 0]
        if rng.random() >= boilerplate:
            return "".join(self.tokens[stream].tolist())
        return self._with_boilerplate(rng, stream)

    def _with_boilerplate(self, rng: np.random.Generator, stream: npt.NDArray[np.int64]) -> str:
        """Two to eight phrases between sentences; an opening and a closing now and then."""
        stops = np.flatnonzero(stream == self.stop) + 1
        count = min(int(rng.integers(2, 9)), len(stops))
        at = np.sort(rng.choice(stops, size=count, replace=False))
        chosen = np.searchsorted(self.phrase_cdf, rng.random(count) * self.phrase_cdf[-1])
        stream = np.insert(stream, at, chosen + self.phrase0)
        opening = OPENING if rng.random() < 0.5 else ""
        closing = CLOSING if rng.random() < 0.4 else ""
        return opening + "".join(self.tokens[stream].tolist()) + closing

    def characters(self, rng: np.random.Generator, n: int) -> str:
        """n characters drawn with the corpus's character frequencies."""
        return "".join(rng.choice(self.chars, size=n, p=self.char_p).tolist())


def _zipf(n: int, s: float, q: float = 1.0) -> npt.NDArray[np.float64]:
    p = 1.0 / (np.arange(n) + q) ** s
    return p / p.sum()


def make_corpus(gen: Generator, cfg: Config) -> list[str]:
    """The registered documents, id i + 1 for text i."""
    rng = np.random.default_rng([cfg.seed, 1])
    return [gen.document(rng, cfg.length) for _ in range(cfg.documents)]


# ------------------------------------------------------------------------------ manuscripts


@dataclass(frozen=True, slots=True)
class Plant:
    """An excerpt planted in a manuscript: its span there (input positions) and its source
    document's normalized span."""

    start: int
    end: int
    document: int
    source_start: int
    source_end: int
    length: int
    rate: float


@dataclass(frozen=True, slots=True)
class Manuscript:
    text: str
    plants: tuple[Plant, ...] = ()


@dataclass(frozen=True, slots=True)
class Found:
    """A finding in any engine's terms: manuscript span (input positions), source document
    and source span (normalized positions of the source)."""

    start: int
    end: int
    document: int
    source_start: int
    source_end: int


def edit(text: str, rate: float, rng: np.random.Generator, gen: Generator) -> str:
    """`text` with round(rate × len) edits at distinct places: substitutions, insertions and
    deletions in equal shares."""
    count = int(rate * len(text) + 0.5)
    chars = list(text)
    for at in sorted(rng.choice(len(chars), size=count, replace=False).tolist(), reverse=True):
        kind = int(rng.integers(3))
        new = gen.characters(rng, 1)
        while kind == 0 and new == chars[at]:
            new = gen.characters(rng, 1)
        if kind == 0:
            chars[at] = new
        elif kind == 1:
            chars.insert(at, new)
        else:
            del chars[at]
    return "".join(chars)


def plant_manuscripts(
    gen: Generator,
    sources: Callable[[int], Normalized],
    pool: int,
    cfg: Config,
    seed: int,
) -> list[Manuscript]:
    """Manuscripts of filler with `cfg.plants` excerpts per length × rate, taken from the
    documents 1..pool, `cfg.per_manuscript` to a manuscript, the cells shuffled together."""
    rng = np.random.default_rng([cfg.seed, seed])
    cells = [(n, r) for n in LENGTHS for r in RATES for _ in range(cfg.plants)]
    order = rng.permutation(len(cells))
    manuscripts = []
    for first in range(0, len(order), cfg.per_manuscript):
        chosen = [cells[i] for i in order[first : first + cfg.per_manuscript]]
        manuscripts.append(_one_manuscript(gen, sources, pool, chosen, rng))
    return manuscripts


def _one_manuscript(
    gen: Generator,
    sources: Callable[[int], Normalized],
    pool: int,
    chosen: Sequence[tuple[int, float]],
    rng: np.random.Generator,
) -> Manuscript:
    filler = gen.document(rng, 300 * (len(chosen) + 1))
    cuts = np.linspace(0, len(filler), len(chosen) + 2)[1:-1]
    cuts = np.sort(cuts + rng.uniform(-60, 60, len(cuts))).astype(int)
    parts, plants, at, previous = [], [], 0, 0
    for (length, rate), cut in zip(chosen, cuts, strict=True):
        parts.append(filler[previous:cut])
        at += cut - previous
        previous = int(cut)
        document = int(rng.integers(1, pool + 1))
        source = sources(document).text
        start = int(rng.integers(0, len(source) - length + 1))
        text = edit(source[start : start + length], rate, rng, gen)
        plants.append(Plant(at, at + len(text), document, start, start + length, length, rate))
        parts.append(text)
        at += len(text)
    parts.append(filler[previous:])
    return Manuscript("".join(parts), tuple(plants))


def filler_manuscripts(gen: Generator, cfg: Config) -> list[Manuscript]:
    """Filler alone (boilerplate included, as in the corpus): any finding is wrong."""
    rng = np.random.default_rng([cfg.seed, 3])
    return [Manuscript(gen.document(rng, 3_000)) for _ in range(cfg.filler_manuscripts)]


def boilerplate_manuscripts(cfg: Config) -> list[Manuscript]:
    """Boilerplate phrases alone, in random order with punctuation: any finding is wrong."""
    rng = np.random.default_rng([cfg.seed, 4])
    out = []
    for _ in range(cfg.boilerplate_manuscripts):
        phrases = rng.choice(len(BOILERPLATE), size=60)
        marks = rng.choice(["，", "。", "；", "："], size=60)
        text = "".join(BOILERPLATE[p] + m for p, m in zip(phrases, marks, strict=True))
        out.append(Manuscript(OPENING + text + CLOSING))
    return out


# ---------------------------------------------------------------------------------- scoring


def _overlap(a: int, b: int, c: int, d: int) -> int:
    return max(0, min(b, d) - max(a, c))


def score(manuscripts: Sequence[Manuscript], found: Sequence[Sequence[Found]]) -> dict[str, Any]:
    """Recall and precision per excerpt length × edit rate, and overall; `detected` counts the
    plants a finding merely touches (right document, overlapping spans)."""
    plants: Counter[tuple[int, float]] = Counter()
    recalled: Counter[tuple[int, float]] = Counter()
    detected: Counter[tuple[int, float]] = Counter()
    findings: Counter[tuple[int, float]] = Counter()
    correct: Counter[tuple[int, float]] = Counter()
    stray = 0
    for m, fs in zip(manuscripts, found, strict=True):
        for p in m.plants:
            cell = (p.length, p.rate)
            plants[cell] += 1
            recalled[cell] += any(_recalls(f, p) for f in fs)
            detected[cell] += any(_detects(f, p) for f in fs)
        for f in fs:
            near = [p for p in m.plants if _overlap(f.start, f.end, p.start, p.end)]
            if not near:
                stray += 1
                continue
            right = [p for p in near if p.document == f.document]
            cell = ((right or near)[0].length, (right or near)[0].rate)
            findings[cell] += 1
            correct[cell] += bool(right)
    cells = {
        f"{n}/{r:.2f}": {
            "length": n,
            "rate": r,
            "plants": plants[(n, r)],
            "recalled": recalled[(n, r)],
            "recall": recalled[(n, r)] / max(plants[(n, r)], 1),
            "detected": detected[(n, r)],
            "findings": findings[(n, r)],
            "correct": correct[(n, r)],
            "precision": correct[(n, r)] / findings[(n, r)] if findings[(n, r)] else None,
        }
        for n in LENGTHS
        for r in RATES
    }
    total = sum(findings.values()) + stray
    return {
        "cells": cells,
        "findings": total,
        "stray": stray,
        "precision": sum(correct.values()) / total if total else None,
    }


def _detects(f: Found, p: Plant) -> bool:
    """Weaker than recall: the finding names the source and touches the plant on both sides."""
    return (
        f.document == p.document
        and _overlap(f.start, f.end, p.start, p.end) > 0
        and _overlap(f.source_start, f.source_end, p.source_start, p.source_end) > 0
    )


def _recalls(f: Found, p: Plant) -> bool:
    covered = _overlap(f.source_start, f.source_end, p.source_start, p.source_end)
    return f.document == p.document and covered * 2 >= p.source_end - p.source_start


def recall_where(scored: dict[str, Any], lengths: Iterable[int], rates: Iterable[float]) -> float:
    """Recall pooled over the cells of the given lengths and rates."""
    keys = [f"{n}/{r:.2f}" for n in lengths for r in rates]
    cells = [scored["cells"][k] for k in keys]
    return sum(c["recalled"] for c in cells) / max(sum(c["plants"] for c in cells), 1)


# -------------------------------------------------------------------------------- baomi


@dataclass
class Timed:
    found: list[list[Found]]
    seconds: float
    characters: int
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.characters / self.seconds if self.seconds else 0.0


def build_index(folder: Path, corpus: Sequence[str]) -> tuple[FingerprintIndex, float]:
    started = time.perf_counter()
    index = FingerprintIndex.rebuild(folder, ((i + 1, t) for i, t in enumerate(corpus)), Shape())
    return index, time.perf_counter() - started


def baomi_scan(scanner: Scanner, manuscripts: Sequence[Manuscript]) -> Timed:
    steps: Counter[str] = Counter()
    found = []
    started = time.perf_counter()
    for m in manuscripts:
        result = scanner.scan(m.text)
        steps.update(result.seconds)
        found.append(
            [
                Found(e.start, e.end, e.document, e.source_start, e.source_end)
                for e in result.excerpts
            ]
        )
    seconds = time.perf_counter() - started
    return Timed(found, seconds, sum(len(m.text) for m in manuscripts), dict(steps))


def diagnose_misses(
    index: FingerprintIndex,
    manuscripts: Sequence[Manuscript],
    timed: Timed,
    grouping: Grouping,
) -> dict[str, Any]:
    """Why each missed plant of 50 characters or more was missed: the grams it shares with its
    source document (fingerprints of the source inside the planted span), those left after the
    boilerplate cut (held by more than MAX_DOCUMENTS documents), and whether they would have
    made a group of min_hits."""
    k = index.shape.k
    reasons: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    for m, fs in zip(manuscripts, timed.found, strict=True):
        missed = [p for p in m.plants if p.length >= 50 and not any(_recalls(f, p) for f in fs)]
        if not missed:
            continue
        norm = normalize(m.text)
        every = index.hits(norm.codes, 1 << 30)
        kept = index.hits(norm.codes, MAX_DOCUMENTS)
        for p in missed:
            a, b = np.searchsorted(norm.origin, [p.start, p.end])
            shared = _in_plant(every, p, a, b, k)
            left = _in_plant(kept, p, a, b, k)
            if any(_detects(f, p) for f in fs):
                reason = "found, but covering less than half of the planted span"
            elif shared == 0:
                reason = "no shared fingerprint"
            elif left == 0:
                reason = "all shared fingerprints are boilerplate"
            elif left < grouping.min_hits:
                reason = "fewer than min_hits after the boilerplate cut"
            else:
                reason = "enough hits, not grouped (drift, gap, or shadowed by another)"
            reasons[reason] += 1
            if len(examples) < 20:
                examples.append(
                    {
                        "length": p.length,
                        "rate": p.rate,
                        "shared": shared,
                        "after_boilerplate_cut": left,
                        "reason": reason,
                    }
                )
    return {"reasons": dict(reasons), "examples": examples}


def _in_plant(hits: Any, p: Plant, a: int, b: int, k: int) -> int:
    """Distinct manuscript grams inside the plant hitting its source inside its source span."""
    mine = (
        (hits.document == p.document)
        & (hits.at >= a)
        & (hits.at + k <= b)
        & (hits.source_at >= p.source_start - k)
        & (hits.source_at < p.source_end)
    )
    return len(np.unique(hits.at[mine]))


def index_on_disk(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


# ------------------------------------------------------------------------------- baselines


def merge_hits(
    hits: list[tuple[int, int, int]], width: int, norm: Normalized, drift: int
) -> list[Found]:
    """Window hits (manuscript start, document, source start), each `width` characters long,
    grouped as the engine groups gram hits: per document, offsets (source − manuscript) at
    most `drift` apart, then split where the manuscript windows stop touching."""
    by_doc: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for at, doc, source in hits:
        by_doc[doc].append((source - at, at))
    out: list[Found] = []
    for doc, pairs in by_doc.items():
        pairs.sort()
        band = [pairs[0]]
        for pair in pairs[1:]:
            if pair[0] - band[-1][0] > drift:
                out += _touching(band, doc, width, norm)
                band = []
            band.append(pair)
        out += _touching(band, doc, width, norm)
    return out


def _touching(band: list[tuple[int, int]], doc: int, width: int, norm: Normalized) -> list[Found]:
    """The runs of touching windows among one band's (offset, manuscript start) pairs."""
    band = sorted(band, key=lambda p: p[1])
    runs, run = [], [band[0]]
    for pair in band[1:]:
        if pair[1] - run[-1][1] > width:
            runs.append(run)
            run = []
        run.append(pair)
    runs.append(run)
    out = []
    for run in runs:
        start, end = run[0][1], min(run[-1][1] + width, len(norm))
        sources = [offset + at for offset, at in run]
        out.append(Found(*norm.source_span(start, end), doc, min(sources), max(sources) + width))
    return out


def window_starts(n: int, width: int, stride: int) -> list[int]:
    """Starts of the windows of `width` every `stride` characters, the last one flush with
    the end."""
    if n <= width:
        return [0] if n else []
    starts = list(range(0, n - width + 1, stride))
    if starts[-1] != n - width:
        starts.append(n - width)
    return starts


class MinHashBaseline:
    """datasketch MinHashLSH over sliding windows of k-character shingles."""

    def __init__(self, cfg: Config, k: int) -> None:
        from datasketch import MinHash, MinHashLSH

        self.cfg = cfg
        self.k = k
        self._minhash = MinHash
        self.permutations = MinHash(num_perm=cfg.num_perm, seed=1).permutations
        self.lsh = MinHashLSH(threshold=cfg.threshold, num_perm=cfg.num_perm)
        self.signatures: dict[int, npt.NDArray[Any]] = {}
        self.windows = 0

    def _signatures(self, codes: npt.NDArray[np.uint32]) -> list[tuple[int, Any]]:
        grams = (gram_hashes(codes, self.k) & np.uint64(0xFFFFFFFF)).astype(np.int64)
        shingles = self.cfg.window - self.k + 1
        out = []
        for start in window_starts(len(codes), self.cfg.window, self.cfg.stride):
            m = self._minhash(
                num_perm=self.cfg.num_perm,
                hashfunc=_identity,
                permutations=self.permutations,
                scheme="affine32",
            )
            m.update_batch(grams[start : start + shingles].tolist())
            out.append((start, m))
        return out

    def add(self, document: int, text: str) -> None:
        for start, m in self._signatures(normalize(text).codes):
            key = document * 1_000_000 + start
            self.lsh.insert(key, m, check_duplication=False)
            self.signatures[key] = m.hashvalues
            self.windows += 1

    def scan(self, text: str) -> list[Found]:
        norm = normalize(text)
        hits = []
        for start, m in self._signatures(norm.codes):
            for key in self.lsh.query(m):
                if np.mean(self.signatures[key] == m.hashvalues) >= self.cfg.threshold:
                    hits.append((start, key // 1_000_000, key % 1_000_000))
        return merge_hits(hits, self.cfg.window, norm, Grouping().drift)


def _identity(value: int) -> int:
    return value


class SubstringBaseline:
    """Every window of the manuscript looked up with str.find in the concatenated texts."""

    def __init__(self, cfg: Config, texts: Sequence[str]) -> None:
        self.cfg = cfg
        normalized = [normalize(t).text for t in texts]
        self.starts = np.cumsum([0] + [len(t) + 1 for t in normalized[:-1]])
        self.haystack = "\0".join(normalized)

    def scan(self, text: str) -> list[Found]:
        norm = normalize(text)
        width = self.cfg.substring
        hits = []
        for start in window_starts(len(norm), width, self.cfg.substring_stride):
            at = self.haystack.find(norm.text[start : start + width])
            if at >= 0:
                doc = int(np.searchsorted(self.starts, at, side="right")) - 1
                hits.append((start, doc + 1, at - int(self.starts[doc])))
        return merge_hits(hits, width, norm, Grouping().drift)


def timed_scan(scan: Callable[[str], list[Found]], manuscripts: Sequence[Manuscript]) -> Timed:
    started = time.perf_counter()
    found = [scan(m.text) for m in manuscripts]
    seconds = time.perf_counter() - started
    return Timed(found, seconds, sum(len(m.text) for m in manuscripts))


# ----------------------------------------------------------------------------------- terms


def make_terms(gen: Generator, cfg: Config) -> list[str]:
    """`cfg.terms` distinct terms of 2-8 characters, like the names of projects, items and
    places in a secret-item catalog: one in two hundred a single vocabulary word past the
    commonest thousand, the rest two or more such words run together and cut to length."""
    rng = np.random.default_rng([cfg.seed, 5])
    words = gen.vocabulary[1_000:]
    sizes = [2, 3, 4, 5, 6, 7, 8]
    weights = [0.005, 0.045, 0.2, 0.2, 0.2, 0.175, 0.175]
    terms: dict[str, None] = {}
    while len(terms) < cfg.terms:
        size = int(rng.choice(sizes, p=weights))
        first = words[int(rng.integers(len(words)))]
        if rng.random() < 0.005:
            if len(first) >= 2:
                terms.setdefault(first)
            continue
        if len(first) >= size:
            continue  # the term must run past its first word
        text = first
        while len(text) < size:
            text += words[int(rng.integers(len(words)))]
        terms.setdefault(text[:size])
    return list(terms)


def term_haystack(corpus: Sequence[str], megabytes: float) -> bytes:
    """Normalized corpus text, whole documents, up to `megabytes` of UTF-8."""
    parts, size = [], 0
    for text in corpus:
        data = normalize(text).text.encode()
        parts.append(data)
        size += len(data)
        if size >= megabytes * 1e6:
            break
    return b"".join(parts)


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `runs` calls and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def term_bench(terms: Sequence[str], haystack: bytes) -> dict[str, Any]:
    import hyperscan

    started = time.perf_counter()
    matcher = TermMatcher(Term(t, "bench", i) for i, t in enumerate(terms))
    baomi_build = time.perf_counter() - started
    patterns = [p.encode() for p in matcher.patterns]
    started = time.perf_counter()
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=patterns,
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=hyperscan.HS_FLAG_SOM_LEFTMOST,
        literal=True,
    )
    hs_build = time.perf_counter() - started
    scratch = hyperscan.Scratch(db)

    def hs_scan() -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []

        def on_match(id_: int, start: int, end: int, flags: int, context: Any) -> None:
            found.append((id_, start, end))

        db.scan(haystack, match_event_handler=on_match, scratch=scratch)
        return found

    # turn about, so that a busy moment of the machine hits both alike; the best of each
    baomi_s = hs_s = float("inf")
    baomi_found: list[tuple[int, int, int]] = []
    hs_found: list[tuple[int, int, int]] = []
    for _ in range(7):
        seconds, baomi_found = best_of(1, lambda: matcher.find_bytes(haystack))
        baomi_s = min(baomi_s, seconds)
        seconds, hs_found = best_of(1, hs_scan)
        hs_s = min(hs_s, seconds)
    mb = len(haystack) / 1e6
    return {
        "terms": len(terms),
        "patterns": len(patterns),
        "haystack_mb": mb,
        "baomi_build_s": baomi_build,
        "baomi_s": baomi_s,
        "baomi_mb_per_s": mb / baomi_s,
        "baomi_matches": len(baomi_found),
        "hyperscan_compile_s": hs_build,
        "hyperscan_s": hs_s,
        "hyperscan_mb_per_s": mb / hs_s,
        "hyperscan_matches": len(hs_found),
        "ratio": baomi_s / hs_s,
    }


# ---------------------------------------------------------------------------- full review


def full_review(
    gen: Generator,
    corpus: Sequence[str],
    index: FingerprintIndex,
    terms: Sequence[str],
    cfg: Config,
) -> dict[str, Any]:
    """A manuscript of `cfg.full_length` characters through all four steps: 20 excerpts of
    100 characters, 20 terms and 3 markings in filler."""
    rng = np.random.default_rng([cfg.seed, 6])
    matcher = TermMatcher(Term(t, "bench", i) for i, t in enumerate(terms))
    scanner = Scanner(matcher, index)
    inserts = [corpus[int(rng.integers(len(corpus)))][1000:1100] for _ in range(20)]
    inserts += [terms[int(rng.integers(len(terms)))] for _ in range(20)]
    inserts += ["\n机密★5年\n", "密级：秘密", "份号：000123"]
    room = cfg.full_length - sum(len(i) for i in inserts)
    text = gen.document(rng, cfg.full_length)[:room]
    cuts = np.sort(rng.integers(0, len(text), len(inserts)))
    pieces, previous = [], 0
    for cut, insert in zip(cuts.tolist(), inserts, strict=True):
        pieces += [text[previous:cut], insert]
        previous = cut
    manuscript = "".join(pieces) + text[previous:]
    first = scanner.scan(manuscript)
    runs = [scanner.scan(manuscript) for _ in range(7)]
    totals = [sum(r.seconds.values()) for r in runs]
    median = runs[totals.index(sorted(totals)[len(totals) // 2])]
    return {
        "characters": len(manuscript),
        "term_count": len(matcher),
        "first_ms": sum(first.seconds.values()) * 1e3,
        "median_ms": statistics.median(totals) * 1e3,
        "steps_ms": {k: v * 1e3 for k, v in median.seconds.items()},
        "terms_found": len(median.terms),
        "excerpts_found": len(median.excerpts),
        "markings_found": len(median.markings),
    }


# ------------------------------------------------------------------------------------ main


def one_core() -> int | None:
    """Pin the process to one core (the last one it may use)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def log(message: str, since: float) -> None:
    print(f"[{time.perf_counter() - since:7.1f} s] {message}", flush=True)


def run(cfg: Config) -> dict[str, Any]:
    clock = time.perf_counter()
    core = one_core()
    gen = Generator(cfg.seed)
    started = time.perf_counter()
    corpus = make_corpus(gen, cfg)
    generation_s = time.perf_counter() - started
    corpus_chars = sum(len(t) for t in corpus)
    normalized = sum(len(normalize(t)) for t in corpus)
    log(f"corpus: {len(corpus):,} documents, {corpus_chars:,} characters", clock)

    cache: dict[int, Normalized] = {}

    def source(document: int) -> Normalized:
        if document not in cache:
            cache[document] = normalize(corpus[document - 1])
        return cache[document]

    planted = plant_manuscripts(gen, source, len(corpus), cfg, seed=2)
    pool = min(cfg.substring_documents, len(corpus))
    shared = plant_manuscripts(gen, source, pool, cfg, seed=7)
    filler = filler_manuscripts(gen, cfg)
    boiler = boilerplate_manuscripts(cfg)
    log(f"manuscripts: {len(planted)} + {len(shared)} planted, {len(filler)} filler", clock)

    folder = Path(tempfile.mkdtemp(prefix="baomi-review-bench-"))
    try:
        result = measure(
            cfg, gen, corpus, normalized, planted, shared, filler, boiler, folder, clock
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["corpus"] = {
        "documents": len(corpus),
        "characters": corpus_chars,
        "normalized_characters": normalized,
        "generation_s": generation_s,
        "vocabulary": len(gen.vocabulary),
        "boilerplate_phrases": len(BOILERPLATE),
        "manuscripts": len(planted),
        "manuscript_characters": sum(len(m.text) for m in planted),
    }
    result["config"] = asdict(cfg)
    result["core"] = core
    result["goals"] = GOALS
    result["total_s"] = time.perf_counter() - clock
    return result


def measure(
    cfg: Config,
    gen: Generator,
    corpus: Sequence[str],
    normalized: int,
    planted: Sequence[Manuscript],
    shared: Sequence[Manuscript],
    filler: Sequence[Manuscript],
    boiler: Sequence[Manuscript],
    folder: Path,
    clock: float,
) -> dict[str, Any]:
    index, build_s = build_index(folder / "index", corpus)
    log(f"index: {index.fingerprints:,} fingerprints in {build_s:.1f} s", clock)
    grouping = Grouping()
    scanner = Scanner(index=index, grouping=grouping)
    baomi_scan(scanner, planted)  # warm-up: every page of the index it reads is mapped in
    main = baomi_scan(scanner, planted)
    baomi: dict[str, Any] = {
        "index": {
            "build_s": build_s,
            "fingerprints": index.fingerprints,
            "nbytes": index.nbytes,
            "disk_bytes": index_on_disk(folder / "index"),
            "bytes_per_fingerprint": index.nbytes / index.fingerprints,
            "shape": [index.shape.k, index.shape.w],
        },
        "max_documents": MAX_DOCUMENTS,
        "grouping": asdict(grouping),
        "scan": _throughput(main),
        "score": score(planted, main.found),
        "misses": diagnose_misses(index, planted, main, grouping),
        "filler_wrong": _count(baomi_scan(scanner, filler)),
        "boilerplate_wrong": _count(baomi_scan(scanner, boiler)),
    }
    log(f"baomi: {main.per_second:,.0f} characters/s", clock)
    same = baomi_scan(scanner, shared)
    terms = make_terms(gen, cfg)
    baomi["full_review"] = full_review(gen, corpus, index, terms, cfg)
    log(f"full review: {baomi['full_review']['median_ms']:.1f} ms", clock)
    term_result = term_bench(terms, term_haystack(corpus, cfg.term_mb))
    log(f"terms: ratio {term_result['ratio']:.2f}", clock)
    baselines = compare(cfg, corpus, normalized, (shared, filler, boiler), same, clock)
    return {"baomi": baomi, "terms": term_result, "baselines": baselines}


def _throughput(t: Timed) -> dict[str, Any]:
    return {
        "characters": t.characters,
        "seconds": t.seconds,
        "characters_per_s": t.per_second,
        "steps_s": t.steps,
    }


def _count(t: Timed) -> dict[str, Any]:
    return {
        "manuscripts": len(t.found),
        "characters": t.characters,
        "findings": sum(len(f) for f in t.found),
        "manuscripts_with_findings": sum(bool(f) for f in t.found),
    }


def compare(
    cfg: Config,
    corpus: Sequence[str],
    normalized: int,
    manuscripts: tuple[Sequence[Manuscript], Sequence[Manuscript], Sequence[Manuscript]],
    same: Timed,
    clock: float,
) -> dict[str, Any]:
    """Baomi, MinHash LSH and substring search on the same manuscripts (planted, filler
    alone, boilerplate alone); `same` is Baomi's scan of the planted ones."""
    shared, filler, boiler = manuscripts
    minhash = MinHashBaseline(cfg, Shape().k)
    subset = corpus[: cfg.minhash_documents]
    started = time.perf_counter()
    for i, text in enumerate(subset):
        minhash.add(i + 1, text)
    minhash_build = time.perf_counter() - started
    log(f"minhash: {minhash.windows:,} windows in {minhash_build:.1f} s", clock)
    mh = timed_scan(minhash.scan, shared)
    log(f"minhash: {mh.per_second:,.0f} characters/s", clock)
    small = corpus[: cfg.substring_documents]
    substring = SubstringBaseline(cfg, small)
    ss = timed_scan(substring.scan, shared)
    log(f"substring: {ss.per_second:,.0f} characters/s", clock)
    small_chars = len(substring.haystack)
    return {
        "manuscripts": len(shared),
        "characters": same.characters,
        "baomi": {"scan": _throughput(same), "score": score(shared, same.found)},
        "minhash": {
            "documents": len(subset),
            "windows": minhash.windows,
            "build_s": minhash_build,
            "scan": _throughput(mh),
            "score": score(shared, mh.found),
            "filler_wrong": _count(timed_scan(minhash.scan, filler)),
            "boilerplate_wrong": _count(timed_scan(minhash.scan, boiler)),
        },
        "substring": {
            "documents": len(small),
            "haystack_characters": small_chars,
            "scan": _throughput(ss),
            "scaled_characters_per_s": ss.per_second * small_chars / normalized,
            "score": score(shared, ss.found),
            "filler_wrong": _count(timed_scan(substring.scan, filler)),
            "boilerplate_wrong": _count(timed_scan(substring.scan, boiler)),
        },
    }


def verdicts(r: dict[str, Any]) -> dict[str, Any]:
    """Each goal with its measured number."""
    b = r["baomi"]
    light = recall_where(b["score"], (50, 100, 200), (0.0, 0.05))
    heavy = recall_where(b["score"], (50, 100, 200), (0.10,))
    cmp_ = r["baselines"]
    long_ = tuple(n for n in LENGTHS if n >= 50)
    mh_recall = recall_where(cmp_["minhash"]["score"], long_, RATES)
    same_recall = recall_where(cmp_["baomi"]["score"], long_, RATES)
    speedup = cmp_["baomi"]["scan"]["characters_per_s"] / max(
        cmp_["minhash"]["scan"]["characters_per_s"], 1e-9
    )
    bpf = b["index"]["bytes_per_fingerprint"]
    return {
        "recall_light": {"value": light, "met": light >= GOALS["recall_light"]},
        "recall_heavy": {"value": heavy, "met": heavy >= GOALS["recall_heavy"]},
        "boilerplate_wrong": {
            "value": b["boilerplate_wrong"]["findings"],
            "met": b["boilerplate_wrong"]["findings"] == 0,
        },
        "speedup_vs_minhash": {
            "value": speedup,
            "baomi_recall": same_recall,  # excerpts of 50 characters or more
            "minhash_recall": mh_recall,
            "baomi_recall_all": recall_where(cmp_["baomi"]["score"], LENGTHS, RATES),
            "minhash_recall_all": recall_where(cmp_["minhash"]["score"], LENGTHS, RATES),
            "met": speedup >= GOALS["speedup_vs_minhash"] and same_recall >= mh_recall,
        },
        "full_review_ms": {
            "value": b["full_review"]["median_ms"],
            "met": b["full_review"]["median_ms"] < GOALS["full_review_ms"],
        },
        "terms_vs_hyperscan": {
            "value": r["terms"]["ratio"],
            "met": r["terms"]["ratio"] <= GOALS["terms_vs_hyperscan"],
        },
        "bytes_per_fingerprint": {"value": bpf, "met": bpf <= GOALS["bytes_per_fingerprint"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = Config()
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument("--json", type=Path)
    args = vars(parser.parse_args())
    target = args.pop("json")
    result = run(Config(**args))
    result["verdicts"] = verdicts(result)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if target:
        target.write_text(text)
    for name, v in result["verdicts"].items():
        print(f"{name}: {v['value']:.4g} — {'met' if v['met'] else 'NOT met'}")


if __name__ == "__main__":
    main()
