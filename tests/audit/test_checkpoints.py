"""Signed checkpoints, inclusion proofs of single events and proofs that a log extends another."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import transaction

from baomi import audit
from baomi.audit import checkpoints as cps
from baomi.audit import merkle
from baomi.audit.models import AuditEvent, AuditHead, Checkpoint
from baomi.audit.verify import verify_chain

from .tamper import body_of, hash_of, sql, triggers_dropped

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_file")]


def append(n: int) -> None:
    for _ in range(n):
        with transaction.atomic():
            audit.record(None, "test.appended", None, n=AuditHead.objects.get().seq)


def test_a_checkpoint_signs_size_root_and_head_and_is_itself_audited():
    append(7)
    cp = cps.sign_checkpoint()
    assert cp.tree_size == 7
    assert cp.head == hash_of(7)
    assert cp.root == merkle.MerkleTree([hash_of(i) for i in range(1, 8)]).root()
    assert Checkpoint.objects.get().tree_size == 7
    assert AuditEvent.objects.get(seq=8).action == "audit.checkpoint_signed"
    assert verify_chain().ok


def test_a_changed_checkpoint_or_a_foreign_key_is_refused():
    append(3)
    document = cps.sign_checkpoint().document
    forged = json.loads(document)
    forged["tree_size"] = 2
    with pytest.raises(cps.CheckpointError, match="signature"):
        cps.read_checkpoint(json.dumps(forged))
    with pytest.raises(cps.CheckpointError, match="signature"):
        cps.read_checkpoint(document, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(cps.CheckpointError, match="cannot be read"):
        cps.read_checkpoint("not json")


def test_every_event_is_proven_against_the_checkpoint_with_a_short_proof():
    append(37)
    cp = cps.sign_checkpoint()
    for seq in range(1, 38):
        proof = cps.prove_event(seq, cp)
        assert proof.verify(cp)
        assert len(proof.to_json()) < 2048
        again = cps.InclusionProof.from_json(proof.to_json())
        assert again.verify(cp)


def test_a_tampered_event_is_not_proven():
    append(20)
    cp = cps.sign_checkpoint()
    with triggers_dropped():
        sql(
            "UPDATE audit_auditevent SET body = %s WHERE seq = 9",
            [body_of(9).replace('"n":8', '"n":80')],
        )
    assert not cps.prove_event(9, cp).verify(cp)
    assert cps.prove_event(10, cp).verify(cp)  # untouched events still prove


def test_a_proof_is_not_accepted_for_another_position_or_a_changed_body():
    append(16)
    cp = cps.sign_checkpoint()
    proof = cps.prove_event(5, cp)
    moved = cps.InclusionProof(
        6, proof.body, proof.prev_hash, proof.tree_size, proof.path, proof.alg
    )
    edited = cps.InclusionProof(
        5,
        proof.body.replace('"n":4', '"n":40'),
        proof.prev_hash,
        proof.tree_size,
        proof.path,
        proof.alg,
    )
    assert not moved.verify(cp) and not edited.verify(cp)


def test_a_later_checkpoint_extends_an_earlier_one():
    append(5)
    old = cps.sign_checkpoint()
    append(11)
    new = cps.sign_checkpoint()
    assert cps.verify_extension(old, new, cps.prove_extension(old, new))


def rewrite_history_from(seq: int) -> None:
    """An intruder edits event `seq` and recomputes every later hash and the head."""
    with triggers_dropped():
        sql(
            "UPDATE audit_auditevent SET body = %s WHERE seq = %s",
            [body_of(seq).replace('"test.appended"', '"test.forged"'), seq],
        )
        prev = hash_of(seq - 1) if seq > 1 else bytes(32)
        last = AuditHead.objects.get().seq
        for s in range(seq, last + 1):
            prev = hashlib.sha256(prev + body_of(s).encode()).digest()
            sql("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", [prev, s])
    AuditHead.objects.update(hash=prev)


def test_a_forked_log_does_not_extend_the_earlier_checkpoint():
    append(8)
    old = cps.sign_checkpoint()
    append(4)
    rewrite_history_from(3)
    forked = cps.sign_checkpoint()
    assert not cps.verify_extension(old, forked, cps.prove_extension(old, forked))


def test_a_rewritten_history_is_caught_by_the_stored_checkpoint():
    append(8)
    cps.sign_checkpoint()
    append(2)
    rewrite_history_from(4)
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_bad == 8 and "checkpoint" in verdict.reason


def test_verify_command_proves_an_event_and_an_extension(tmp_path):
    append(6)
    old = tmp_path / "old.json"
    call_command(
        "checkpoint", "--out", str(old), "--html", str(tmp_path / "cp.html"), stdout=StringIO()
    )
    append(6)
    new = tmp_path / "new.json"
    call_command("checkpoint", "--out", str(new), stdout=StringIO())
    out = StringIO()
    call_command("verify", "--event", "4", "--checkpoint", str(new), stdout=out)
    assert "event 4 is in the checkpointed log of 13 events" in out.getvalue()
    call_command("verify", "--checkpoint", str(new), "--extends", str(old), stdout=out)
    assert "extends the checkpoint of 6" in out.getvalue()
    proof = tmp_path / "proof.json"
    call_command("prove", "--event", "4", "--checkpoint", str(new), "--out", str(proof))
    call_command("verify", "--proof", str(proof), "--checkpoint", str(new), stdout=out)
    page = (tmp_path / "cp.html").read_text(encoding="utf-8")
    assert "<svg" in page and old.read_text() and json.loads(old.read_text())["root"] in page


def test_verify_command_fails_for_a_tampered_event(tmp_path):
    append(6)
    path = tmp_path / "cp.json"
    call_command("checkpoint", "--out", str(path), stdout=StringIO())
    with triggers_dropped():
        sql(
            "UPDATE audit_auditevent SET body = %s WHERE seq = 2",
            [body_of(2).replace('"n":1', '"n":7')],
        )
    with pytest.raises(CommandError, match="event 2 is NOT proven") as raised:
        call_command("verify", "--event", "2", "--checkpoint", str(path))
    assert raised.value.returncode == 1


def test_the_printable_page_is_the_auditors_and_shows_the_qr(client, security_admin):
    from baomi.people.models import AdminRole
    from baomi.people.services import create_person

    append(2)
    cps.sign_checkpoint()
    stored = Checkpoint.objects.get()
    client.force_login(security_admin)
    assert client.get(f"/audit/checkpoints/{stored.pk}/").status_code == 403
    auditor = create_person(
        actor=None,
        username="auditor",
        full_name="审计员",
        password="Correct-horse-7",
        admin_role=AdminRole.AUDITOR,
    )
    client.force_login(auditor)
    page = client.get(f"/audit/checkpoints/{stored.pk}/")
    assert page.status_code == 200 and b"<svg" in page.content
    download = client.get(f"/audit/checkpoints/{stored.pk}/download/")
    assert download.content.decode() == stored.document
