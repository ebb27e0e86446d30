"""Audit chain benchmarks on one database: appends (single and batched), verify at scale, raw
SHA-256 on the same machine, and Merkle proofs at the same size.

    python -m bench.audit_bench --events 1000000 --json out.json
(DATABASE_URL selects the database; the bench uses its own BAOMI_DATA_DIR.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baomi.settings")


def setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def empty_chain() -> None:
    """Start from genesis: the bench owns its database."""
    import importlib

    from django.apps import apps
    from django.db import connection

    tamper = importlib.import_module("baomi.audit.migrations.0002_append_only")
    with connection.cursor() as c:
        for sql in tamper.drop_statements(connection.vendor):
            c.execute(sql)
        c.execute("DELETE FROM audit_auditevent")
        c.execute("DELETE FROM audit_checkpoint")
        c.execute("DELETE FROM audit_audithead")
        for sql in tamper.statements(connection.vendor):
            c.execute(sql)
    tamper.genesis(apps, None)


def timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def single_appends(n: int) -> float:
    from django.db import transaction

    from baomi import audit

    def run() -> None:
        for i in range(n):
            with transaction.atomic(durable=True):
                audit.record(None, "bench.appended", ("bench.item", i), i=i, note="单条事务")

    seconds, _ = timed(run)
    return n / seconds


def service_appends(n: int) -> float:
    """A real service: creating an organizational unit (insert, path update, audit event)."""
    from baomi.core.models import OrgUnit
    from baomi.core.services import create_org_unit

    root = OrgUnit.objects.filter(parent=None, name="bench").first() or create_org_unit(
        actor=None, name="bench"
    )
    start = OrgUnit.objects.count()

    def run() -> None:
        for i in range(n):
            create_org_unit(actor=None, name=f"处室{start + i}", parent=root)

    seconds, _ = timed(run)
    return n / seconds


def batched_appends(total: int, batch: int) -> float:
    """Events per second of one batch, the median over total // batch batches (the machine is
    shared: a median is steadier than a total)."""
    from django.db import transaction

    from baomi.audit.chain import Entry, record_many

    def one(b: int) -> None:
        with transaction.atomic(durable=True):
            record_many(
                Entry(None, "bench.appended", ("bench.item", b * batch + i), {"i": i})
                for i in range(batch)
            )

    return statistics.median(batch / timed(one, b)[0] for b in range(total // batch))


def fill_to(events: int, batch: int = 50_000) -> None:
    from django.db import transaction

    from baomi.audit.chain import Entry, record_many
    from baomi.audit.models import AuditHead

    while (have := AuditHead.objects.get().seq) < events:
        with transaction.atomic(durable=True):
            n = min(batch, events - have)
            record_many(
                Entry(
                    None,
                    "bench.appended",
                    ("bench.item", have + i),
                    {"i": have + i, "note": "批量写入的审计事件"},
                )
                for i in range(n)
            )


def settle() -> None:
    """On PostgreSQL, vacuum the events as autovacuum does once a million fresh rows have
    arrived: verify is timed on the table as it stands between appends, not racing that vacuum
    for the two cores (which made PostgreSQL's verify figure swing by a third)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) audit_auditevent")


def stored_rows() -> list[tuple[bytes, bytes]]:
    """Every event's (hash, body) as stored, in position order, in memory."""
    from django.db import connection

    from baomi.audit import scan
    from baomi.audit.models import AuditHead

    last = AuditHead.objects.get().seq
    with connection.cursor() as cursor:
        parts = scan.chunks(cursor, connection.vendor, "%s", 1, last)
        return [(bytes(digest), bytes(body)) for _, part in parts for digest, body in part]


def python_chain(rows: list[tuple[bytes, bytes]]) -> bytes:
    sha, prev = hashlib.sha256, bytes(32)
    for _, body in rows:
        prev = sha(prev + body).digest()
    return prev


def verify_and_raw(rounds: int = 3) -> dict[str, object]:
    """`verify_chain()` and the same chain hashed in memory on one core (compiled: the
    verifier's own loop; and in Python), taken in turn `rounds` times. This machine's speed
    drifts by up to a third within minutes: figures taken minutes apart would compare the
    drift as much as the verifier, so the ratio is the median of each round's own."""
    from baomi.audit import scan
    from baomi.audit.verify import verify_chain

    rows = stored_rows()
    verify_s, compiled_s, python_s = [], [], []
    for _ in range(rounds):
        seconds, verdict = timed(verify_chain)
        assert verdict.ok and verdict.events == len(rows), verdict
        verify_s.append(seconds)
        if scan._links is not None:
            seconds, bad = timed(scan._links.first_bad_link, "sha256", bytes(32), rows)
            assert bad == -1
            compiled_s.append(seconds)
        seconds, last = timed(python_chain, rows)
        assert last == rows[-1][0]
        python_s.append(seconds)
    floor = compiled_s or python_s
    blob = b"".join(body for _, body in rows)
    bulk_seconds, _ = timed(lambda: hashlib.sha256(blob).digest())
    raw = {
        "chain_events_per_s": len(rows) / statistics.median(python_s),
        "bulk_mb_per_s": len(blob) / bulk_seconds / 1e6,
        "mean_event_bytes": len(blob) / len(rows),
    }
    if compiled_s:
        raw["compiled_chain_events_per_s"] = len(rows) / statistics.median(compiled_s)
    return {
        "verify_events": len(rows),
        "verify_seconds": statistics.median(verify_s),
        "verify_events_per_s": len(rows) / statistics.median(verify_s),
        "verify_runs_events_per_s": [len(rows) / s for s in verify_s],
        "verify_to_raw": statistics.median(v / f for v, f in zip(verify_s, floor, strict=True)),
        "verifier": "compiled" if scan._links is not None else "python",
        "raw": raw,
    }


def merkle_at_scale() -> dict[str, float]:
    from baomi.audit import merkle
    from baomi.audit.checkpoints import leaf_hashes
    from baomi.audit.models import AuditHead

    size = AuditHead.objects.get().seq
    entries = leaf_hashes(size)
    build, tree = timed(merkle.MerkleTree, entries)
    index = size // 3
    proof = tree.inclusion_proof(index)
    root = tree.root()
    leaf = merkle.leaf_hash(entries[index])
    rounds = 1000
    started = time.perf_counter()
    for _ in range(rounds):
        ok = merkle.verify_inclusion(leaf, index, size, proof, root)
    verify_us = (time.perf_counter() - started) / rounds * 1e6
    assert ok
    return {
        "leaves": size,
        "build_s": build,
        "proof_hashes": len(proof),
        "proof_bytes_encoded": len(merkle.encode_proof(proof)),
        "verify_us": verify_us,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=5_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    setup()
    from django.db import connection

    empty_chain()
    result: dict[str, object] = {"database": connection.vendor}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            result["server_version"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            result["shared_buffers"] = cursor.fetchone()[0]
    result["single_appends_per_s"] = single_appends(args.single)
    print(result, flush=True)
    result["service_appends_per_s"] = service_appends(min(args.single, 2_000))
    result["batched_appends_per_s"] = batched_appends(200_000, 10_000)
    fill_to(args.events)
    settle()
    result.update(verify_and_raw())
    result["merkle"] = merkle_at_scale()
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
