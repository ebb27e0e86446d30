"""Shared test set-up: every test that touches the database is marked `db`, so `make test`
runs exactly those again on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import pytest_django.fixtures

from baomi.policy import engine
from tests.support.factories import lower_secret_limits  # noqa: F401  (imported from here too)

_databases_for_test = pytest_django.fixtures._get_databases_for_test


def _with_committed_db(test: pytest.Item) -> tuple[object, bool]:
    # pytest-django creates the test database only for tests that ask for its own fixtures;
    # `committed_db` (below) needs it too
    if "committed_db" in getattr(test, "fixturenames", ()):
        return ["default"], False
    return _databases_for_test(test)


pytest_django.fixtures._get_databases_for_test = _with_committed_db

DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "committed_db"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        uses_db = DB_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker(
            "django_db"
        )
        if uses_db:
            item.add_marker(pytest.mark.db)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings) -> None:  # type: ignore[no-untyped-def]
    """Argon2 is deliberately slow; tests hash with a fast one except those marked argon2."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_policy_snapshot() -> Iterator[None]:
    """A rolled-back override must not survive in the process's parameter snapshot."""
    engine.invalidate()
    yield
    engine.invalidate()


@pytest.fixture
def steady_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """For a test that counts queries: the parameter snapshot is checked against the database
    at most once a second, so on a loaded machine a slow step would add that check at random.
    It costs by time, not by rows; here it is checked only after an invalidation."""
    monkeypatch.setattr(engine, "SNAPSHOT_TTL", float("inf"))


@pytest.fixture
def signing_key_file(settings, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh checkpoint key for the test, never the installation's."""
    settings.SIGNING_KEY_FILE = tmp_path / "signing.pem"
    return settings.SIGNING_KEY_FILE


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Database access without a wrapping transaction, for tests of commits and concurrency.

    Django's own flush cannot empty the append-only audit tables, so the clean-up drops the
    triggers, flushes, and restores the triggers and the rows the migrations create.
    """
    import importlib

    from django.apps import apps
    from django.core.management import call_command

    from tests.audit.tamper import triggers_dropped

    with django_db_blocker.unblock():
        yield
        with triggers_dropped():
            call_command("flush", interactive=False, verbosity=0)
        importlib.import_module("baomi.audit.migrations.0002_append_only").genesis(apps, None)
        importlib.import_module("baomi.policy.migrations.0002_state").create_state(apps, None)
        importlib.import_module("baomi.ledger.migrations.0002_default_catalog").load(apps, None)


@pytest.fixture
def security_admin(db):  # type: ignore[no-untyped-def]
    """The security administrator, who changes policy parameters."""
    from baomi.people.models import AdminRole
    from tests.support.factories import administrator

    return administrator("secadmin", AdminRole.SECURITY, full_name="王保密")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Django removes the SQLite test database but not its WAL side files."""
    from pathlib import Path

    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _rules_shown(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked `refuses(RULE, …)` must see the policy refuse under each rule, and one
    marked `applied(RULE, …)` must read each rule's parameters: the catalog counts a rule as
    enforced or applied only on the strength of such a test (tests/policy/test_rule_status.py)."""
    wanted = {
        (kind, rule_id)
        for kind, marker in (("refused", "refuses"), ("read", "applied"))
        for mark in request.node.iter_markers(marker)
        for rule_id in mark.args
    }
    if not wanted:
        yield
        return
    seen: set[tuple[str, str]] = set()
    engine.watching = seen
    try:
        yield
    finally:
        engine.watching = None
    missing = sorted(f"{rule_id} ({kind})" for kind, rule_id in wanted - seen)
    assert not missing, f"the test never showed {', '.join(missing)}"
