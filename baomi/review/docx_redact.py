"""A redacted DOCX cut from the submitted file, run by run, so it keeps the author's layout.

The text Baomi reviews is read from a DOCX paragraph by paragraph, then table row by row
(`baomi.ledger.content`). This module walks the same paragraphs and runs in the same order, so
each character of the reviewed text is known to sit in one `w:t` element at one place: a
redacted character is replaced there, and the run keeps its style, bold, size and font, the
paragraph its style and the file its tables, pictures and sections.

What the review did not read — headers, footers, notes, comments, text boxes, tracked changes,
the document's properties — is not left holding what was cut: every cut phrase is cut wherever
else the file holds it. A file whose text no longer reads as the reviewed text is refused.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from .services import REDACTED

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
#: the elements whose text a reader sees or Word can bring back (tracked deletions)
TEXT_TAGS = (f"{{{W}}}t", f"{{{W}}}delText", f"{{{A}}}t")
#: cut phrases shorter than this are not hunted for elsewhere: one character is everywhere
MIN_PHRASE = 2
CORE_FIELDS = ("title", "subject", "keywords", "comments", "category", "content_status")


class DocxMismatch(ValueError):
    """The file's text does not read as the text that was reviewed."""


def _runs_text(paragraph: Any) -> Iterator[tuple[Any, str]]:
    """(element, its text) for each piece of a paragraph's text, as python-docx reads it."""
    for item in paragraph._p.xpath("w:r | w:hyperlink"):
        runs = item.xpath("w:r") if item.tag == f"{{{W}}}hyperlink" else [item]
        for run in runs:
            for piece in run.xpath("w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab"):
                yield piece, str(piece)


def _paragraph_rows(document: Any) -> Iterator[list[Any]]:
    """The reviewed text's parts in order: each body paragraph, then each table row (its
    cells' paragraphs), as `baomi.ledger.content` joins them."""
    for paragraph in document.paragraphs:
        yield [paragraph]
    for table in document.tables:
        for row in table.rows:
            yield [[p for p in cell.paragraphs] for cell in row.cells]


def _layout(document: Any) -> tuple[str, list[tuple[int, Any, str]]]:
    """The text as read, and where each piece of it starts: (offset, element, text)."""
    out: list[str] = []
    pieces: list[tuple[int, Any, str]] = []
    at = 0

    def put(text: str, element: Any = None) -> None:
        nonlocal at
        if element is not None:
            pieces.append((at, element, text))
        out.append(text)
        at += len(text)

    for n, part in enumerate(_paragraph_rows(document)):
        if n:
            put("\n")
        if len(part) == 1 and not isinstance(part[0], list):  # a body paragraph
            for element, text in _runs_text(part[0]):
                put(text, element)
            continue
        for c, cell in enumerate(part):  # a table row: cells by tabs, paragraphs by lines
            if c:
                put("\t")
            for i, paragraph in enumerate(cell):
                if i:
                    put("\n")
                for element, text in _runs_text(paragraph):
                    put(text, element)
    return "".join(out), pieces


def redact_docx(data: bytes, text: str, spans: Sequence[Sequence[int]]) -> bytes:
    """The DOCX `data`, whose reviewed text is `text`, with each character of `spans` (offsets
    into `text`) replaced by ■ in its own run. DocxMismatch when the file does not read as
    `text`."""
    import docx

    document = docx.Document(io.BytesIO(data))
    full, pieces = _layout(document)
    lead = len(full) - len(full.removeprefix("\ufeff").lstrip())  # what the reading stripped
    if full[lead : lead + len(text)] != text:
        raise DocxMismatch(_("The file does not read as the text that was reviewed."))
    cut = [False] * len(full)
    for start, end in spans:
        for i in range(lead + start, lead + end):
            cut[i] = True
    seen = set()
    for at, element, piece in pieces:
        seen.add(element)
        if element.tag != f"{{{W}}}t" or not any(cut[at : at + len(piece)]):
            continue  # a tab, break or hyphen stands; the words around it are cut
        element.text = "".join(REDACTED if cut[at + i] else ch for i, ch in enumerate(piece))
    phrases = sorted(
        {text[a:b].strip() for a, b in spans if len(text[a:b].strip()) >= MIN_PHRASE},
        key=len,
        reverse=True,
    )
    if phrases:
        _cut_elsewhere(document, phrases, seen)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cut(value: str, phrases: Sequence[str]) -> str:
    for phrase in phrases:
        if phrase in value:
            value = value.replace(phrase, REDACTED * len(phrase))
    return value


def _cut_elsewhere(document: Any, phrases: Sequence[str], seen: set[Any]) -> None:
    """Cut each phrase from the text the review did not read, in every part of the file."""
    from docx.opc.part import XmlPart
    from lxml import etree

    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            root, loose = part.element, False
        elif part.content_type.endswith("xml"):
            root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False))
            loose = True
        else:
            continue
        changed = False
        for element in root.iter(*TEXT_TAGS):
            if element in seen or not element.text:
                continue
            cut = _cut(element.text, phrases)
            if cut != element.text:
                element.text, changed = cut, True
        if loose and changed:
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    properties = document.core_properties
    for name in CORE_FIELDS:
        value = getattr(properties, name) or ""
        if value and _cut(value, phrases) != value:
            setattr(properties, name, _cut(value, phrases))
