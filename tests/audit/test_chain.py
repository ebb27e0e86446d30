"""The audit chain: appends, tamper detection, append-only triggers and concurrent writers."""

from __future__ import annotations

import hashlib
import itertools
import json
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baomi import audit
from baomi.audit.chain import COPY_FROM, GENESIS, Entry, record_many
from baomi.audit.models import AuditEvent, AuditHead
from baomi.audit.verify import verify_chain
from baomi.core.models import OrgUnit

from .tamper import body_of, hash_of, sql, triggers_dropped


def append(n: int, action: str = "test.appended") -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(None, action, ("test.thing", i), i=i)


@pytest.mark.django_db
def test_record_appends_the_hashed_event_with_its_generated_columns():
    unit = OrgUnit.objects.create(name="机要室", path="/1/")
    with transaction.atomic():
        event = audit.record(None, "orgunit.renamed", unit, old="a", new="b")
    stored = AuditEvent.objects.get(seq=event.seq)
    body = json.loads(stored.body)
    assert body["action"] == "orgunit.renamed"
    assert body["object"] == {"type": "core.orgunit", "id": str(unit.pk)}
    assert body["data"] == {"old": "a", "new": "b"}
    assert (stored.action, stored.object_type, stored.object_id) == (
        "orgunit.renamed",
        "core.orgunit",
        str(unit.pk),
    )
    assert bytes(stored.hash) == hashlib.sha256(GENESIS + stored.body.encode()).digest()
    head = AuditHead.objects.get()
    assert (head.seq, bytes(head.hash)) == (1, bytes(stored.hash))


@pytest.mark.django_db
def test_the_search_columns_are_derived_from_the_body_whatever_a_writer_supplies():
    body = '{"action":"thing.done","actor":{"id":"7","name":"x"},"object":{"id":"9","type":"a.b"}}'
    forge = (
        "INSERT INTO audit_auditevent (seq, hash, body, action, actor_id, object_type, object_id)"
        " VALUES (1, %s, %s, 'forged', '1', 'forged', '1')"
    )
    # generated columns: the database refuses to write them at all
    with pytest.raises(DatabaseError, match="generated column"), transaction.atomic():
        sql(forge, [bytes(32), body])
    sql_insert = "INSERT INTO audit_auditevent (seq, hash, body) VALUES (1, %s, %s)"
    with transaction.atomic():
        sql(sql_insert, [bytes(32), body])
    with transaction.atomic(), triggers_dropped():
        # not even with the append-only triggers out of the way
        with pytest.raises(DatabaseError, match="generated column"), transaction.atomic():
            sql("UPDATE audit_auditevent SET object_id = '8' WHERE seq = 1")
        sql("UPDATE audit_auditevent SET body = %s WHERE seq = 1", [body.replace('"9"', '"8"')])
    stored = AuditEvent.objects.values_list("action", "actor_id", "object_type", "object_id")
    assert list(stored) == [("thing.done", "7", "a.b", "8")]


@pytest.mark.django_db
def test_verify_reports_search_columns_no_longer_generated():
    append(2)
    assert verify_chain().ok
    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot make a generated column writable short of rebuilding the table")
    with transaction.atomic():
        sql("ALTER TABLE audit_auditevent ALTER COLUMN object_id DROP EXPRESSION")
        verdict = verify_chain()
        transaction.set_rollback(True)
    assert not verdict.ok and "object_id" in verdict.reason


@pytest.mark.django_db
def test_each_hash_links_to_the_previous_one():
    append(3)
    events = list(AuditEvent.objects.order_by("seq"))
    for before, after in itertools.pairwise(events):
        expected = hashlib.sha256(bytes(before.hash) + after.body.encode()).digest()
        assert bytes(after.hash) == expected


def test_record_refuses_to_run_outside_the_actions_transaction(committed_db):
    with pytest.raises(transaction.TransactionManagementError):
        audit.record(None, "test.appended")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["appended", "test.", ".x", "test.has space", "a.b;drop"])
def test_action_names_are_noun_dot_verb(action):
    with pytest.raises(ValueError, match=r"noun\.verb_past"), transaction.atomic():
        audit.record(None, action)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [50, COPY_FROM + 50])  # row inserts; COPY on PostgreSQL
