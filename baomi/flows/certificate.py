"""The destruction certificate (销毁证明): what was destroyed, how, where, and who saw it done.

It names documents by number and copy number with their level, never by title, so the
certificate itself discloses no content.
"""

from __future__ import annotations

import io
from typing import Any

from baomi.core.levels import Level
from baomi.core.timefmt import printed_when
from baomi.ledger.registers import cjk_font, escape

from .models import DestructionBatch


def destruction_certificate(batch: DestructionBatch) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    text = ParagraphStyle("text", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    supervisors = "、".join(str(p) for p in batch.supervisors.all())
    facts = [
        ("批次编号", f"XH-{batch.pk:06d}"),
        ("销毁时间", printed_when(batch.destroyed_at)),
        ("销毁方式", batch.method),
        ("销毁地点", batch.place + ("（就地销毁）" if batch.on_site else "")),
        ("押运人", str(batch.escort or "—")),
        ("监销人", supervisors),
        ("登记人", str(batch.listed_by)),
        ("销毁人", str(batch.destroyed_by or "—")),
        ("批准", f"审批单 {batch.approval_id}" if batch.approval_id else "—"),
    ]
    rows: list[list[Any]] = [["序号", "文件编号", "文号", "份号", "密级"]]
    items = batch.items.select_related("copy__document").order_by(
        "copy__document_id", "copy__copy_no"
    )
    for n, item in enumerate(items, start=1):
        document = item.copy.document
        rows.append(
            [
                str(n),
                str(document.pk),
                escape(document.doc_number or "—"),
                item.copy.label,
                Level(document.level).zh,
            ]
        )
    table = Table(
        [[Paragraph(str(cell), text) for cell in row] for row in rows],
        colWidths=[14 * mm, 24 * mm, 70 * mm, 24 * mm, 24 * mm],
        repeatRows=1,
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black)]))
    story = [Paragraph("涉密载体销毁证明", title), Spacer(1, 6 * mm)]
    story += [Paragraph(f"{k}：{escape(v)}", text) for k, v in facts]
    story += [Spacer(1, 4 * mm), table, Spacer(1, 12 * mm)]
    story.append(Paragraph("经办人签字：________　监销人签字：________　________", text))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="涉密载体销毁证明").build(story)
    return out.getvalue()
