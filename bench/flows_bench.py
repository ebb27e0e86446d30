"""The flows at scale: the clerk's workbench and the chase list (催阅), on the ledger bench's
register (200,000 documents, 1,000,000 copies) with 100,000 open circulations and 20,000 open
loans.

    python -m bench.flows_bench --circulations 100000 --loans 20000 --json out.json
(DATABASE_URL selects the database, which must hold no ledger yet, or the register of an
earlier run of this bench; give the bench a BAOMI_DATA_DIR of its own. --documents and
--copies size the register as in bench.ledger_bench.)

All of it is fixture data, loaded in bulk: the register by bench.ledger_bench's own
generator, then the circulations, their steps and the loans by executemany on SQLite and COPY
on PostgreSQL, with the copies moved to match (an UPDATE per copy on SQLite, one UPDATE from a
COPY-loaded temporary table on PostgreSQL). The services are not used: they record an audit
event per move and would take hours at this size.

Each circulation is of one copy of a classified document (秘密 and above, in force) that was
in its cabinet; the clerk is the document's registering clerk (the confidential room's for
most), the readers 2-4 people of the departments in the document's knowledge scope, cleared
for its level. A circulation is either not yet handed out (the copy still in its cabinet),
with one reader (the copy circulating, held by that reader) or back with the clerk between two
readers (circulating, held by the clerk); a reader's step is waiting, handed or returned, with
the times the check constraint asks for. Handed steps fall due so that about --overdue of them
are past due. Loans are of other such copies, to a person of a department in scope, the copy
on loan and held by the borrower.

The workbench is measured through its real URL (/flows/, logged in with force_login) as the
clerk who runs most circulations and as a general-tier member of staff; so is the chase list
(催阅, /flows/lists/readers/, its first page of 50), and chase_list(person) for its first 50 rows
where it is made. No list is counted: the pages do not count them either.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench import ledger_bench as lb

GOALS = {"workbench_p95_ms": 150.0, "chase_p95_ms": 150.0}
# how far a circulation has come: not yet handed out, with a reader, back with the clerk
PROGRESS = [("unhanded", 10.0), ("handed", 75.0), ("with_clerk", 15.0)]
CHASE_ROWS = 50


# ------------------------------------------------------------------------------- loading


def candidates() -> list[tuple[int, int, int, int, int]]:
    """(copy, cabinet, document, level, registering clerk) of every copy of a classified
    document in force that is in its cabinet, in copy order."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT c.id, c.cabinet_id, d.id, d.level, d.registered_by_id "
            "FROM ledger_copy c JOIN ledger_document d ON d.id = c.document_id "
            "WHERE c.state = 'in_cabinet' AND d.level >= 2 AND d.state = 'active' "
            "ORDER BY c.id"
        )
        return [tuple(r) for r in c.fetchall()]  # type: ignore[misc]


def scope_departments() -> dict[int, list[int]]:
    from baomi.ledger.models import ScopeEntry

    out: dict[int, list[int]] = defaultdict(list)
    for doc, dept in ScopeEntry.objects.filter(department__isnull=False).values_list(
        "document_id", "department_id"
    ):
        out[doc].append(dept)
    return out


def readers_by_level() -> dict[tuple[int, int], list[int]]:
    """The active, non-administrator people of each department cleared for each level."""
    from baomi.core.levels import TIER_CEILING, Tier
    from baomi.people.models import Person

    out: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, dept, tier in Person.objects.filter(
        is_active=True, admin_role="", department__isnull=False
    ).values_list("pk", "department_id", "tier"):
        for level in range(2, TIER_CEILING[Tier(tier)] + 1):
            out[dept, level].append(pk)
    return out


def move_copies(loader: lb.Loader, moves: list[tuple[int, str, int]]) -> None:
    """Copies (id, state, holder) out of their cabinets: to a person, cabinet cleared."""
    raw = loader.connection.connection
    if loader.vendor == "sqlite":
        raw.executemany(
            "UPDATE ledger_copy SET state = ?, holder_id = ?, cabinet_id = NULL WHERE id = ?",
            ((state, holder, pk) for pk, state, holder in moves),
        )
        return
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_copy_moves "
            "(id bigint PRIMARY KEY, state varchar(16), holder_id bigint) ON COMMIT DROP"
        )
        with cursor.copy("COPY bench_copy_moves (id, state, holder_id) FROM STDIN") as copy:
            for row in moves:
                copy.write_row(row)
        cursor.execute(
            "UPDATE ledger_copy c SET state = m.state, holder_id = m.holder_id, cabinet_id = NULL "
            "FROM bench_copy_moves m WHERE c.id = m.id"
        )


