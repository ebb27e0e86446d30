"""The compiled link check (`audit._links`) and its Python fallback: the same verdict on every
chain, intact or broken, in memory and read from the database."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from baomi.audit import scan
from baomi.audit.chain import GENESIS
from baomi.audit.verify import scan_params

from .tamper import body_of, hash_of, sql, triggers_dropped
from .test_chain import append


def test_the_compiled_check_is_built():
    # `make test` builds it (gcc, OpenSSL, SQLite and libpq headers): without it `baomi verify`
    # still works, at a third to a half of the speed
    assert scan._links is not None


def linked(count: int, alg: str = "sha256") -> list[tuple[bytes, bytes]]:
    rows, prev = [], GENESIS if alg == "sha256" else bytes(32)
    for i in range(count):
        body = f'{{"i":{i},"note":"审计事件"}}'.encode()
        prev = hashlib.new(alg, prev + body).digest()
        rows.append((prev, body))
    return rows


@pytest.fixture(params=["compiled", "python"])
def first_bad(request):  # type: ignore[no-untyped-def]
    return scan._links.first_bad_link if request.param == "compiled" else scan._first_bad_link


def test_an_intact_chain_has_no_bad_link(first_bad):
    assert first_bad("sha256", GENESIS, linked(50)) == -1
    assert first_bad("sha256", GENESIS, []) == -1


def test_the_first_link_that_does_not_match_is_named(first_bad):
    rows = linked(40)
    for i in (30, 17):
        rows[i] = (rows[i][0], rows[i][1].replace(b'"i"', b'"j"'))
    assert first_bad("sha256", GENESIS, rows) == 17
    rows = linked(40)
    rows[5] = (bytes(32), rows[5][1])
    assert first_bad("sha256", GENESIS, rows) == 5
    rows = linked(40)
    rows[5] = (rows[5][0][:-1], rows[5][1])  # a hash cut short
    assert first_bad("sha256", GENESIS, rows) == 5


def test_the_first_row_links_to_the_predecessor_given(first_bad):
    rows = linked(10)
    assert first_bad("sha256", rows[3][0], rows[4:]) == -1
    assert first_bad("sha256", rows[2][0], rows[4:]) == 0


def test_memoryviews_read_like_bytes_and_a_missing_value_links_to_nothing(first_bad):
    rows = linked(10)
    views = [(memoryview(digest), memoryview(body)) for digest, body in rows]
    assert first_bad("sha256", GENESIS, views) == -1
    rows[6] = (rows[6][0], None)
    assert first_bad("sha256", GENESIS, rows) == 6


def test_sm3_links_are_checked_with_sm3(first_bad):
    try:
        hashlib.new("sm3")
    except ValueError:
        pytest.skip("this OpenSSL build has no SM3")
    rows = linked(20, "sm3")
    assert first_bad("sm3", bytes(32), rows) == -1
    assert first_bad("sha256", bytes(32), rows) == 0


def test_the_compiled_check_refuses_what_it_cannot_check():
    with pytest.raises(ValueError, match="md-nothing is not available"):
        scan._links.first_bad_link("md-nothing", GENESIS, [])
    with pytest.raises(ValueError, match="wrong length"):
        scan._links.first_bad_link("sha256", b"short", [])
    with pytest.raises(TypeError, match="tuple"):
        scan._links.first_bad_link("sha256", GENESIS, [[b"", b""]])
    with pytest.raises(RuntimeError, match="cannot read the audit chain"):
        scan._links.check_sqlite("sha256", "/nonexistent/baomi.sqlite3", scan.TABLE, 1, 5, GENESIS)


def edit_body(seq: int) -> None:
    sql(
        "UPDATE audit_auditevent SET body = %s WHERE seq = %s",
        [body_of(seq).replace('"test.appended"', '"test.forged"'), seq],
    )


def swap(a: int, b: int) -> None:
    rows = {seq: (body_of(seq), hash_of(seq)) for seq in (a, b)}
    for seq, other in ((a, b), (b, a)):
        body, digest = rows[other]
        sql("UPDATE audit_auditevent SET body = %s, hash = %s WHERE seq = %s", [body, digest, seq])


def blob_body(seq: int) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL stores no text that is not UTF-8")
    data = body_of(seq).encode().replace(b"test", b"t\xffst")
    sql("UPDATE audit_auditevent SET body = CAST(%s AS BLOB) WHERE seq = %s", [data, seq])


#: a way to break a chain of 20 events → the first position it breaks
BREAKS = {
    "intact": (lambda: None, None),
    "edited body": (lambda: edit_body(6), 6),
    "edited hash": (
        lambda: sql("UPDATE audit_auditevent SET hash = %s WHERE seq = 9", [bytes(32)]),
        9,
    ),
    "deleted": (lambda: sql("DELETE FROM audit_auditevent WHERE seq = 4"), 4),
    "deleted last": (lambda: sql("DELETE FROM audit_auditevent WHERE seq = 20"), 20),
    "reordered": (lambda: swap(3, 7), 3),
    "a body that is not text": (lambda: blob_body(12), 12),
}


@pytest.mark.parametrize("tamper", BREAKS)
def test_the_compiled_and_python_checks_read_the_same_verdict_from_the_database(
    committed_db, monkeypatch, tamper
):
    append(20)
    start_hash = {start: hash_of(start - 1) if start > 1 else GENESIS for start in (1, 8)}
    change, first_bad = BREAKS[tamper]
    with triggers_dropped():
        change()
    monkeypatch.setattr(scan, "FETCH", 3)  # a bad link in the middle of a chunk of several
    vendor, params = scan_params()
    verdicts = {}
    for name, module in (("compiled", scan._links), ("python", None)):
        monkeypatch.setattr(scan, "_links", module)
        verdicts[name] = [
            scan.check_range(vendor, params, "sha256", start, 20, prev)
            for start, prev in start_hash.items()
        ]
    assert verdicts["compiled"] == verdicts["python"]
    whole, from_eight = verdicts["compiled"]
    assert whole.first_bad == first_bad
    if first_bad is None:
        assert whole.checked == 20 and whole.last_hash == hash_of(20)
    else:
        assert whole.checked == first_bad - 1 and whole.reason
        assert whole.last_hash == (hash_of(first_bad - 1) if first_bad > 1 else GENESIS)
    assert from_eight.first_bad == (first_bad if first_bad is None or first_bad >= 8 else None)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_a_head_named_far_ahead_is_a_missing_position_at_once(committed_db, monkeypatch, compiled):
    # a forged head at 10**12 must not be walked chunk by empty chunk
    append(20)
    monkeypatch.setattr(scan, "FETCH", 3)
    if not compiled:
        monkeypatch.setattr(scan, "_links", None)
    vendor, params = scan_params()
    verdict = scan.check_range(vendor, params, "sha256", 1, 10**12, GENESIS)
    assert (verdict.first_bad, verdict.checked) == (21, 20)
    assert verdict.reason == "position 21 is missing"


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_a_range_whose_predecessor_hash_is_gone_is_a_verdict_not_a_crash(
    committed_db, monkeypatch, compiled
):
    append(20)
    if not compiled:
        monkeypatch.setattr(scan, "_links", None)
    vendor, params = scan_params()
    for prev in (b"", hash_of(10)[:16]):
        verdict = scan.check_range(vendor, params, "sha256", 11, 20, prev)
        assert (verdict.first_bad, verdict.checked, verdict.last_hash) == (11, 0, prev)


def test_a_hash_stored_as_text_on_sqlite_reads_as_its_bytes_on_every_path(committed_db):
    from baomi.audit.verify import verify_chain

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps a bytea column bytea")
    append(20)
    tenth = hash_of(10)
    with triggers_dropped():
        sql("UPDATE audit_auditevent SET hash = CAST(hash AS TEXT) WHERE seq IN (5, 10)")
    vendor, params = scan_params()
    compiled = scan.check_range(vendor, params, "sha256", 1, 20, GENESIS)
    links, scan._links = scan._links, None
    try:
        python = scan.check_range(vendor, params, "sha256", 1, 20, GENESIS)
        from_eleven = scan.check_range(vendor, params, "sha256", 11, 20, tenth)
    finally:
        scan._links = links
    assert compiled == python and compiled.first_bad is None
    assert from_eleven.first_bad is None
    assert verify_chain().ok


def test_a_hash_that_is_text_or_a_number_links_to_nothing(first_bad):
    body = b'{"i":1}'
    for digest in ("x" * 32, 5):
        assert first_bad("sha256", GENESIS, [(digest, body)]) == 0


@pytest.mark.usefixtures("signing_key_file")
@pytest.mark.django_db
def test_a_checkpoint_signed_while_the_chain_is_read_is_no_false_alarm(monkeypatch):
    from baomi.audit import verify
    from baomi.audit.checkpoints import sign_checkpoint

    append(10)
    check = verify._check
    meanwhile: list[int] = []

    def while_others_append(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = check(*args, **kwargs)
        if not meanwhile:
            meanwhile.append(1)
            append(3)
            sign_checkpoint()  # names 13 events, recorded as the 14th
        return result

    monkeypatch.setattr(verify, "_check", while_others_append)
    verdict = verify.verify_chain()
    assert verdict.ok and verdict.events == 14, verdict
