"""Write docs/benchmarks.md from the JSON results of one `make bench` run."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import sys
from pathlib import Path


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(folder: str, target: str) -> None:
    results = {
        name: json.loads((Path(folder) / f"{name}.json").read_text())
        for name in ("sqlite", "postgres", "policy")
    }
    lite, pg, pol = results["sqlite"], results["postgres"], results["policy"]
    rows = []
    for label, r in (("SQLite", lite), ("PostgreSQL", pg)):
        raw = r["raw"]
        rows.append(
            f"| {label} | {r['single_appends_per_s']:,.0f} | {r['service_appends_per_s']:,.0f} "
            f"| {r['batched_appends_per_s']:,.0f} | {r['verify_events']:,} "
            f"| {r['verify_seconds']:.2f} s | {r['verify_events_per_s']:,.0f} "
            f"| {raw['chain_events_per_s']:,.0f} "
            f"| {r['verify_seconds'] * raw['chain_events_per_s'] / r['verify_events']:.2f}× |"
        )
    m = lite["merkle"]

    def within_twice(r: dict) -> bool:
        return r["verify_seconds"] * r["raw"]["chain_events_per_s"] <= 2 * r["verify_events"]

    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} by `make bench` on {cpu()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, PostgreSQL from Debian (private test cluster: fsync, "
        "synchronous_commit and full_page_writes off, so its append figures are an upper bound "
        "for a durable server). SQLite runs in WAL mode with synchronous=NORMAL.",
        "",
        "## Audit chain",
        "",
        "Single appends: one event per transaction through `audit.record()`, as every service "
        "does. Service appends: a whole service (`create_org_unit`: insert, update, audit event). "
        "Batched: `record_many()` of 10,000 events per transaction (COPY on PostgreSQL), the "
        "median of 20 batches. Verify: `verify_chain()` re-hashing every event from the "
        "database, one worker per core, the median of 3 runs. "
        "Raw: the same chain of SHA-256 computations over the same bodies already in memory, one "
        "core — the floor any verifier pays.",
        "",
        "| database | single appends/s | service calls/s | batched appends/s | events "
        "| verify time | verify events/s | raw hashing events/s | verify ÷ raw time |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Bulk SHA-256 on this machine: {lite['raw']['bulk_mb_per_s']:,.0f} MB/s; mean event "
        f"{lite['raw']['mean_event_bytes']:.0f} bytes.",
        "",
        "Goals: verify ≥ 1,000,000 events/s — SQLite "
        f"{verdict(lite['verify_events_per_s'] >= 1e6)}, PostgreSQL "
        f"{verdict(pg['verify_events_per_s'] >= 1e6)}; within 2× of raw hashing — SQLite "
        f"{verdict(within_twice(lite))}, PostgreSQL {verdict(within_twice(pg))}"
        f"; single appends ≥ 2,000/s on SQLite — {verdict(lite['single_appends_per_s'] >= 2000)}; "
        f"batched ≥ 50,000/s — SQLite {verdict(lite['batched_appends_per_s'] >= 50_000)}, "
        f"PostgreSQL {verdict(pg['batched_appends_per_s'] >= 50_000)}.",
        "",
        "## Merkle proofs",
        "",
        f"Tree over {m['leaves']:,} event hashes built in {m['build_s']:.2f} s; an inclusion "
        f"proof has {m['proof_hashes']} hashes, {m['proof_bytes_encoded']} bytes encoded "
        f"(goal < 2 KB: {verdict(m['proof_bytes_encoded'] < 2048)}), verified in "
        f"{m['verify_us']:.0f} µs (goal < 1 ms: {verdict(m['verify_us'] < 1000)}).",
        "",
        "## Policy decisions",
        "",
        f"The same {pol['requests']:,} requests ({pol['allowed']} allowed) — clearance admits the "
        "level and the person is in the knowledge scope by person or department — decided by "
        "`policy.check()` and by pycasbin with an equivalent ABAC model; the engines agree on "
        f"every request: {pol['engines_agree']}.",
        "",
        "| engine | decisions/s | µs per decision |",
        "|---|---|---|",
        f"| Baomi `policy.check` | {pol['baomi_decisions_per_s']:,.0f} "
        f"| {pol['baomi_us_per_decision']:.1f} |",
        f"| Baomi, allowed requests only | {pol['baomi_allowed_only_per_s']:,.0f} "
        f"| {1e6 / pol['baomi_allowed_only_per_s']:.1f} |",
        f"| pycasbin | {pol['casbin_decisions_per_s']:,.0f} "
        f"| {pol['casbin_us_per_decision']:.1f} |",
        "",
        f"Goal ≤ 10 µs per decision: {verdict(pol['baomi_us_per_decision'] <= 10)}.",
        "",
    ]
    Path(target).write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
