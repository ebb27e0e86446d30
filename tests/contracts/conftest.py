"""The contract's data is built once for the package, in a transaction rolled back at its end;
each test runs in a savepoint inside it, so whatever a request changes is undone before the
next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.test import TestCase, override_settings

from .world import MOMENT, World, build_world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("contract")
    settings = override_settings(
        # keys and stored content of this run only; the classified profile holds 机密 content
        DATA_DIR=data,
        CONTENT_KEY_FILE=data / "keys" / "content_key",
        SIGNING_KEY_FILE=data / "keys" / "signing.pem",
        BAOMI_PROFILE="classified",
        # the per-test fast hashing does not reach a package fixture: the demo's 25 accounts
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    # deadlines and opening hours read the clock: every run sees the same Tuesday morning
    traveller = time_machine.travel(MOMENT, tick=False)
    with django_db_blocker.unblock():
        settings.enable()
        traveller.start()
        atomics = TestCase._enter_atomics()
        try:
            yield build_world()
        finally:
            TestCase._rollback_atomics(atomics)
            traveller.stop()
            settings.disable()
