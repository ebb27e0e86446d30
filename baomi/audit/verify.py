"""Checking the chain: every stored event re-hashed in order, positions without gaps, the head
row and every stored checkpoint consistent with what was recomputed, and the log against a
checkpoint held outside the database."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Max, Subquery

from . import scan
from .chain import GENESIS, hasher
from .checkpoints import SignedCheckpoint, check_stored_checkpoints, contradiction
from .models import AuditEvent, AuditHead, Checkpoint

T = TypeVar("T")

#: below this many events one process is faster than starting workers
PARALLEL_FROM = 200_000
#: what the auditor searches and custody is replayed from, derived by the database from the body
SEARCH_COLUMNS = ("action", "actor_id", "object_type", "object_id")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a verification: `first_bad` is the first position that fails, if any."""

    ok: bool
    events: int
    head: bytes
    first_bad: int | None = None
    reason: str = ""


def scan_params() -> tuple[str, dict[str, Any]]:
    """How a worker process opens its own read connection to this database."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "sqlite", {"database": str(connection.settings_dict["NAME"])}
    params = connection.get_connection_params()
    keep = ("dbname", "user", "password", "host", "port", "sslmode", "options")
    return connection.vendor, {k: params[k] for k in keep if params.get(k) not in (None, "")}


def _stored_hash(seq: int) -> bytes:
    """The hash stored at `seq` as bytes, whatever its stored type; empty when there is none."""
    if seq == 0:
        return GENESIS
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {scan.hash_bytes(connection.vendor)} FROM {scan.TABLE} WHERE seq = %s", [seq]
        )
        row = cursor.fetchone()
    return bytes(row[0]) if row is not None and row[0] is not None else b""


def _head_and_last() -> tuple[AuditHead, int]:
    """The head row and the last position to check, read in one statement: an append that
    commits between two reads would otherwise look like a head that disagrees with the chain."""
    newest = AuditEvent.objects.order_by("-seq").values("seq")[:1]
    head = AuditHead.objects.annotate(newest=Subquery(newest)).get(pk=1)
    return head, max(head.seq, head.newest or 0)


def _ranges(last: int, workers: int) -> list[tuple[int, int]]:
    step = -(-last // workers)
    return [(lo, min(lo + step - 1, last)) for lo in range(1, last + 1, step)]


def _check(
    alg: str, last: int, workers: int, first: int = 1, prev: bytes = GENESIS
) -> scan.RangeResult:
    """Check positions first..last, the first linked to `prev`."""
    vendor, params = scan_params()
    in_memory = vendor == "sqlite" and (
        params["database"] == ":memory:" or "mode=memory" in params["database"]
    )
    if connection.in_atomic_block or in_memory:
        # only this connection sees its own uncommitted rows, or its in-memory database
        return _check_here(alg, first, last, prev)
    if workers <= 1 or first != 1 or last < PARALLEL_FROM:
        return scan.check_range(vendor, params, alg, first, last, prev)
    if (last_hash := _check_in_heap_order(alg, last, workers, params)) is not None:
        return scan.RangeResult(1, last, last, last_hash)
    ranges = _ranges(last, workers)
    calls = [(vendor, params, alg, lo, hi, _stored_hash(lo - 1)) for lo, hi in ranges]
    results = _in_workers(scan.check_range, calls)
    for result in results:
        if result.first_bad is not None:
            return result
    return scan.RangeResult(1, last, last, results[-1].last_hash)


def _check_in_heap_order(alg: str, last: int, workers: int, params: dict[str, Any]) -> bytes | None:
    """The last hash when positions 1..last, read in the table's physical order (a TID range
    scan: about a tenth less work for the server than reading by primary key), form an intact
    chain; None when they do not, or lie too scattered, for the check in position order to
    judge and to name the first bad position. Only PostgreSQL 14 and later scan by TID range,
    and only the compiled check sorts what it reads."""
    if getattr(connection, "pg_version", 0) < 140000 or scan._links is None:
        return None
    with connection.cursor() as cursor:  # read after the head: every event it names is inside
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int8",
            [scan.TABLE],
        )
        (pages,) = cursor.fetchone()
    if pages == 0:  # a head that names events the table does not hold
        return None
    step = -(-pages // workers)
    parts = [(lo, min(lo + step, pages)) for lo in range(0, pages, step)]
    try:
        found = _in_workers(scan.heap_runs, [(params, alg, part, 1, last) for part in parts])
    except RuntimeError:  # e.g. a statement timeout: the read in position order decides
        return None
    runs: list[scan.Run] = []
    for part in found:
        if part is None:
            return None
        runs.extend(part)
    return scan.join_runs(runs, alg, 1, last, GENESIS)


def _in_workers(fn: Callable[..., T], calls: list[tuple[Any, ...]]) -> list[T]:
    """`fn` on each argument tuple, one worker process each."""
    with ProcessPoolExecutor(len(calls), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(fn, *args) for args in calls]
        return [f.result() for f in futures]


def _check_here(alg: str, first: int, last: int, prev: bytes) -> scan.RangeResult:
    """The same check through Django's own connection (uncommitted rows, in-memory SQLite)."""
    with connection.cursor() as cursor:
        parts = scan.chunks(cursor, connection.vendor, "%s", first, last)
        return scan.check_chunks(parts, alg, first, last, prev)


