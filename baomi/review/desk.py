"""What the review desk shows: the text cut at its findings for highlighting, each finding as
the text it matched and its source as far as the reader may know it, and the cut a reviewer
chose, previewed before it is applied."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from baomi.core.levels import Level
from baomi.ledger.models import Copy, Document

from .models import Finding
from .rules import uncovered

SPAN = re.compile(r"(\d+)\s*[-–~]\s*(\d+)")
#: the longest matched text shown beside a finding; the text itself shows it whole
QUOTE_MAX = 80


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the manuscript text and the findings covering it (none: plain text)."""

    text: str
    findings: tuple[int, ...]
    kinds: str


@dataclass(frozen=True, slots=True)
class Cut:
    """A span the reviewer chose to cut, highlighted in the preview like a finding."""

    start: int
    end: int
    kind: str = "cut"
    pk: int = 0


@dataclass(frozen=True, slots=True)
class Row:
    """A finding beside the text: what it matched, where, and its source."""

    finding: Finding
    quote: str
    source: str
    link: str
    span: str
    chosen: bool
    open: bool


def pieces(text: str, findings: Sequence[Any]) -> list[Piece]:
    """The text cut at every finding's start and end, for highlighting overlaps correctly."""
    cuts = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
    # one sweep over the cuts: no finding starts or ends inside a piece, so the findings
    # covering the piece a..b are those open at a (start <= a < end)
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        if f.start < f.end:
            opening.setdefault(f.start, []).append(i)
            closing.setdefault(f.end, []).append(i)
    open_now: set[int] = set()
    out = []
    for a, b in itertools.pairwise(cuts):
        open_now.difference_update(closing.get(a, ()))
        open_now.update(opening.get(a, ()))
        covering = [findings[i] for i in sorted(open_now)]  # in the order given
        kinds = " ".join(sorted({f.kind for f in covering}))
        out.append(Piece(text[a:b], tuple(f.pk for f in covering if f.pk), kinds))
    return out


def _known(findings: Sequence[Finding], person: Any) -> tuple[set[int], dict[int, set[str]]]:
    """The documents found that the person may know of, and the departments holding copies of
    the others. Two queries for all the findings, whatever their number."""
    documents = {f.document_id for f in findings if f.document_id}
    known = set(
        Document.objects.visible_to(person).filter(pk__in=documents).values_list("pk", flat=True)
    )
    holders: dict[int, set[str]] = {}
    for document, held_by, kept_by in Copy.objects.filter(
        document__in=documents - known
    ).values_list("document", "holder__department__name", "cabinet__department__name"):
        holders.setdefault(document, set()).update(n for n in (held_by, kept_by) if n)
    return known, holders


def describe_all(findings: list[Finding], person: Any) -> dict[int, str]:
    """What each finding says to this person, by finding id. A document the person may not
    know of is named only as a registered document of its level, with its registering
    department and the departments holding its copies (those a referral goes to)."""
    known, holders = _known(findings, person)
    return {f.pk: _describe(f, person, known, holders) for f in findings}


def _describe(finding: Finding, person: Any, known: set[int], holders: dict[int, set[str]]) -> str:
    if finding.kind == Finding.Kind.MARKING:
        return str(_("Marking: %(kind)s")) % {"kind": finding.get_detail_display()}
    if finding.kind == Finding.Kind.TERM:
        if finding.secret_item is not None:
            return str(_("Secret item: %(name)s (%(level)s)")) % {
                "name": finding.secret_item.name,
                "level": finding.secret_item.get_level_display(),
            }
        return str(_("Term: %(kind)s")) % {"kind": finding.get_detail_display()}
    document = finding.document
    if document is None:
        return str(_("Excerpt of a document no longer registered"))
    similarity = f"{(finding.similarity or 0) * 100:.0f}%"
    if document.pk in known:
        return str(_("Excerpt of %(title)s %(number)s, similarity %(similarity)s")) % {
            "title": document.title_for(person),
            "number": document.doc_number,
            "similarity": similarity,
        }
    kind = (
        _("a registered classified document (%(level)s)")
        if Level(document.level).is_classified
        else _("a registered internal document")
    ) % {"level": document.get_level_display()}
    return str(
        _(
            "Excerpt of %(document)s of %(department)s, copies held by %(holders)s, "
            "similarity %(similarity)s"
        )
    ) % {
        "document": kind,
        "department": document.department,
        "holders": "、".join(sorted(holders.get(document.pk, ()))) or "—",
        "similarity": similarity,
    }


def rows(
    text: str, findings: list[Finding], person: Any, spans: Sequence[Sequence[int]]
) -> list[Row]:
    """The findings beside the text, each with the text it matched, its source (a link to a
    document the person may open), whether the reviewer chose to cut it, and whether the cut
    leaves it open."""
    known, holders = _known(findings, person)
    left = {f.pk for f in uncovered(findings, spans)}
    chosen = {(int(a), int(b)) for a, b in spans}
    out = []
    for f in findings:
        quote = text[f.start : f.end]
        link = ""
        if f.kind == Finding.Kind.EXCERPT and f.document_id in known:
            link = reverse("ledger:document", args=[f.document_id])
        out.append(
            Row(
                finding=f,
                quote=quote if len(quote) <= QUOTE_MAX else quote[: QUOTE_MAX - 1] + "…",
                source=_describe(f, person, known, holders),
                link=link,
                span=f"{f.start}-{f.end}",
                chosen=(f.start, f.end) in chosen,
                open=f.pk in left,
            )
        )
    return out


def posted_spans(post: Any) -> list[list[int]]:
    """Spans ticked beside the findings ("start-end") and typed or selected in the text
    ("120-135, 300-310"); anything else in the field is ignored."""
    typed = post.get("spans", "")
    posted = [*post.getlist("cut"), *re.split(r"[,，;；\s]+", typed)]
    return [
        [int(a), int(b)]
        for text in posted
        if (m := SPAN.fullmatch(text.strip()))
        for a, b in [m.groups()]
    ]


def merged(spans: Sequence[Sequence[int]], length: int) -> list[list[int]]:
    """The spans inside the text, sorted and merged where they touch or overlap."""
    out: list[list[int]] = []
    for a, b in sorted((max(0, int(a)), min(length, int(b))) for a, b in spans):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def spans_key(spans: Sequence[Sequence[int]]) -> str:
    """The spans as the preview states them, so an apply can show it applies what was seen."""
    return ",".join(f"{a}-{b}" for a, b in spans)


def typed_spans(spans: Sequence[Sequence[int]], findings: Sequence[Finding]) -> str:
    """The spans that are not exactly a finding's (those the reviewer selected or typed)."""
    ticked = {(f.start, f.end) for f in findings}
    return ", ".join(f"{a}-{b}" for a, b in spans if (a, b) not in ticked)
