from __future__ import annotations

import datetime as dt
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import time_machine

from baomi.core import clock
from baomi.core.keyfiles import read_or_create, read_or_create_secret


def test_today_is_the_organizations_date_not_the_servers():
    # 17:00 UTC is already the next day in Beijing
    with time_machine.travel(dt.datetime(2026, 11, 22, 17, 0, tzinfo=dt.UTC), tick=False):
        assert clock.now().date() == dt.date(2026, 11, 22)
        assert clock.today() == dt.date(2026, 11, 23)


def test_a_block_can_run_on_another_time_source():
    moment = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with clock.use(lambda: moment):
        assert clock.now() == moment
    assert clock.now() != moment


def test_a_key_file_is_created_once_owner_only_and_then_reused(tmp_path):
    path = tmp_path / "keys" / "secret"
    first = read_or_create_secret(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_secret(path) == first
    assert read_or_create(path, lambda: b"other") == first.encode()


def test_processes_starting_together_agree_on_one_whole_key(tmp_path):
    # the workers of a first start race to create the key; the winner's write takes a while
    # (a large key here), and no one may read it empty or cut short meanwhile
    path = tmp_path / "keys" / "secret"
    start = threading.Barrier(8)

    def first_start(n: int) -> bytes:
        start.wait()
        return read_or_create(path, lambda: f"key-{n}-".encode() * 500_000)

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(first_start, range(8)))
    assert len(keys) == 1 and keys == {path.read_bytes()}
    assert len(next(iter(keys))) == 3_000_000
    assert [p.name for p in path.parent.iterdir()] == ["secret"]
