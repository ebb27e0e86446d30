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


def chunks(vendor: str, params: Mapping[str, Any], start: int, stop: int) -> Iterator[list[Any]]:
    """(seq, hash, body bytes) in position order, by a connection of our own, one bounded range
    query per chunk (faster than a server-side cursor, and no long-lived snapshot)."""
    if vendor == "sqlite":
        import sqlite3

        conn: Any = sqlite3.connect(f"file:{params['database']}?mode=ro", uri=True)
        cursor = conn.cursor()
        query = (
            f"SELECT seq, hash, CAST(body AS BLOB) FROM {TABLE} "
            "WHERE seq BETWEEN ? AND ? ORDER BY seq"
        )
    else:
        import psycopg

        conn = psycopg.connect(**params)
        cursor = conn.cursor(binary=True)  # bytea arrives as bytes, without hex decoding
        query = (
            f"SELECT seq, hash, convert_to(body, 'UTF8') FROM {TABLE} "
            "WHERE seq BETWEEN %s AND %s ORDER BY seq"
        )
    try:
        for lo in range(start, stop + 1, FETCH):
            cursor.execute(query, (lo, min(lo + FETCH - 1, stop)))
            yield cursor.fetchall()
    finally:
        cursor.close()
        conn.close()


def check_range(
    vendor: str, params: Mapping[str, Any], alg: str, start: int, stop: int, prev: bytes
) -> RangeResult:
    """Re-hash events start..stop, the first linked to `prev` (the stored hash before start)."""
    new = new_hash(alg)
    expected = start
    for rows in chunks(vendor, params, start, stop):
        for seq, digest, body in rows:
            if seq != expected:
                return RangeResult(
                    start, stop, expected - start, prev, expected, f"position {expected} is missing"
                )
            if new(prev + body).digest() != digest:
                return RangeResult(
                    start, stop, seq - start, prev, seq, f"event {seq} does not match its hash"
                )
            prev = digest
            expected += 1
    if expected != stop + 1:
        return RangeResult(
            start, stop, expected - start, prev, expected, f"position {expected} is missing"
        )
    return RangeResult(start, stop, stop - start + 1, prev)
