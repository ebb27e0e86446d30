"""The hot loop of verification, free of Django so it can run in worker processes.

Each link is checked against the *stored* hash of its predecessor, so ranges of the chain are
independent: with every range checked, every link is, and the work spreads over the cores.

The links are checked by the compiled `_links` module where it was built: OpenSSL for the
digests, reading the SQLite file itself or a binary COPY through libpq, two to three times the
speed. Where it was not built, the same check runs in Python.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

try:
    from . import _links
except ImportError:  # built without a C compiler: the same check in Python
    _links = None  # type: ignore[assignment]

FETCH = 20_000
TABLE = "audit_auditevent"
#: heap pages per COPY when the table is read in physical order (about 25 events a page)
PAGES = 800
#: runs of consecutive positions a worker keeps before reading in position order is the better
MAX_RUNS = 65_536


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


def hash_bytes(vendor: str) -> str:
    """The SQL expression reading an event's stored hash as bytes, whatever type a forger gave
    it on SQLite (the compiled check reads the same bytes)."""
    return "CAST(hash AS BLOB)" if vendor == "sqlite" else "hash"


def body_bytes(vendor: str, *, raw: bool = False) -> str:
    """The SQL expression reading an event body as bytes: no decoding on the hot path, and a
    byte that is not valid UTF-8 becomes a hash mismatch rather than a crash. `raw` when a
    PostgreSQL connection already delivers text as UTF-8 bytes (see `_connect`)."""
    if vendor == "sqlite":
        return "CAST(body AS BLOB)"  # whatever a forger stored there: text, a blob, a number
    return "body" if raw else "convert_to(body::text, 'UTF8')"


def _connect(vendor: str, params: Mapping[str, Any]) -> tuple[Any, Any]:
    """A read connection of our own (a worker process cannot share its parent's). PostgreSQL
    sends text in binary as its UTF-8 bytes: converting on the server and decoding here cost a
    fifth of a worker's time."""
    if vendor == "sqlite":
        import sqlite3
        from urllib.request import pathname2url

        path = pathname2url(str(params["database"]))  # a ? or # in it is part of the name
        conn: Any = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return conn, conn.cursor()
    import psycopg
    from psycopg.types.string import ByteaBinaryLoader

    conn = psycopg.connect(**params, client_encoding="UTF8")
    for text in ("json", "text", "varchar"):  # a body column retyped is still read as bytes
        conn.adapters.register_loader(text, ByteaBinaryLoader)
    # Ranges are read in position order from the primary key. Right after a bulk load, before
    # the table is analyzed, the planner reckons a range holds a few hundred rows and picks a
    # bitmap scan and a sort that spills to disk: twice the time of the index scan.
    conn.execute("SET enable_bitmapscan = off")
    return conn, conn.cursor(binary=True)  # bytea and text arrive as bytes, without decoding


def chunks(
    cursor: Any, vendor: str, mark: str, start: int, stop: int, *, raw: bool = False
) -> Iterator[tuple[int, list[Any]]]:
    """(first position, [(hash, body bytes), …]) for consecutive chunks of start..stop.

    One bounded range query per chunk (faster than a server-side cursor, no long snapshot).
    Positions are unique, so a chunk with as many rows as its range holds every position in
    it and the position need not be read; a short chunk is read again with its positions.
    `mark` is the cursor's parameter placeholder; `raw` as for `body_bytes`.
    """
    where = f"FROM {TABLE} WHERE seq BETWEEN {mark} AND {mark} ORDER BY seq"
    for lo in range(start, stop + 1, FETCH):
        hi = min(lo + FETCH - 1, stop)
        columns = f"{hash_bytes(vendor)}, {body_bytes(vendor, raw=raw)}"
        cursor.execute(f"SELECT {columns} {where}", (lo, hi))
        rows = cursor.fetchall()
        if len(rows) != hi - lo + 1:
            cursor.execute(f"SELECT seq {where}", (lo, hi))
            present = [seq for (seq,) in cursor.fetchall()]
            missing = next(p for p, seq in enumerate([*present, None], lo) if p != seq)
            yield lo, rows[: missing - lo]
            raise MissingPosition(missing)
        yield lo, rows


class MissingPosition(Exception):
    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


def check_chunks(
    parts: Iterable[tuple[int, list[Any]]], alg: str, start: int, stop: int, prev: bytes
) -> RangeResult:
    """Re-hash events start..stop as `chunks()` yields them, the first linked to `prev`."""
    first_bad = _links.first_bad_link if _links is not None else _first_bad_link
    try:
        for lo, rows in parts:
            if (index := first_bad(alg, prev, rows)) >= 0:
                last = bytes(rows[index - 1][0]) if index else prev
                return _broken(start, stop, last, lo + index, "hash")
            if rows:
                prev = bytes(rows[-1][0])
    except MissingPosition as gap:
        return _broken(start, stop, prev, gap.position, "missing")
    return RangeResult(start, stop, stop - start + 1, prev)


def _first_bad_link(alg: str, prev: bytes, rows: list[Any]) -> int:
    """`_links.first_bad_link` in Python."""
    new = new_hash(alg)
    for index, (digest, body) in enumerate(rows):
        if body is None or new(b"".join((prev, body))).digest() != digest:
            return index
        prev = digest
    return -1


def _broken(start: int, stop: int, prev: bytes, bad: int, kind: str) -> RangeResult:
    """The range start..stop checked up to `bad`, the link after `prev`."""
    reason = (
        f"position {bad} is missing"
        if kind == "missing"
        else f"event {bad} does not match its hash"
    )
    return RangeResult(start, stop, bad - start, prev, bad, reason)


def check_range(
    vendor: str, params: Mapping[str, Any], alg: str, start: int, stop: int, prev: bytes
) -> RangeResult:
    """Check events start..stop over a connection of our own (runs in a worker process)."""
    if len(prev) != hashlib.new(alg).digest_size and start <= stop:
        # the predecessor's stored hash is gone or forged: nothing can link to it (the range
        # before reports the predecessor itself)
        return _broken(start, stop, prev, start, "hash")
    if _links is not None:
        if vendor == "sqlite":
            outcome = _links.check_sqlite(alg, params["database"], TABLE, start, stop, prev)
        else:
            text = {key: str(value) for key, value in params.items()}
            outcome = _links.check_postgres(alg, text, TABLE, start, stop, prev, FETCH)
        checked, last, bad, kind = outcome
        if bad is not None:
            return _broken(start, stop, last, bad, kind)
        return RangeResult(start, stop, checked, last)
    conn, cursor = _connect(vendor, params)
    try:
        mark = "?" if vendor == "sqlite" else "%s"
        parts = chunks(cursor, vendor, mark, start, stop, raw=True)
        return check_chunks(parts, alg, start, stop, prev)
    finally:
        cursor.close()
        conn.close()


#: (first position, its hash, its body, last position, its hash)
Run = tuple[int, bytes, bytes, int, bytes]


def heap_runs(
    params: Mapping[str, Any], alg: str, pages: tuple[int, int], start: int, stop: int
) -> list[Run] | None:
    """The runs of consecutive positions start..stop stored in heap pages pages[0]..pages[1]-1
    of a PostgreSQL table, each run's inner links checked (runs in a worker process; compiled
    only). None when a link fails or the table is too scattered: read in position order then."""
    assert _links is not None
    text = {key: str(value) for key, value in params.items()}
    first_page, stop_page = pages
    return _links.runs_postgres(
        alg, text, TABLE, first_page, stop_page, start, stop, PAGES, MAX_RUNS
    )


def join_runs(runs: Iterable[Run], alg: str, start: int, stop: int, prev: bytes) -> bytes | None:
    """The last hash when the runs hold every position start..stop once and each run's first
    event links to the end of the run before it (the first to `prev`); None otherwise."""
    new = new_hash(alg)
    expected = start
    for first, first_hash, body, last, last_hash in sorted(runs):
        if first != expected or new(b"".join((prev, body))).digest() != first_hash:
            return None
        expected, prev = last + 1, last_hash
    return prev if expected == stop + 1 else None
