"""Verify's read of the events in the table's physical order (PostgreSQL): runs of consecutive
positions, joined into one chain, and every doubt left to the check in position order."""

from __future__ import annotations

import hashlib
import itertools
import random

import pytest
from django.db import connection

from baomi.audit import scan, verify
from baomi.audit.chain import GENESIS

from .tamper import body_of, hash_of, sql, triggers_dropped
from .test_chain import append
from .test_links import BREAKS, linked


def runs_of(rows: list[tuple[bytes, bytes]], cuts: list[int]) -> list[scan.Run]:
    """The runs of positions 1..len(rows) cut before each position in `cuts`."""
    bounds = [1, *cuts, len(rows) + 1]
    return [
        (lo, rows[lo - 1][0], rows[lo - 1][1], hi - 1, rows[hi - 2][0])
        for lo, hi in itertools.pairwise(bounds)
    ]


def test_runs_in_any_order_join_into_the_chain():
    rows = linked(30)
    runs = runs_of(rows, [5, 6, 17, 29])
    random.Random(7).shuffle(runs)
    assert scan.join_runs(runs, "sha256", 1, 30, GENESIS) == rows[-1][0]
    assert scan.join_runs(runs_of(rows[:1], []), "sha256", 1, 1, GENESIS) == rows[0][0]


def test_runs_that_leave_a_gap_overlap_or_do_not_link_join_into_nothing():
    rows = linked(30)
    runs = runs_of(rows, [5, 17])
    assert scan.join_runs(runs[:1] + runs[2:], "sha256", 1, 30, GENESIS) is None  # 5..16 gone
    assert scan.join_runs([*runs, runs[1]], "sha256", 1, 30, GENESIS) is None  # 5..16 twice
    assert scan.join_runs(runs, "sha256", 1, 31, GENESIS) is None  # position 31 is missing
    assert scan.join_runs(runs[1:], "sha256", 5, 30, GENESIS) is None  # 5 does not link to genesis
    assert scan.join_runs([], "sha256", 1, 30, GENESIS) is None
    first, digest, body, last, last_hash = runs[1]
    forged = (first, digest, body.replace(b'"i"', b'"j"'), last, last_hash)
    assert scan.join_runs([runs[0], forged, runs[2]], "sha256", 1, 30, GENESIS) is None


@pytest.fixture
def postgres(committed_db):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL reads a table by TID range")


def physical_order() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq FROM audit_auditevent ORDER BY ctid")
        return [seq for (seq,) in cursor.fetchall()]


def move_to_the_end(*seqs: int) -> None:
    """Delete events and insert them again unchanged: they are stored after every other one,
    out of position order as concurrent writers leave a table (each fills a page of its own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
            " WHERE attrelid = 'audit_auditevent'::regclass AND attnum > 0"
            " AND NOT attisdropped AND attgenerated = ''"
        )
        (columns,) = cursor.fetchone()
    chosen = "FROM audit_auditevent WHERE seq = ANY(%s)"
    with triggers_dropped():
        sql(f"CREATE TEMP TABLE moved AS SELECT {columns} {chosen}", [list(seqs)])
        sql(f"DELETE {chosen}", [list(seqs)])
        sql(f"INSERT INTO audit_auditevent ({columns}) SELECT * FROM moved ORDER BY seq DESC")
        sql("DROP TABLE moved")


def store_in_order(order: list[int]) -> None:
    """Store the events again, unchanged, in the physical order given."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash, body::text FROM audit_auditevent")
        rows = {seq: (digest, body) for seq, digest, body in cursor.fetchall()}
    with triggers_dropped():
        sql("DELETE FROM audit_auditevent")
        for seq in order:
            sql(
                "INSERT INTO audit_auditevent (seq, hash, body) VALUES (%s, %s, %s)",
                [seq, *rows[seq]],
            )


def in_heap_order(last: int, workers: int = 3) -> bytes | None:
    _, params = verify.scan_params()
    return verify._check_in_heap_order("sha256", last, workers, params)


def test_events_stored_out_of_order_across_pages_and_workers_are_verified(postgres, monkeypatch):
    append(60)
    move_to_the_end(10, 11, 40)
    assert physical_order()[-3:] == [40, 11, 10]
    monkeypatch.setattr(scan, "PAGES", 1)  # a COPY per page: the disorder spans chunks
    assert in_heap_order(60) == hash_of(60)
    assert in_heap_order(60, workers=1) == hash_of(60)

    def position_order(*args):  # type: ignore[no-untyped-def]
        raise AssertionError("the read in physical order should have decided")

    monkeypatch.setattr(verify, "PARALLEL_FROM", 1)
    monkeypatch.setattr(scan, "check_range", position_order)
    verdict = verify.verify_chain(workers=3)
    assert verdict.ok and verdict.events == 60


