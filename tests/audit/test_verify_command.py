"""`baomi verify --checkpoint FILE`: the log is checked against a checkpoint held outside the
database, and a checkpoint file that is not one is refused with exit status 2."""

from __future__ import annotations

import base64
import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import transaction

from baomi import audit
from baomi.audit import checkpoints as cps
from baomi.audit import merkle
from baomi.audit.models import AuditHead
from baomi.audit.verify import verify_chain

from .tamper import body_of, hash_of, sql, triggers_dropped

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_file")]


def append(n: int) -> None:
    for _ in range(n):
        with transaction.atomic():
            audit.record(None, "test.appended", None, n=AuditHead.objects.get().seq)


def run(command: str, *args: object) -> tuple[int, str]:
    """The exit status and what the command said (its output, or its error)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *[str(a) for a in args], stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def signed_file(path: Path, events: int) -> Path:
    """`events` events and a checkpoint of them written to `path` (its own signing event
    follows them in the log)."""
    append(events)
    assert run("checkpoint", "--out", path)[0] == 0
    return path


def forget_stored_checkpoints() -> None:
    """What an intruder does too, so that the database alone no longer contradicts the log."""
    with triggers_dropped():
        sql("DELETE FROM audit_checkpoint")


def cut_tail(keep: int) -> None:
    """Remove every event after `keep` and point the head at it: a consistent shorter log."""
    with triggers_dropped():
        sql("DELETE FROM audit_auditevent WHERE seq > %s", [keep])
    AuditHead.objects.update(seq=keep, hash=hash_of(keep))
    forget_stored_checkpoints()


def rewrite_from(seq: int) -> None:
    """Edit event `seq`, re-hash it and every later event, and move the head to match."""
    last = AuditHead.objects.get().seq
    with triggers_dropped():
        sql(
            "UPDATE audit_auditevent SET body = %s WHERE seq = %s",
            [body_of(seq).replace('"test.appended"', '"test.forged"'), seq],
        )
        prev = hash_of(seq - 1) if seq > 1 else bytes(32)
        for s in range(seq, last + 1):
            prev = hashlib.sha256(prev + body_of(s).encode()).digest()
            sql("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", [prev, s])
    AuditHead.objects.update(hash=prev)
    forget_stored_checkpoints()


# ------------------------------------------------------------------ the log against the file


def test_an_intact_log_holds_its_checkpoint_and_a_longer_log_still_does(tmp_path):
    path = signed_file(tmp_path / "cp.json", 12)
    code, said = run("verify", "--checkpoint", path)
    assert code == 0
    assert "audit chain intact: 13 events" in said
    assert "the log holds the 12 events of the checkpoint" in said
    append(5)
    assert run("verify", "--checkpoint", path, "--replay")[0] == 0


def test_a_checkpoint_of_the_empty_log_holds(tmp_path):
    path = tmp_path / "cp.json"
    assert run("checkpoint", "--out", path)[0] == 0
    assert run("verify", "--checkpoint", path)[0] == 0


def test_a_tail_cut_below_the_checkpoint_names_the_missing_events(tmp_path):
    path = signed_file(tmp_path / "cp.json", 120)
    cut_tail(97)
    assert run("verify")[0] == 0  # the database alone is consistent again
    code, said = run("verify", "--checkpoint", path)
    assert code == 1
    assert said == (
        "audit chain broken at position 98: the checkpoint covers 120 events; "
        "the log holds 97: events 98\u2013120 are missing"
    )


def test_one_event_cut_below_the_checkpoint_is_named(tmp_path):
    path = signed_file(tmp_path / "cp.json", 6)
    cut_tail(5)
    code, said = run("verify", "--checkpoint", path)
    assert code == 1 and said.endswith("the log holds 5: event 6 is missing")


def test_a_tail_cut_above_the_checkpoint_is_not_its_concern(tmp_path):
    path = signed_file(tmp_path / "cp.json", 6)
    append(4)
    cut_tail(8)
    assert run("verify", "--checkpoint", path)[0] == 0


def test_the_checkpoints_head_event_rewritten_and_rehashed_is_caught(tmp_path):
    path = signed_file(tmp_path / "cp.json", 9)
    signed_head = hash_of(9)
    rewrite_from(9)
    assert verify_chain().ok  # re-hashed consistently: the chain alone cannot tell
    code, said = run("verify", "--checkpoint", path)
    assert code == 1
    assert said == (
        "audit chain broken at position 9: event 9, the checkpoint's head, differs from it: "
        f"its hash is {hash_of(9).hex()}, the signed one {signed_head.hex()}"
    )


def test_an_earlier_event_rewritten_and_rehashed_is_caught(tmp_path):
    path = signed_file(tmp_path / "cp.json", 9)
    rewrite_from(3)
    assert verify_chain().ok
    code, said = run("verify", "--checkpoint", path)
    assert code == 1 and "event 9, the checkpoint's head, differs" in said


def test_a_checkpoint_of_another_hash_or_another_root_is_contradicted():
    append(4)
    cp = cps.sign_checkpoint()
    verdict = verify_chain(checkpoint=cp)
    assert verdict.ok
    other_root = cps.SignedCheckpoint(
        cp.tree_size, bytes(32), cp.head, cp.alg, cp.signed_at, cp.key_id, cp.document
    )
    verdict = verify_chain(checkpoint=other_root)
    assert not verdict.ok and verdict.first_bad is None
    assert verdict.reason.startswith("the Merkle root of events 1\u20134 is ")
    other_alg = cps.SignedCheckpoint(
        cp.tree_size, cp.root, cp.head, "sm3", cp.signed_at, cp.key_id, cp.document
    )
    assert (
        "signs a sm3 chain; the log is hashed with sha256"
        in verify_chain(checkpoint=other_alg).reason
    )


def test_the_log_root_is_computed_in_one_pass_as_the_tree_computes_it():
    for n in (*range(0, 40), 63, 64, 65, 127, 128, 129, 1000):
        entries = [hashlib.sha256(str(i).encode()).digest() for i in range(n)]
        assert merkle.root_of(iter(entries)) == merkle.MerkleTree(entries).root()


# ------------------------------------------------------------------ signatures: a failed check


def test_a_checkpoint_signed_by_another_key_fails_the_check(tmp_path, settings):
    path = signed_file(tmp_path / "cp.json", 3)
    other = tmp_path / "other.pem"
    other.write_text(cps.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    code, said = run("verify", "--checkpoint", path, "--public-key", other)
    assert code == 1
    assert "signature does not verify with the trusted key (signed by key " in said
    # and a file signed by another installation, checked with this installation's key
    settings.SIGNING_KEY_FILE = tmp_path / "other-installation.pem"
    cps.signing_key()  # that installation has a key of its own
    code, said = run("verify", "--checkpoint", path)
    assert code == 1 and "signature does not verify" in said


def test_a_machine_without_a_key_asks_for_the_signers_public_key(tmp_path, settings):
    path = signed_file(tmp_path / "cp.json", 3)
    settings.SIGNING_KEY_FILE = tmp_path / "no-key-here.pem"
    code, said = run("verify", "--checkpoint", path)
    assert code == 2 and "--public-key" in said
    assert not settings.SIGNING_KEY_FILE.exists()


def test_the_exported_public_key_verifies_the_checkpoint(tmp_path):
    append(3)
    path, key = tmp_path / "cp.json", tmp_path / "key.pem"
    assert run("checkpoint", "--out", path, "--public-key", key)[0] == 0
    assert run("verify", "--checkpoint", path, "--public-key", key)[0] == 0


def test_a_checkpoint_with_a_changed_field_fails_the_check(tmp_path):
    path = signed_file(tmp_path / "cp.json", 5)
    fields = json.loads(path.read_text())
    fields["tree_size"] = 2
    path.write_text(json.dumps(fields))
    code, said = run("verify", "--checkpoint", path)
    assert code == 1 and "signature does not verify" in said


# ------------------------------------------------------------------ malformed files: status 2


def resigned(path: Path, change: dict[str, object], drop: tuple[str, ...] = ()) -> str:
    """The checkpoint in `path` with fields changed or dropped and signed again with the
    trusted key: only its form, not its signature, can refuse it."""
    fields = {k: v for k, v in json.loads(path.read_text()).items() if k not in drop}
    del fields["signature"]
    fields.update(change)
    key = cps.signing_key()
    signature = key.sign(audit.chain.canonical_json(fields).encode())
    return json.dumps({**fields, "signature": base64.b64encode(signature).decode()})


BAD_FIELDS = [
    ({"tree_size": "5"}, "tree_size is not a whole number"),
    ({"tree_size": True}, "tree_size is not a whole number"),
    ({"tree_size": -1}, "tree_size is not a whole number"),
    ({"tree_size": 5.0}, "tree_size is not a whole number"),
    ({"root": 5}, "root is not a string"),
    ({"root": "zz" * 32}, "root is not 64 hexadecimal digits"),
    ({"head": "ab" * 31}, "head is not 64 hexadecimal digits"),
    ({"head": "ab " * 21 + "a"}, "head is not 64 hexadecimal digits"),
    ({"key_id": None}, "key_id is not a string"),
    ({"alg": "md5"}, "alg 'md5' is not one of"),
    ({"signed_at": "yesterday"}, "signed_at is not a time"),
    ({"format": "baomi-checkpoint/0"}, "not a baomi-checkpoint/1 document"),
    ({"extra": 1}, "unexpected fields extra"),
]


@pytest.mark.parametrize(("change", "message"), BAD_FIELDS)
def test_a_checkpoint_field_of_the_wrong_form_is_refused(tmp_path, change, message):
    path = signed_file(tmp_path / "cp.json", 5)
    path.write_text(resigned(path, change))
    code, said = run("verify", "--checkpoint", path)
    assert code == 2 and message in said, said


def test_a_checkpoint_missing_fields_is_refused_even_when_signed(tmp_path):
    path = signed_file(tmp_path / "cp.json", 5)
    path.write_text(resigned(path, {}, drop=("root", "head")))
    code, said = run("verify", "--checkpoint", path)
    assert code == 2 and said.endswith("the checkpoint cannot be read: missing fields root, head")


MALFORMED = [
    ("{}", "missing fields format, alg, tree_size, root, head, signed_at, key_id, signature"),
    ("", "the file is empty"),
    ("garbage", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    ('"a checkpoint"', "not a JSON object"),
    ("[" * 100_000, "not JSON"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_a_malformed_checkpoint_is_refused(tmp_path, text, message):
    append(2)
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    code, said = run("verify", "--checkpoint", bad)
    assert code == 2 and said.startswith(f"{bad}: the checkpoint cannot be read: ")
    assert message in said


@pytest.mark.parametrize("text", ["{}", "garbage"])
@pytest.mark.parametrize("mode", ["replay", "event", "extends-new", "extends-old", "proof"])
def test_a_malformed_checkpoint_is_refused_in_every_mode(tmp_path, text, mode):
    good = signed_file(tmp_path / "good.json", 4)
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    proof = tmp_path / "proof.json"
    assert run("prove", "--event", 2, "--checkpoint", good, "--out", proof)[0] == 0
    args = {
        "replay": ["--checkpoint", bad, "--replay"],
        "event": ["--event", 2, "--checkpoint", bad],
        "extends-new": ["--checkpoint", bad, "--extends", good],
        "extends-old": ["--checkpoint", good, "--extends", bad],
        "proof": ["--proof", proof, "--checkpoint", bad],
    }[mode]
    code, said = run("verify", *args)
    assert code == 2 and said.startswith(f"{bad}: the checkpoint cannot be read: "), said


def test_repeated_fields_are_refused(tmp_path):
    path = signed_file(tmp_path / "cp.json", 2)
    path.write_text(path.read_text()[:-1] + ',"tree_size":1}')
    code, said = run("verify", "--checkpoint", path)
    assert code == 2 and "repeated fields tree_size" in said


@pytest.mark.parametrize(
    ("signature", "message"),
    [("not base64!", "signature is not base64"), ("AAAA", "signature is not 64 bytes")],
)
def test_a_signature_of_the_wrong_form_is_refused(tmp_path, signature, message):
    path = signed_file(tmp_path / "cp.json", 2)
    fields = json.loads(path.read_text())
    fields["signature"] = signature
    path.write_text(json.dumps(fields))
    code, said = run("verify", "--checkpoint", path)
    assert code == 2 and message in said


def test_a_checkpoint_file_that_is_not_utf8_missing_or_a_directory_is_refused(tmp_path):
    path = signed_file(tmp_path / "cp.json", 2)
    path.write_bytes(b"\xff\xfe" + path.read_bytes())
    code, said = run("verify", "--checkpoint", path)
    assert code == 2 and said == f"the checkpoint file {path} is not UTF-8 text (byte 0)"
    code, said = run("verify", "--checkpoint", tmp_path / "absent.json")
    assert code == 2 and "cannot be read: No such file or directory" in said
    code, said = run("verify", "--checkpoint", tmp_path)
    assert code == 2 and said == f"the checkpoint file {tmp_path} is a directory, not a file"


def test_verify_on_a_machine_without_the_key_refuses_rather_than_making_one(
    tmp_path, settings, signing_key_file
):
    """A key created on the spot would make a genuine checkpoint look forged: verify asks for
    the signer's public key instead, and creates nothing."""
    from baomi.audit import checkpoints as cps

    document = cps.sign_checkpoint(actor=None).document
    settings.SIGNING_KEY_FILE = tmp_path / "elsewhere" / "signing.pem"
    with pytest.raises(cps.UnreadableError, match="--public-key"):
        cps.read_checkpoint(document)
    assert not settings.SIGNING_KEY_FILE.exists()
