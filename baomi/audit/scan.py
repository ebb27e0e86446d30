"""The hot loop of verification, free of Django so it can run in worker processes.

Each link is checked against the *stored* hash of its predecessor, so ranges of the chain are
independent: with every range checked, every link is, and the work spreads over the cores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

FETCH = 20_000
TABLE = "audit_auditevent"


@dataclass(frozen=True, slots=True)
class RangeResult:
    """The outcome for positions start..stop: the first bad one, if any, and the last hash."""

    start: int
    stop: int
    checked: int
    last_hash: bytes
    first_bad: int | None = None
    reason: str = ""


def new_hash(alg: str) -> Callable[[bytes], Any]:
    return hashlib.sha256 if alg == "sha256" else lambda data: hashlib.new(alg, data)


def _connect(vendor: str, params: Mapping[str, Any]) -> tuple[Any, Any, str]:
    """A connection of our own, its cursor, and the body expression that yields raw bytes."""
    if vendor == "sqlite":
        import sqlite3

        conn: Any = sqlite3.connect(f"file:{params['database']}?mode=ro", uri=True)
        return conn, conn.cursor(), "CAST(body AS BLOB)"
    import psycopg

    conn = psycopg.connect(**params)
    # binary: bytea arrives as bytes, without hex decoding
    return conn, conn.cursor(binary=True), "convert_to(body, 'UTF8')"


def chunks(
    vendor: str, params: Mapping[str, Any], start: int, stop: int
) -> Iterator[tuple[int, list[Any]]]:
    """(first position, [(hash, body bytes), …]) for consecutive chunks of start..stop.

    One bounded range query per chunk (faster than a server-side cursor, no long snapshot).
    Positions are unique, so a chunk with as many rows as its range holds every position in
    it and the position need not be read; a short chunk is read again with its positions.
    """
    conn, cursor, body = _connect(vendor, params)
    mark = "?" if vendor == "sqlite" else "%s"
    where = f"FROM {TABLE} WHERE seq BETWEEN {mark} AND {mark} ORDER BY seq"
    try:
        for lo in range(start, stop + 1, FETCH):
            hi = min(lo + FETCH - 1, stop)
            cursor.execute(f"SELECT hash, {body} {where}", (lo, hi))
            rows = cursor.fetchall()
            if len(rows) != hi - lo + 1:
                cursor.execute(f"SELECT seq {where}", (lo, hi))
                present = [seq for (seq,) in cursor.fetchall()]
                missing = next(p for p, seq in enumerate([*present, None], lo) if p != seq)
                rows = rows[: missing - lo]
                yield lo, rows
                raise MissingPosition(missing)
            yield lo, rows
    finally:
        cursor.close()
        conn.close()


class MissingPosition(Exception):
    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


def check_range(
    vendor: str, params: Mapping[str, Any], alg: str, start: int, stop: int, prev: bytes
) -> RangeResult:
    """Re-hash events start..stop, the first linked to `prev` (the stored hash before start)."""
    new = new_hash(alg)
    try:
        for lo, rows in chunks(vendor, params, start, stop):
            for digest, body in rows:
                if new(prev + body).digest() != digest:
                    bad = lo + _index_of(rows, digest, body)
                    return RangeResult(
                        start, stop, bad - start, prev, bad, f"event {bad} does not match its hash"
                    )
                prev = digest
    except MissingPosition as gap:
        return RangeResult(
            start,
            stop,
            gap.position - start,
            prev,
            gap.position,
            f"position {gap.position} is missing",
        )
    return RangeResult(start, stop, stop - start + 1, prev)


def _index_of(rows: list[Any], digest: bytes, body: bytes) -> int:
    return next(i for i, row in enumerate(rows) if row[0] is digest and row[1] is body)