def test_a_batch_is_one_ordered_run_of_the_chain(count):
    with transaction.atomic():
        positions = record_many(
            Entry(None, "test.appended", ("test.thing", f"第{i}号"), {"i": i}) for i in range(count)
        )
    assert positions == range(1, count + 1)
    assert verify_chain().ok
    last = AuditEvent.objects.get(seq=count)
    assert json.loads(last.body)["data"] == {"i": count - 1}
    assert (last.action, last.object_type, last.object_id) == (
        "test.appended",
        "test.thing",
        f"第{count - 1}号",
    )


@pytest.mark.django_db
def test_an_intact_chain_verifies():
    append(10)
    verdict = verify_chain()
    assert verdict.ok and verdict.events == 10 and verdict.first_bad is None


@pytest.mark.django_db
def test_an_empty_chain_verifies():
    assert verify_chain().ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET body = '{}' WHERE seq = 2",
        "DELETE FROM audit_auditevent WHERE seq = 2",
    ],
)
@pytest.mark.django_db
def test_triggers_refuse_update_and_delete(statement):
    append(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_edited_event_is_caught_at_its_position():
    append(10)
    edited = body_of(6).replace('"i":5', '"i":55')
    with triggers_dropped():
        sql("UPDATE audit_auditevent SET body = %s WHERE seq = 6", [edited])
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_bad == 6


@pytest.mark.django_db
def test_a_deleted_event_is_caught_at_its_position():
    append(10)
    with triggers_dropped():
        sql("DELETE FROM audit_auditevent WHERE seq = 4")
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_bad == 4


@pytest.mark.django_db
def test_a_deleted_last_event_is_caught_by_the_head():
    append(10)
    with triggers_dropped():
        sql("DELETE FROM audit_auditevent WHERE seq = 10")
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_bad == 10


@pytest.mark.django_db
def test_an_inserted_event_is_caught_even_with_a_correct_hash_of_its_own():
    append(10)
    with triggers_dropped():
        for seq in range(10, 4, -1):  # make room at position 5
            sql("UPDATE audit_auditevent SET seq = seq + 1 WHERE seq = %s", [seq])
        forged = body_of(4).replace('"seq":4', '"seq":5')
        digest = hashlib.sha256(hash_of(4) + forged.encode()).digest()
        sql("INSERT INTO audit_auditevent (seq, hash, body) VALUES (5, %s, %s)", [digest, forged])
    AuditHead.objects.update(seq=11)
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_bad == 6


@pytest.mark.django_db
def test_reordered_events_are_caught():
    append(10)
    rows = {seq: (body_of(seq), hash_of(seq)) for seq in (3, 7)}
    with triggers_dropped():
        for seq, other in ((3, 7), (7, 3)):
            body, digest = rows[other]
            sql(
                "UPDATE audit_auditevent SET body = %s, hash = %s WHERE seq = %s",
                [body, digest, seq],
            )
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_bad == 3


@pytest.mark.django_db
def test_verify_command_exits_non_zero_naming_the_first_bad_position():
    from django.core.management import CommandError, call_command

    append(5)
    with triggers_dropped():
        sql(
            "UPDATE audit_auditevent SET body = %s WHERE seq = 2",
            [body_of(2).replace('"i":1', '"i":9')],
        )
    with pytest.raises(CommandError, match="position 2") as raised:
        call_command("verify")
    assert raised.value.returncode == 1


FIELDS = st.sampled_from(["body", "hash", "seq"])


@pytest.mark.django_db
def test_any_single_byte_change_to_any_stored_event_is_caught():
    append(12)
    originals = {seq: (body_of(seq).encode(), hash_of(seq)) for seq in range(1, 13)}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        seq=st.integers(1, 12),
        field=FIELDS,
        position=st.integers(0, 10_000),
        delta=st.integers(1, 255),
    )
    def change_one_byte(seq, field, position, delta):
        body, digest = originals[seq]
        try:
            with transaction.atomic(), triggers_dropped():
                if field == "seq":
                    sql(
                        "UPDATE audit_auditevent SET seq = seq + %s WHERE seq = %s",
                        [delta % 256 or 1, seq],
                    )
                else:
                    data = bytearray(body if field == "body" else digest)
                    i = position % len(data)
                    data[i] = (data[i] + delta) % 256
                    if field == "body":
                        write_body(seq, bytes(data))
                    else:
                        sql(
                            "UPDATE audit_auditevent SET hash = %s WHERE seq = %s",
                            [bytes(data), seq],
                        )
                verdict = verify_chain()
                assert not verdict.ok
                assert verdict.first_bad is not None and verdict.first_bad <= seq
                raise Rollback
        except Rollback:
            pass
        except DatabaseError:
            # the database refused to store the changed byte (not JSON, not UTF-8, or a
            # duplicate position): such an event cannot exist, which is as good as caught
            pass
        assert verify_chain().ok

    change_one_byte()