def analyze_flows(loader: lb.Loader) -> None:
    with loader.connection.cursor() as c:
        for table in ("ledger_copy", "flows_circulation", "flows_circulationstep", "flows_loan"):
            c.execute(f"ANALYZE {table}")


def generate_flows(
    circulations: int, loans: int, overdue: float, loan_overdue: float, seed: int = 2027
) -> dict[str, Any]:
    """Open circulations with their steps, and open loans, on the loaded register."""
    from django.db import connection, transaction

    from baomi.core import clock
    from baomi.flows.models import Circulation, CirculationStep, Loan

    started = time.perf_counter()
    rng = random.Random(seed)
    loader = lb.Loader()
    steps: dict[str, float] = {}
    pool = candidates()
    depts = scope_departments()
    cleared = readers_by_level()
    steps["read_register_s"] = time.perf_counter() - started
    assert len(pool) >= circulations + loans, f"only {len(pool)} classified copies in cabinets"
    chosen = rng.sample(pool, circulations + loans)
    circulated, lent = chosen[:circulations], chosen[circulations:]
    circulated.sort()
    lent.sort()
    now = clock.now()
    day = 86_400.0
    pick_progress = lb.weighted(rng, PROGRESS)
    moves: list[tuple[int, str, int]] = []
    counts: Counter[str] = Counter()
    step_rows: list[tuple[Any, ...]] = []
    at = loader.datetime

    def readers_for(document: int, level: int, exclude: int) -> list[int]:
        people = {p for d in depts.get(document, ()) for p in cleared.get((d, level), ())}
        people.discard(exclude)
        return sorted(people)

    def circulation_rows() -> Iterator[tuple[Any, ...]]:
        step_id = 0
        for n, (copy, cabinet, document, level, clerk) in enumerate(circulated, start=1):
            people = readers_for(document, level, clerk)
            if not people:  # nobody else in scope is cleared: the clerk reads it
                people = [clerk]
            readers = rng.sample(people, min(len(people), rng.randint(2, 4)))
            k = len(readers)
            progress = pick_progress()
            if progress == "with_clerk" and k < 2:
                progress = "handed"
            returned = (
                0
                if progress == "unhanded"
                else rng.randrange(0, k)
                if progress == "handed"
                else rng.randrange(1, k)
            )
            handed = progress == "handed"
            begun = now - dt.timedelta(seconds=rng.uniform(0.05, 10) * day)
            span = (now - begun).total_seconds()
            times = sorted(
                begun + dt.timedelta(seconds=rng.random() * span)
                for _ in range(2 * returned + handed)
            )
            for position, reader in enumerate(readers, start=1):
                step_id += 1
                handed_at = due_at = signed_at = returned_at = None
                if position <= returned:
                    state = "returned"
                    handed_at, returned_at = times[2 * position - 2], times[2 * position - 1]
                    due_at = handed_at + dt.timedelta(days=1)
                    signed_at = handed_at + (returned_at - handed_at) / 10
                elif handed and position == returned + 1:
                    state = "handed"
                    handed_at = times[-1]
                    if rng.random() < overdue:
                        due_at = handed_at + (now - handed_at) * rng.uniform(0.1, 0.99)
                        counts["overdue_steps"] += 1
                    else:
                        due_at = now + dt.timedelta(seconds=rng.uniform(0.05, 3) * day)
                    if rng.random() < 0.8:
                        signed_at = handed_at + (min(due_at, now) - handed_at) / 20
                    moves.append((copy, "circulating", reader))
                else:
                    state = "waiting"
                counts[f"{state}_steps"] += 1
                step_rows.append(
                    (step_id, n, position, reader, state, at(handed_at) if handed_at else None,
                     at(due_at) if due_at else None, at(signed_at) if signed_at else None,
                     at(returned_at) if returned_at else None)
                )  # fmt: skip
            if progress == "with_clerk":
                moves.append((copy, "circulating", clerk))
            counts[progress] += 1
            yield (n, copy, clerk, cabinet, at(begun), "open")

    def loan_rows() -> Iterator[tuple[Any, ...]]:
        for n, (copy, cabinet, document, level, clerk) in enumerate(lent, start=1):
            people = readers_for(document, level, clerk) or [clerk]
            borrower = rng.choice(people)
            lent_at = now - dt.timedelta(seconds=rng.uniform(0.05, 10) * day)
            if rng.random() < loan_overdue:
                due_at = lent_at + (now - lent_at) * rng.uniform(0.1, 0.99)
                counts["overdue_loans"] += 1
            else:
                due_at = now + dt.timedelta(seconds=rng.uniform(0.05, 5) * day)
            place = "home" if rng.random() < 0.05 else "office"
            moves.append((copy, "on_loan", borrower))
            yield (n, copy, borrower, clerk, cabinet, place, at(lent_at), at(due_at))

    batch = 20_000
    with transaction.atomic():
        t = time.perf_counter()
        rows = circulation_rows()
        while chunk := [row for _, row in zip(range(batch), rows, strict=False)]:
            loader.load(
                Circulation,
                ["id", "copy_id", "clerk_id", "cabinet_id", "started_at", "state"],
                chunk,
            )
            loader.load(
                CirculationStep,
                ["id", "circulation_id", "position", "reader_id", "state", "handed_at",
                 "due_at", "signed_at", "returned_at"],
                step_rows,
            )  # fmt: skip
            counts["steps"] += len(step_rows)
            step_rows.clear()
        steps["circulations_s"] = time.perf_counter() - t
        t = time.perf_counter()
        loader.load(
            Loan,
            ["id", "copy_id", "borrower_id", "lent_by_id", "cabinet_id", "place", "lent_at",
             "due_at"],
            loan_rows(),
        )  # fmt: skip
        steps["loans_s"] = time.perf_counter() - t
        t = time.perf_counter()
        move_copies(loader, moves)
        steps["copies_s"] = time.perf_counter() - t
        if connection.vendor == "postgresql":
            from django.core.management.color import no_style

            with connection.cursor() as c:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Circulation, CirculationStep, Loan]
                ):
                    c.execute(sql)
        committing = time.perf_counter()
    steps["commit_s"] = time.perf_counter() - committing
    steps["analyze_s"], _ = lb.timed(analyze_flows, loader)
    steps["total_s"] = time.perf_counter() - started
    return {
        "flows_generation": steps,
        "circulations": circulations,
        "loans": loans,
        "moved_copies": len(moves),
        "counts": dict(counts),
    }