def test_events_appended_since_the_head_was_read_are_left_out(postgres):
    append(30)
    _, params = verify.scan_params()
    runs = scan.heap_runs(params, "sha256", (0, 100), 1, 25)
    assert runs is not None
    assert scan.join_runs(runs, "sha256", 1, 25, GENESIS) == hash_of(25)


def test_an_empty_table_under_a_head_naming_events_is_left_to_the_check_in_position_order(
    postgres,
):
    assert in_heap_order(5) is None


def test_a_table_too_scattered_is_left_to_the_check_in_position_order(postgres, monkeypatch):
    append(40)
    move_to_the_end(10, 20, 30)
    monkeypatch.setattr(scan, "MAX_RUNS", 3)  # 1..9, 10, 11..19, … make seven
    assert in_heap_order(40) is None
    monkeypatch.setattr(verify, "PARALLEL_FROM", 1)
    assert verify.verify_chain(workers=2).ok


@pytest.mark.parametrize("tamper", [name for name in BREAKS if name != "intact"])
def test_every_break_is_left_to_the_check_in_position_order_which_names_it(
    postgres, monkeypatch, tamper
):
    append(20)
    change, first_bad = BREAKS[tamper]
    with triggers_dropped():
        change()
    monkeypatch.setattr(scan, "PAGES", 1)
    assert in_heap_order(20) is None
    monkeypatch.setattr(verify, "PARALLEL_FROM", 1)
    verdict = verify.verify_chain(workers=3)
    assert not verdict.ok and verdict.first_bad == first_bad


def test_an_event_forged_and_rehashed_then_stored_apart_is_caught(postgres, monkeypatch):
    # the forger re-hashed event 12, so it links; event 13, read before it, no longer does
    append(20)
    body = body_of(12).replace('"test.appended"', '"test.forged"')
    with triggers_dropped():
        sql(
            "UPDATE audit_auditevent SET body = %s, hash = %s WHERE seq = 12",
            [body, hashlib.sha256(hash_of(11) + body.encode()).digest()],
        )
    move_to_the_end(12)
    assert physical_order()[-1] == 12
    assert in_heap_order(20) is None
    monkeypatch.setattr(verify, "PARALLEL_FROM", 1)
    assert verify.verify_chain(workers=2).first_bad == 13


def test_an_event_stored_twice_is_left_to_the_check_in_position_order(postgres, monkeypatch):
    # both copies arrive after a gap (5), so both are kept for placing by position
    append(20)
    move_to_the_end(5, 8)
    monkeypatch.setattr(scan, "PAGES", 1)
    monkeypatch.setattr(verify, "PARALLEL_FROM", 1)
    with triggers_dropped():
        sql("ALTER TABLE audit_auditevent DROP CONSTRAINT audit_auditevent_pkey")
        try:
            sql(
                "INSERT INTO audit_auditevent (seq, hash, body) SELECT seq, hash, body"
                " FROM audit_auditevent WHERE seq = 8"
            )
            assert physical_order()[-3:] == [8, 5, 8]
            assert in_heap_order(20) is None
            verdict = verify.verify_chain(workers=2)
            assert not verdict.ok and verdict.first_bad == 9
        finally:
            sql(
                "DELETE FROM audit_auditevent WHERE ctid = (SELECT max(ctid)"
                " FROM audit_auditevent WHERE seq = 8)"
            )
            sql("ALTER TABLE audit_auditevent ADD PRIMARY KEY (seq)")
    assert verify.verify_chain(workers=2).ok


def test_an_event_stored_among_much_earlier_ones_is_verified(postgres, monkeypatch):
    # as a connection that kept an early page in view stores a late event: the runs it
    # interrupts go on from where they were, across COPYs
    append(60)
    order = [*range(1, 5), 50, *range(5, 50), *range(51, 61)]
    store_in_order(order)
    assert physical_order() == order
    monkeypatch.setattr(scan, "PAGES", 1)
    assert in_heap_order(60) == hash_of(60)
    assert in_heap_order(60, workers=1) == hash_of(60)