class Rollback(Exception):
    pass


def write_body(seq: int, data: bytes) -> None:
    if connection.vendor == "sqlite":
        sql("UPDATE audit_auditevent SET body = CAST(%s AS TEXT) WHERE seq = %s", [data, seq])
    else:
        sql(
            "UPDATE audit_auditevent SET body = convert_from(%s, 'UTF8')::json WHERE seq = %s",
            [data, seq],
        )


def test_eight_concurrent_writers_produce_one_intact_chain(committed_db):
    writers, each = 8, 40
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
                    audit.record(None, "test.appended", ("test.writer", n), i=i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    verdict = verify_chain()
    assert verdict.ok and verdict.events == writers * each
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, writers * each + 1))
    for n in range(writers):  # each writer's own events keep their order
        mine = [
            json.loads(b)["data"]["i"]
            for b in AuditEvent.objects.filter(object_id=str(n)).values_list("body", flat=True)
        ]
        assert mine == list(range(each))


def test_parallel_verification_reports_the_first_bad_position(committed_db, monkeypatch):
    from baomi.audit import verify

    append(40)
    monkeypatch.setattr(verify, "PARALLEL_FROM", 1)
    assert verify_chain(workers=3).ok
    with triggers_dropped():
        for seq in (35, 30):
            sql(
                "UPDATE audit_auditevent SET body = %s WHERE seq = %s",
                [body_of(seq).replace('"test.appended"', '"test.forged"'), seq],
            )
    verdict = verify_chain(workers=3)
    assert not verdict.ok and verdict.first_bad == 30
    with triggers_dropped():
        sql("DELETE FROM audit_auditevent WHERE seq = 12")
    assert verify_chain(workers=3).first_bad == 12


@pytest.mark.django_db
def test_a_chain_started_with_sm3_is_hashed_and_verified_with_sm3():
    try:
        hashlib.new("sm3")
    except ValueError:
        pytest.skip("this OpenSSL build has no SM3")
    AuditHead.objects.update(alg="sm3")
    append(3)
    first = AuditEvent.objects.get(seq=1)
    assert bytes(first.hash) == hashlib.new("sm3", GENESIS + first.body.encode()).digest()
    assert verify_chain().ok
    with triggers_dropped():
        sql(
            "UPDATE audit_auditevent SET body = %s WHERE seq = 2",
            [body_of(2).replace('"i":1', '"i":2')],
        )
    assert verify_chain().first_bad == 2


def test_an_algorithm_this_build_lacks_is_refused():
    from baomi.audit.chain import hasher

    with pytest.raises(ValueError, match="not available"):
        hasher("md5")


@pytest.mark.django_db
def test_events_caused_by_a_web_request_record_where_it_came_from(rf):
    from baomi.audit.middleware import AuditOriginMiddleware

    def view(request):
        with transaction.atomic():
            audit.record(None, "test.appended")
        return None

    AuditOriginMiddleware(view)(rf.get("/", REMOTE_ADDR="10.1.2.3"))
    with transaction.atomic():
        audit.record(None, "test.appended")  # outside any request
    first, second = (json.loads(e.body) for e in AuditEvent.objects.order_by("seq"))
    assert first["origin"] == "10.1.2.3" and "origin" not in second