def underived_columns() -> list[str]:
    """The search columns that are no longer generated from the body. The hash covers only the
    body: a column made writable could move an event to another object unseen."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA table_xinfo({table})")
            generated = {row[1] for row in cursor.fetchall() if row[6] == 3}  # 3: stored
        else:
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
                " AND attgenerated = 's'",
                [table],
            )
            generated = {name for (name,) in cursor.fetchall()}
    return [column for column in SEARCH_COLUMNS if column not in generated]


def verify_chain(
    workers: int | None = None, *, checkpoint: SignedCheckpoint | None = None
) -> Verdict:
    """Recompute the whole chain. Reports the first position whose stored hash, position or
    predecessor link does not match, a head row / checkpoint that disagrees with the chain, or
    search columns no longer derived from the bodies.

    With `checkpoint` (signature already checked), an intact chain must also hold the events
    it signed: at least as many, the same hash at its head and the same Merkle root. This
    catches what the database alone cannot: a tail cut, or history rewritten and re-hashed
    together with the head row and the stored checkpoints.
    """
    head, last = _head_and_last()
    hasher(head.alg)
    result = _check(head.alg, last, workers or os.cpu_count() or 1)
    newest_checkpoint = Checkpoint.objects.aggregate(size=Max("tree_size"))["size"] or 0
    if result.first_bad is None and newest_checkpoint > result.checked:
        # signed while the chain was being read: the events it names were appended since, and
        # are checked too rather than reported as missing
        head, last = _head_and_last()
        if last > result.stop:
            more = _check(head.alg, last, 1, result.stop + 1, result.last_hash)
            result = replace(more, start=1, checked=result.checked + more.checked)
    if result.first_bad is not None:
        return Verdict(
            False, result.first_bad - 1, result.last_hash, result.first_bad, result.reason
        )
    count = result.checked
    if head.seq != count:
        return Verdict(
            False,
            count,
            result.last_hash,
            min(head.seq, count) + 1,
            f"the head names {head.seq} events; the chain has {count}",
        )
    if bytes(head.hash) != result.last_hash:
        return Verdict(
            False, count, result.last_hash, count, f"the head hash differs from event {count}"
        )
    problem = check_stored_checkpoints(hash_at=_stored_hash, events=count)
    if problem:
        return Verdict(False, count, result.last_hash, problem[0], problem[1])
    if checkpoint is not None and (
        differs := contradiction(checkpoint, events=count, alg=head.alg, hash_at=_stored_hash)
    ):
        return Verdict(False, count, result.last_hash, differs[0], differs[1])
    if underived := underived_columns():
        return Verdict(
            False,
            count,
            result.last_hash,
            reason=f"the columns {', '.join(underived)} are no longer derived from the events",
        )
    return Verdict(True, count, result.last_hash)
