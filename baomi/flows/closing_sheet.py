"""The end-of-day check sheet (人离文入柜核查单) of one department for one day: the copies the
closing check found outside a cabinet, what the next morning found, and the clerk's sign-off.

Like the destruction certificate it names documents by number and copy number with their
level, never by title, so the printed sheet discloses no content.
"""

from __future__ import annotations

import io
from typing import Any

from baomi.core.levels import Level
from baomi.core.timefmt import printed_day, printed_when
from baomi.ledger.models import Copy
from baomi.ledger.registers import cjk_font, escape

from .models import ClosingException, ClosingSheet


def _morning(line: ClosingException) -> str:
    if line.morning_checked_at is None:
        return "—"
    return "仍在柜外，已报保密干部" if line.escalated_at else "已入柜"


def closing_sheet_pdf(sheet: ClosingSheet, lines: list[ClosingException], unnamed: int) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    text = ParagraphStyle("text", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    signed = f"{sheet.signed_by}，{printed_when(sheet.signed_at)}" if sheet.signed_at else "未签认"
    facts = [
        ("部门", str(sheet.department)),
        ("核查日期", printed_day(sheet.closing.day)),
        ("核查时间", printed_when(sheet.closing.ran_at)),
        ("柜外载体", f"{sheet.exceptions} 份"),
        ("签认", signed),
    ]
    if sheet.note:
        facts.append(("备注", sheet.note))
    rows: list[list[Any]] = [
        ["序号", "文件编号", "文号", "份号", "密级", "持有人", "状态", "次日复查"]
    ]
    for n, line in enumerate(lines, start=1):
        document = line.copy.document
        rows.append(
            [
                str(n),
                str(document.pk),
                escape(document.doc_number or "—"),
                line.copy.label,
                Level(document.level).zh,
                escape(str(line.holder or "—")),
                str(Copy.State(line.state).label),
                _morning(line),
            ]
        )
    widths = [9, 14, 36, 14, 12, 20, 20, 32]  # mm, within A4 and its margins
    table = Table(
        [[Paragraph(str(cell), text) for cell in row] for row in rows],
        colWidths=[w * mm for w in widths],
        repeatRows=1,
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black)]))
    story = [Paragraph("人离文入柜核查单", title), Spacer(1, 6 * mm)]
    story += [Paragraph(f"{k}：{escape(v)}", text) for k, v in facts]
    story += [Spacer(1, 4 * mm), table]
    if unnamed:
        story.append(Paragraph(f"另有 {unnamed} 份载体不在打印人知悉范围内，未列出。", text))
    story += [Spacer(1, 12 * mm), Paragraph("机要人员签字：________　日期：________", text)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="人离文入柜核查单").build(story)
    return out.getvalue()
