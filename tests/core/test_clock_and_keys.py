from __future__ import annotations

import datetime as dt
import stat

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