def existing_flows(circulations: int, loans: int) -> bool:
    from baomi.flows.models import Circulation, Loan

    have = Circulation.objects.count()
    if not have:
        return False
    if have != circulations or Loan.objects.count() != loans:
        raise SystemExit(
            f"the database already holds {have} circulations; the bench needs its own database"
        )
    return True


def totals() -> dict[str, Any]:
    """What the database holds, counted (for a reused database as for a new one)."""
    from django.db.models import Count

    from baomi.core import clock
    from baomi.flows.models import Circulation, CirculationStep, Loan

    now = clock.now()
    by_state = dict(CirculationStep.objects.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "open_circulations": Circulation.objects.filter(state="open").count(),
        "steps": sum(by_state.values()),
        "steps_by_state": by_state,
        "overdue_steps": CirculationStep.objects.filter(state="handed", due_at__lt=now).count(),
        "open_loans": Loan.objects.filter(returned_at__isnull=True).count(),
        "overdue_loans": Loan.objects.filter(returned_at__isnull=True, due_at__lt=now).count(),
    }


# ------------------------------------------------------------------------------ measuring


def people() -> dict[str, Any]:
    """The clerk who runs most circulations, the clerk of the general-tier person's department,
    and the ledger bench's general-tier person."""
    from django.db.models import Count

    from baomi.flows.models import Circulation
    from baomi.people.models import Person

    top = (
        Circulation.objects.filter(state="open")
        .values("clerk")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert top is not None
    general = lb.subjects()["general"]
    return {
        "clerk": Person.objects.get(pk=top["clerk"]),
        # a clerk whose department is in few scopes: the lists check visibility on many rows
        "department clerk": Person.objects.get(department=general.department, posts__post="clerk"),
        # no custody post: the workbench lists what is in the person's own hands
        "general": general,
    }


def sample(fn: Callable[[], Any], repeat: int, budget: float, warmup: int = 2) -> dict[str, float]:
    """Timings of `fn`: `repeat` calls, or fewer (at least 5) when they take longer than
    `budget` seconds in all, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < repeat and (len(samples) < 5 or time.perf_counter() - started < budget):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return lb.percentiles(samples)


def slowest(fn: Callable[[], Any], top: int = 3) -> dict[str, Any]:
    """One call of `fn` with its SQL captured: how many statements, their time in all, and
    the slowest ones with their plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        t = time.perf_counter()
        fn()
        wall = time.perf_counter() - t
    queries = captured.captured_queries
    ordered = sorted(queries, key=lambda q: -float(q["time"]))

    def plan(sql: str) -> str:
        return lb.explain(sql) if sql.lstrip().upper().startswith("SELECT") else ""

    return {
        "wall_ms": wall * 1000,
        "statements": len(queries),
        "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
        "slowest": [
            {
                "ms": float(q["time"]) * 1000,
                "sql": q["sql"],
                "plan": plan(q["sql"]),
            }
            for q in ordered[:top]
        ],
    }


def workbench_sizes(person: Any) -> dict[str, int]:
    """How many rows each list behind the workbench holds for this person."""
    from baomi.flows.views.workbench import ON_WORKBENCH, workbench_lists

    lists = workbench_lists(person)
    return {kind: lists[kind].count() for kind in ON_WORKBENCH}


def describe(person: Any) -> dict[str, Any]:
    from baomi.ledger.models import Document

    return {
        "username": person.username,
        "full_name": person.full_name,
        "tier": person.tier,
        "department": person.department.name,
        "posts": sorted(person.post_codes),
        "visible": Document.objects.visible_to(person).count(),
        "lists": workbench_sizes(person),
    }


def measure_person(person: Any, repeat: int, budget: float) -> dict[str, Any]:
    from django.urls import reverse

    from baomi.flows.services import chase_list

    client = lb.page_client(person)

    def getter(url: str) -> Callable[[], Any]:
        def get() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (response.status_code, response.get("Location"))
            return response

        return get

    page = getter(reverse("flows:workbench"))
    result = describe(person)
    result["page_kb"] = len(page().content) / 1024
    print(f"  lists: {result['lists']}, page {result['page_kb']:,.0f} KB", flush=True)
    measures: list[tuple[str, Callable[[], Any]]] = [
        ("workbench", page),
        ("chase_page", getter(reverse("flows:list", args=["readers"]))),
        ("chase_first_50", lambda: list(chase_list(person)[:CHASE_ROWS])),
    ]
    result["measures"] = {}
    for name, fn in measures:
        entry: dict[str, Any] = dict(sample(fn, repeat, budget))
        entry["diagnosis"] = slowest(fn)
        result["measures"][name] = entry
        d = entry["diagnosis"]
        print(
            f"  {name}: p50={entry['p50_ms']:.1f} p95={entry['p95_ms']:.1f} ms (n={entry['n']}); "
            f"{d['statements']} statements, {d['sql_ms']:.1f} ms in SQL, slowest "
            + ", ".join(f"{q['ms']:.1f}" for q in d["slowest"]),
            flush=True,
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--copies", type=int, default=1_000_000)
    parser.add_argument("--circulations", type=int, default=100_000)
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument(
        "--overdue", type=float, default=0.15, help="share of handed steps past due"
    )
    parser.add_argument("--loan-overdue", type=float, default=0.2, help="share of loans past due")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per measure")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per measure at most")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    lb.setup()
    from django.db import connection

    result: dict[str, Any] = {
        "database": connection.vendor,
        "goals": GOALS,
        "repeat": args.repeat,
        "budget_s": args.budget,
        "documents": args.documents,
        "copies": args.copies,
    }
    if lb.existing(args.documents, args.copies):
        result["generation"] = None
    else:
        print("generating the register…", flush=True)
        result["generation"] = lb.generate(args.documents, args.copies)["generation"]
    if existing_flows(args.circulations, args.loans):
        result["flows_generation"] = None
    else:
        print("generating circulations and loans…", flush=True)
        result.update(
            generate_flows(args.circulations, args.loans, args.overdue, args.loan_overdue)
        )
    from baomi.flows.views.workbench import SHOWN

    result["shown"] = SHOWN
    result["totals"] = totals()
    print({k: v for k, v in result.items() if k != "goals"}, flush=True)
    result["persons"] = {}
    for key, person in people().items():
        print(f"== {key} ({person.username}, {person.tier})", flush=True)
        result["persons"][key] = measure_person(person, args.repeat, args.budget)
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    if args.json:
        args.json.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
