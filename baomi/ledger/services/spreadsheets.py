"""The register to and from spreadsheets, and the named registers as files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baomi import audit, policy
from baomi.audit.chain import Entry, record_many
from baomi.core import clock
from baomi.core.levels import Level
from baomi.core.models import OrgUnit
from baomi.core.rules import parse_marking, period_in_force
from baomi.core.timefmt import day, printed_when
from baomi.core.visibility import NotVisible

from ..custody import custody_data
from ..models import Cabinet, Copy, Document, ScopeEntry

if TYPE_CHECKING:
    from baomi.people.models import Person


@dataclass(frozen=True)
class ImportReport:
    """What an import found: the rows read, the bad ones with their reasons, what was saved."""

    rows: int
    errors: list[tuple[int, list[str]]]
    imported: int = 0


def import_register(*, actor: Person, data: bytes, commit: bool) -> ImportReport:
    """Import an existing register from xlsx. Every row is checked first (a dry run lists every
    bad row with its reasons); only a file without a bad row is saved, all of it in one
    transaction, as incoming items registered by `actor` — every document and copy with its
    audit event. A row whose document is already in the register, or repeats an earlier row,
    is a bad row (DOC.REGISTER): nothing is imported twice, so an exported register imported
    again imports nothing."""

    from .. import xlsx

    policy.require("document.register", actor=actor, cabinet=None, level=Level.PUBLIC)
    try:
        rows = xlsx.read(
            data,
            cabinets={c.code: c for c in Cabinet.objects.all()},
            units={u.name: u for u in OrgUnit.objects.all()},
        )
    except ValueError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    known = KnownItems.of(rows)
    for row in rows:
        refused = policy.check("register.import", row=row, known=known)
        row.errors += [f"{v.rule_id} {v.message}" for v in refused.violations]
        known.remember(row)
    errors = [(row.number, row.errors) for row in rows if row.errors]
    if errors or not commit:
        return ImportReport(len(rows), errors)
    _import_rows(actor, rows)
    return ImportReport(len(rows), [], len(rows))


#: rows looked up in the register at a time (each one a bound parameter of the query)
LOOKUP_CHUNK = 500


def _chunks(values: list[Any]) -> Any:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


@dataclass
class KnownItems:
    """What the register already holds of the items a file names, looked up once for the
    whole file: the (issuer, document number) pairs, and for items without a number the copy
    numbers registered under the same issuer, title and date of issue; with the rows of the
    file seen so far, so a row repeating an earlier one is found too (DOC.REGISTER)."""

    numbered: set[tuple[str, str]]
    copies: dict[tuple[str, str, Any], set[int]]
    earlier: dict[tuple[Any, ...], int]

    @classmethod
    def of(cls, rows: list[Any]) -> KnownItems:
        numbers = sorted({r.fields["doc_number"] for r in rows if r.fields.get("doc_number")})
        numbered: set[tuple[str, str]] = set()
        for chunk in _chunks(numbers):
            found = Document.objects.filter(doc_number__in=chunk).order_by()
            numbered.update(found.values_list("issuer", "doc_number"))
        titles = sorted(
            {
                r.fields["title"]
                for r in rows
                if r.fields.get("title") and not r.fields.get("doc_number")
            }
        )
        copies: dict[tuple[str, str, Any], set[int]] = {}
        for chunk in _chunks(titles):
            copies_found = Copy.objects.filter(document__doc_number="", document__title__in=chunk)
            for issuer, title, issued_on, number in copies_found.values_list(
                "document__issuer", "document__title", "document__issued_on", "copy_no"
            ):
                copies.setdefault((issuer, title, issued_on), set()).add(number)
        return cls(numbered, copies, {})

    @staticmethod
    def _key(row: Any) -> tuple[Any, ...] | None:
        f = row.fields
        if not f.get("issuer"):
            return None
        if f.get("doc_number"):
            return ("number", f["issuer"], f["doc_number"])
        if f.get("title") and f.get("issued_on"):
            return ("unnumbered", f["issuer"], f["title"], f["issued_on"])
        return None

    def duplicate(self, row: Any) -> tuple[str, dict[str, Any]] | None:
        """Why `row` names an item already registered or already in the file, or None: the
        kind ("row", "number", "copies") and the values its message names."""
        key = self._key(row)
        if key is None:
            return None
        if key in self.earlier:
            return "row", {"row": self.earlier[key]}
        f = row.fields
        if key[0] == "number":
            if (f["issuer"], f["doc_number"]) in self.numbered:
                return "number", {"issuer": f["issuer"], "number": f["doc_number"]}
            return None
        held = self.copies.get((f["issuer"], f["title"], f["issued_on"]), set())
        clash = sorted(held & set(range(1, (f.get("copies") or 1) + 1)))
        if not clash:
            return None
        shown = "、".join(f"{n:06d}" for n in clash[:5]) + ("…" if len(clash) > 5 else "")
        return "copies", {
            "copies": shown,
            "title": f["title"],
            "issuer": f["issuer"],
            "issued_on": day(f["issued_on"]),
        }

    def remember(self, row: Any) -> None:
        """Note `row` as seen, so a later row repeating it is found."""
        key = self._key(row)
        if key is not None:
            self.earlier.setdefault(key, row.number)


@transaction.atomic(durable=True)
def _import_rows(actor: Person, rows: list[Any]) -> None:
    # checked again where it is saved: what another import saved since the check is refused too
    known = KnownItems.of(rows)
    for row in rows:
        policy.require("register.import", row=row, known=known)
        known.remember(row)
    now = clock.now()
    documents = []
    for row in rows:
        f = row.fields
        period = parse_marking(f["marking"]) if f["marking"] else None
        level = int(period.level) if period is not None else f["level"]
        policy.require("document.register", actor=actor, cabinet=f["cabinet"], level=level)
        documents.append(
            Document(
                title=f["title"],
                code_name=f["code_name"],
                doc_number=f["doc_number"],
                issuer=f["issuer"],
                issued_on=f["issued_on"],
                origin=Document.Origin.INCOMING,
                kind=f["kind"],
                level=level,
                marking=f["marking"],
                declassify_on=period_in_force(period).end_date(f["issued_on"]) if period else None,
                urgency=f["urgency"],
                form=f["form"],
                page_count=f["page_count"],
                classified_on=f["issued_on"] if period else None,
                department=actor.department,
                registered_by=actor,
                registered_at=now,
            )
        )
    Document.objects.bulk_create(documents, batch_size=500)
    if any(d.pk is None for d in documents):  # databases that return no keys from bulk inserts
        raise RuntimeError("bulk insert returned no primary keys")
    scope, copies = [], []
    for document, row in zip(documents, rows, strict=True):
        scope.append(ScopeEntry(document=document, person=actor))
        scope += [
            ScopeEntry(document=document, department=u) for u in row.fields["scope_departments"]
        ]
        copies += [
            Copy(
                document=document,
                copy_no=n,
                state=Copy.State.IN_CABINET,
                cabinet=row.fields["cabinet"],
            )
            for n in range(1, row.fields["copies"] + 1)
        ]
    ScopeEntry.objects.bulk_create(scope, batch_size=1000)
    Copy.objects.bulk_create(copies, batch_size=1000)
    record_many(
        [
            *(
                Entry(
                    actor,
                    "document.registered",
                    d,
                    {
                        "origin": d.origin,
                        "level": Level(d.level).zh,
                        "kind": d.kind,
                        "marking": d.marking,
                        "doc_number": d.doc_number,
                        "imported": True,
                    },
                )
                for d in documents
            ),
            *(
                Entry(
                    actor,
                    "copy.registered",
                    ("ledger.copy", c.pk),
                    custody_data(c),
                )
                for c in copies
            ),
            Entry(
                actor,
                "register.imported",
                None,
                {"documents": len(documents), "copies": len(copies)},
            ),
        ]
    )


@transaction.atomic(durable=True)
def export_register(
    *, actor: Person, documents: Any, register: str = "carriers", fmt: str = "xlsx"
) -> bytes:
    """One of the named registers (收文登记簿, 发文登记簿, 涉密载体台账) as this person may see
    it, as xlsx or PDF; the export itself is on record. `documents` must come from visible_to."""
    from .. import registers

    chosen = registers.REGISTERS.get(register)
    if chosen is None or fmt not in ("xlsx", "pdf"):
        raise NotVisible
    selected = chosen.documents(documents)
    count = selected.count()
    if fmt == "pdf":
        if count > registers.PDF_MAX_ROWS:
            raise ValidationError(
                _(
                    "%(n)s rows are too many to print at once (at most %(max)s): narrow the "
                    "search, or export to xlsx."
                )
                % {"n": count, "max": registers.PDF_MAX_ROWS}
            )
        printed = f"{actor} {printed_when(clock.now())}"
        data = registers.to_pdf(
            chosen,
            chosen.rows(selected, actor),
            level=registers.highest_level(selected),
            printed=printed,
        )
    else:
        data = registers.to_xlsx(chosen, chosen.rows(selected, actor))
    audit.record(actor, "register.exported", None, register=register, documents=count, format=fmt)
    return data
