"""The register as a spreadsheet: a template to fill in, import with a dry run, and export.

The same columns go both ways, so an exported register can be corrected and imported again.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from baomi import policy
from baomi.core.inputs import COPIES_MAX, PAGES_MAX, forbidden, refusal
from baomi.core.levels import LEVEL_ZH, URGENCY_ZH, Level, SecretKind, Urgency
from baomi.core.marking import MarkingError
from baomi.core.timefmt import printed_day

from .models import Cabinet, Document

HEADERS = [
    "标题",
    "代号",
    "文号",
    "发文机关",
    "成文日期",
    "秘密种类",
    "密级标志",
    "密级",
    "紧急程度",
    "载体形态",
    "页数",
    "份数",
    "保密柜",
    "知悉范围（部门）",
]
KIND_ZH = {
    SecretKind.STATE: "国家秘密",
    SecretKind.WORK: "工作秘密",
    SecretKind.COMMERCIAL: "商业秘密",
}
FORM_ZH = {
    Document.Form.PAPER: "纸质",
    Document.Form.MAGNETIC: "磁介质",
    Document.Form.OPTICAL: "光盘",
    Document.Form.FLASH: "闪存",
    Document.Form.AUDIO_VIDEO: "音像",
    Document.Form.ELECTRONIC: "电子",
}
MAX_ROWS = 100_000


@dataclass
class Row:
    """One spreadsheet row: its number, the fields it gives, and what is wrong with it."""

    number: int
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "涉密载体台账"
    sheet.append(HEADERS)
    sheet.append(
        [
            "关于2027年重大项目布局的请示",
            "",
            "示政办〔2026〕12号",
            "市人民政府办公室",
            "2026-11-02",
            "国家秘密",
            "机密★10年",
            "",
            "平件",
            "纸质",
            4,
            3,
            "JYS-01",
            "综合规划科、财务审计科",
        ]
    )
    return _save(book)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _typed(value: Any, label: str) -> str:
    """A cell's text as a form's field would take it: no control character or direction
    override (core.inputs)."""
    text = _text(value)
    char = forbidden(text)
    if char is not None:
        raise ValueError(refusal(label, char))
    return text


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    # 2026年11月2日 as an exported register writes it, or 2026-11-02, 2026/11/02, 2026.11.02
    chinese = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    if chinese:
        return dt.date(*(int(part) for part in chinese.groups()))
    return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))


def _int(value: Any, low: int, high: int, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("%(label)s must be a whole number.") % {"label": label}) from None
    if not low <= number <= high:
        raise ValueError(
            _("%(label)s must be between %(low)s and %(high)s.")
            % {"label": label, "low": low, "high": high}
        )
    return number


def _lookup(table: dict[Any, str], text: str, label: str, default: Any = None) -> Any:
    if not text and default is not None:
        return default
    for key, name in table.items():
        if name == text:
            return key
    raise ValueError(
        _("%(label)s “%(value)s” is not one of %(choices)s.")
        % {"label": label, "value": text, "choices": "、".join(table.values())}
    )


def read(data: bytes, *, cabinets: dict[str, Cabinet], units: dict[str, Any]) -> list[Row]:
    """Every row of the first sheet with its fields or its errors; nothing is saved here."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValueError(_("The file is not an xlsx workbook.")) from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    if header[: len(HEADERS)] != HEADERS:
        raise ValueError(
            _("The first row must be the template's headings: %(headings)s.")
            % {"headings": "、".join(HEADERS)}
        )
    result = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ValueError(_("At most %(n)s rows at a time.") % {"n": MAX_ROWS})
        if not any(v not in (None, "") for v in values):
            continue
        result.append(_row(number, dict(zip(HEADERS, values, strict=False)), cabinets, units))
    return result


def _row(
    number: int, v: dict[str, Any], cabinets: dict[str, Cabinet], units: dict[str, Any]
) -> Row:
    from baomi.core.rules import parse_marking

    row = Row(number)
    f = row.fields
    checks = [
        ("title", lambda: _typed(v["标题"], "标题") or _fail(_("the title is missing"))),
        ("code_name", lambda: _typed(v["代号"], "代号")),
        ("doc_number", lambda: _typed(v["文号"], "文号")),
        ("issuer", lambda: _typed(v["发文机关"], "发文机关") or _fail(_("the issuer is missing"))),
        ("issued_on", lambda: _date(v["成文日期"])),
        ("kind", lambda: _lookup(KIND_ZH, _text(v["秘密种类"]), "秘密种类", SecretKind.STATE)),
        ("urgency", lambda: _lookup(URGENCY_ZH, _text(v["紧急程度"]), "紧急程度", Urgency.NORMAL)),
        ("form", lambda: _lookup(FORM_ZH, _text(v["载体形态"]), "载体形态", Document.Form.PAPER)),
        ("page_count", lambda: _int(v["页数"] or 1, 1, PAGES_MAX, "页数")),
        ("copies", lambda: _int(v["份数"], 1, COPIES_MAX, "份数")),
        (
            "cabinet",
            lambda: (
                cabinets.get(_text(v["保密柜"]))
                or _fail(_("there is no cabinet %(code)s") % {"code": _text(v["保密柜"])})
            ),
        ),
        (
            "scope_departments",
            lambda: [
                units.get(n) or _fail(_("there is no department %(name)s") % {"name": n})
                for n in _text(v["知悉范围（部门）"]).replace(",", "、").split("、")
                if n.strip()
            ],
        ),
    ]
    for name, check in checks:
        try:
            f[name] = check()
        except (ValueError, KeyError) as exc:
            row.errors.append(str(exc))
    marking, level = _text(v["密级标志"]), _text(v["密级"])
    try:
        if marking:
            f["marking"] = parse_marking(marking, issued=f.get("issued_on")).format()
            f["level"] = None
        else:
            f["marking"] = ""
            f["level"] = _lookup({k: LEVEL_ZH[Level(k)] for k in (0, 1)}, level, "密级")
    except policy.RuleViolation as exc:
        row.errors += [f"{x.rule_id} {x.message}" for x in exc.violations]
    except (MarkingError, ValueError) as exc:
        row.errors.append(str(exc))
    return row


def _fail(message: str) -> Any:
    raise ValueError(message)


def row(
    d: Document, *, title: str, copies: int, cabinets: list[str], departments: list[str]
) -> list[Any]:
    """One document as a 涉密载体台账 row: the import template's columns, so an exported
    register can be corrected and imported again."""
    return [
        title,
        d.code_name,
        d.doc_number,
        d.issuer,
        printed_day(d.issued_on),
        KIND_ZH[SecretKind(d.kind)],
        d.marking,
        "" if d.marking else LEVEL_ZH[Level(d.level)],
        URGENCY_ZH[Urgency(d.urgency)],
        FORM_ZH[Document.Form(d.form)],
        d.page_count,
        copies,
        "、".join(cabinets),
        "、".join(departments),
    ]
