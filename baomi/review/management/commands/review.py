"""`baomi review scan FILE` scans a manuscript from the command line (nothing is stored);
`baomi review reindex` rebuilds the fingerprint index of every document whose text Baomi
holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baomi.ledger.content import ContentError
from baomi.ledger.models import Document


class Command(BaseCommand):
    help = "Scan a manuscript for secrets, or rebuild the scanner's index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        scan = sub.add_parser("scan", help="scan a text, DOCX or PDF file; print the findings")
        scan.add_argument("file", type=Path)
        scan.add_argument("--json", action="store_true", help="print the findings as JSON")
        sub.add_parser("reindex", help="rebuild the fingerprint index from the stored content")

    def handle(self, *args: Any, **options: Any) -> None:
        from baomi.review import scanning, services

        if options["command"] == "reindex":
            count = services.rebuild_index()
            self.stdout.write(f"indexed {count} documents")
            return
        from baomi.review.extract import extract_text

        try:
            _, text = extract_text(options["file"].read_bytes())
        except OSError as exc:
            raise CommandError(f"{options['file']}: {exc.strerror}") from exc
        except ContentError as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        result = scanning.scanner().scan(text)
        rows = _rows(text, result)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for row in rows:
                where = f"{row['start']:>7}–{row['end']:<7}"
                self.stdout.write(f"{where} {row['kind']:<8} {row['what']}: {row['text']}")
            self.stdout.write(f"{len(rows)} findings in {len(text)} characters")
        if rows:
            raise SystemExit(1)  # a script can tell a clean manuscript from one with findings


def _rows(text: str, result: Any) -> list[dict[str, Any]]:
    """Findings in text order. The command is an operator's tool: it names documents by id and
    level, never by title."""
    rows = [
        {
            "kind": "term",
            "start": h.source_start,
            "end": h.source_end,
            "what": ",".join(sorted({t.kind for t in h.terms})),
            "text": text[h.source_start : h.source_end],
        }
        for h in result.terms
    ]
    levels = dict(
        Document.objects.filter(pk__in=[e.document for e in result.excerpts]).values_list(
            "pk", "level"
        )
    )
    rows += [
        {
            "kind": "excerpt",
            "start": e.start,
            "end": e.end,
            "what": f"document {e.document} (level {levels.get(e.document, '?')}), "
            f"similarity {e.similarity:.2f}",
            "text": text[e.start : e.end],
        }
        for e in result.excerpts
    ]
    rows += [
        {"kind": "marking", "start": m.start, "end": m.end, "what": m.kind, "text": m.text}
        for m in result.markings
    ]
    return sorted(rows, key=lambda r: (r["start"], r["end"]))
