from collections.abc import Sequence
from typing import Any

Outcome = tuple[int, bytes, int | None, str]
Run = tuple[int, bytes, bytes, int, bytes]

def first_bad_link(alg: str, prev: bytes, rows: Sequence[tuple[Any, Any]]) -> int: ...
def check_sqlite(
    alg: str, path: str, table: str, start: int, stop: int, prev: bytes
) -> Outcome: ...
def check_postgres(
    alg: str, params: dict[str, str], table: str, start: int, stop: int, prev: bytes, fetch: int
) -> Outcome: ...
def runs_postgres(
    alg: str,
    params: dict[str, str],
    table: str,
    first_page: int,
    stop_page: int,
    start: int,
    stop: int,
    pages: int,
    max_runs: int,
) -> list[Run] | None: ...
