"""The named registers — 收文登记簿, 发文登记簿, 涉密载体台账 — each one definition (which
documents, which columns) written to xlsx or to PDF.

Headers stay in Chinese in both languages: they are the printed forms' own column names, and
the 涉密载体台账 columns are also the import template's. A register printed on paper is itself
a carrier of what it lists, so every PDF page carries the highest level among its rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db.models import Max, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baomi.core.levels import LEVEL_ZH, URGENCY_ZH, Level, Urgency
from baomi.core.timefmt import Whole, printed_day

from . import xlsx
from .models import Document

PDF_MAX_ROWS = 5_000


@dataclass
class Related:
    """What a register row needs besides the document, loaded for a chunk of documents at a
    time with plain value queries (building a model object per copy cost more than the SQL)."""

    copy_numbers: list[int] = field(default_factory=list)
    cabinets: set[str] = field(default_factory=set)
    departments: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)


CHUNK = 2000


@dataclass(frozen=True)
class Register:
    code: str
    name: str
    label: str | Promise
    origin: str | None
    headers: list[str]
    row: Callable[[Document, Related, str], list[Any]]
    people: tuple[str, ...]
    # relative column widths on paper; the title column takes what is left
    widths: tuple[float, ...]
    leaders: bool = False

    def documents(self, visible: QuerySet[Document]) -> QuerySet[Document]:
        chosen = visible if self.origin is None else visible.filter(origin=self.origin)
        return chosen.select_related(*self.people)

    def rows(self, documents: QuerySet[Document], viewer: Any) -> Iterator[list[Any]]:
        stream = documents.iterator(chunk_size=CHUNK)
        while chunk := list(islice(stream, CHUNK)):
            related = self._related([d.pk for d in chunk])
            for document in chunk:
                yield self.row(document, related[document.pk], document.title_for(viewer))

    def _related(self, ids: list[int]) -> dict[int, Related]:
        from .models import Copy, Instruction, ScopeEntry

        related = {pk: Related() for pk in ids}
        copies = Copy.objects.filter(document_id__in=ids).order_by()
        for pk, number, cabinet in copies.values_list("document_id", "copy_no", "cabinet__code"):
            related[pk].copy_numbers.append(number)
            if cabinet:
                related[pk].cabinets.add(cabinet)
        scope = ScopeEntry.objects.filter(document_id__in=ids, department__isnull=False)
        for pk, name in scope.order_by().values_list("document_id", "department__name"):
            related[pk].departments.append(name)
        if self.leaders:
            routed = Instruction.objects.filter(document_id__in=ids).order_by("routed_at", "id")
            named = routed.values_list("document_id", "leader__full_name", "leader__username")
            for pk, full_name, username in named:
                related[pk].leaders.append(full_name or username)
        return related


def _day(value: Any) -> str:
    return printed_day(value)


def _marking(d: Document) -> str:
    return d.marking or LEVEL_ZH[Level(d.level)]


def _copy_numbers(related: Related) -> str:
    numbers = sorted(related.copy_numbers)
    if not numbers:
        return ""
    first, last = numbers[0], numbers[-1]
    return f"{first:06d}" if first == last else f"{first:06d}–{last:06d}"


def _incoming(d: Document, related: Related, title: str) -> list[Any]:
    return [
        _day(d.registered_at),
        d.issuer,
        d.doc_number,
        title,
        _marking(d),
        URGENCY_ZH[Urgency(d.urgency)],
        len(related.copy_numbers),
        _copy_numbers(related),
        str(d.signed_by or d.registered_by),
        str(d.addressee or ""),
        "、".join(related.leaders),
    ]


def _outgoing(d: Document, related: Related, title: str) -> list[Any]:
    return [
        _day(d.registered_at),
        d.doc_number,
        title,
        _marking(d),
        URGENCY_ZH[Urgency(d.urgency)],
        len(related.copy_numbers),
        _copy_numbers(related),
        d.recipients,
        str(d.registered_by),
    ]


def _carriers(d: Document, related: Related, title: str) -> list[Any]:
    return xlsx.row(
        d,
        title=title,
        copies=len(related.copy_numbers),
        cabinets=sorted(related.cabinets),
        departments=sorted(related.departments),
    )


REGISTERS = {
    r.code: r
    for r in (
        Register(
            code="incoming",
            name="收文登记簿",
            label=_("Register of incoming items"),
            origin=Document.Origin.INCOMING,
            headers=[
                "收文日期",
                "来文机关",
                "文号",
                "标题",
                "密级",
                "紧急程度",
                "份数",
                "份号",
                "签收人",
                "亲启人",
                "阅批领导",
            ],
            row=_incoming,
            people=("signed_by", "addressee", "registered_by"),
            leaders=True,
            widths=(7, 10, 10, 0, 7, 5, 4, 10, 6, 6, 8),
        ),
        Register(
            code="outgoing",
            name="发文登记簿",
            label=_("Register of outgoing items"),
            origin=Document.Origin.OUTGOING,
            headers=[
                "发文日期",
                "文号",
                "标题",
                "密级",
                "紧急程度",
                "份数",
                "份号",
                "主送单位",
                "登记人",
            ],
            row=_outgoing,
            people=("registered_by",),
            widths=(7, 10, 0, 7, 5, 4, 10, 14, 6),
        ),
        Register(
            code="carriers",
            name="涉密载体台账",
            label=_("Register of classified carriers"),
            origin=None,
            headers=xlsx.HEADERS,
            row=_carriers,
            people=(),
            widths=(0, 5, 9, 9, 7, 6, 8, 4, 5, 4, 3, 3, 6, 10),
        ),
    )
}


def highest_level(documents: QuerySet[Document]) -> Level:
    return Level(documents.aggregate(top=Max("level"))["top"] or Level.PUBLIC)


def to_xlsx(register: Register, rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(register.name)
    sheet.append(register.headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(register: Register, rows: Iterable[list[Any]], *, level: Level, printed: str) -> bytes:
    """A4 landscape, Chinese text in reportlab's built-in 宋体 (no font files to ship): the
    register's name, the level of the printout on every page, page numbers."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    font = cjk_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    page_size = landscape(A4)
    usable = page_size[0] - 24 * mm
    fixed = sum(register.widths)
    title_share = max(usable / mm - fixed * 2.2, 30)
    widths = [(w * 2.2 if w else title_share) * mm for w in register.widths]
    scale = usable / sum(widths)
    widths = [w * scale for w in widths]
    body: list[list[Any]] = [[Paragraph(escape(h), cell) for h in register.headers]]
    body += [[_cell(v, cell) for v in row] for row in rows]
    widths = _fitted(widths, body[1:], register.widths, font, cell.fontSize)
    table = LongTable(body, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, cell.fontSize, cell.leading),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 12)
        if level.is_classified or level == Level.INTERNAL:
            canvas.drawString(12 * mm, page_size[1] - 10 * mm, level.zh)
        canvas.drawCentredString(page_size[0] / 2, page_size[1] - 12 * mm, register.name)
        canvas.setFont(font, 8)
        canvas.drawString(12 * mm, 7 * mm, printed)
        canvas.drawRightString(page_size[0] - 12 * mm, 7 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=page_size,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=18 * mm,
        bottomMargin=12 * mm,
        title=register.name,
    ).build([table], onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


#: a cell's left and right padding in a reportlab table, in points
_PADDING = 12


def _cell(value: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    # a plain string in a table cell is drawn on one line, never wrapped
    return str(value) if isinstance(value, Whole) else Paragraph(escape(value), style)


def _fitted(
    widths: list[float], rows: list[list[Any]], shares: tuple[float, ...], font: str, size: float
) -> list[float]:
    """`widths` with every column at least as wide as its widest whole cell, the difference
    taken from the title column (the one whose share is 0)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    fitted = list(widths)
    for row in rows:
        for i, value in enumerate(row):
            if isinstance(value, Whole):
                fitted[i] = max(fitted[i], stringWidth(value, font, size) + _PADDING)
    grown = sum(fitted) - sum(widths)
    titles = [i for i, share in enumerate(shares) if not share]
    for i in titles:
        fitted[i] = max(fitted[i] - grown / len(titles), widths[i] / 2)
    return fitted


def cjk_font() -> str:
    """reportlab's built-in 宋体 (a CID font: no font file to ship), registered once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    name = "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def escape(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
