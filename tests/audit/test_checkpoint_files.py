"""The files `baomi verify`, `baomi prove` and `baomi checkpoint` read and write: one that cannot
be used stops the command with exit status 2 before anything is checked, built or signed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from baomi.audit import checkpoints as cps
from baomi.audit.models import AuditEvent, Checkpoint

from .test_verify_command import run, signed_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_file")]


@pytest.fixture
def checkpoint_file(tmp_path: Path) -> Path:
    return signed_file(tmp_path / "cp.json", 6)


@pytest.fixture
def proof_file(tmp_path: Path, checkpoint_file: Path) -> Path:
    path = tmp_path / "proof.json"
    assert run("prove", "--event", 3, "--checkpoint", checkpoint_file, "--out", path)[0] == 0
    return path


# ------------------------------------------------------------------ verify --proof


def test_an_exported_proof_verifies(checkpoint_file, proof_file):
    code, said = run("verify", "--proof", proof_file, "--checkpoint", checkpoint_file)
    assert code == 0 and "event 3 is in the checkpointed log of 6 events" in said


def changed(file: Path, /, **fields: object) -> str:
    """The JSON document in `file` with `fields` replaced or added."""
    return json.dumps({**json.loads(file.read_text()), **fields})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "missing fields seq, body, prev_hash, tree_size, alg, path"),
        ("garbage", "not JSON"),
        ("", "the file is empty"),
        ("null", "not a JSON object"),
    ],
)
def test_a_malformed_proof_is_refused(tmp_path, checkpoint_file, text, message):
    bad = tmp_path / "bad-proof.json"
    bad.write_text(text)
    code, said = run("verify", "--proof", bad, "--checkpoint", checkpoint_file)
    assert code == 2 and said.startswith(f"{bad}: the proof cannot be read: ")
    assert message in said


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"seq": "3"}, "seq is not a whole number of at least 1"),
        ({"seq": 0}, "seq is not a whole number of at least 1"),
        ({"tree_size": 2}, "tree_size is not a whole number of at least 3"),
        ({"body": None}, "body is not a string"),
        ({"prev_hash": "00"}, "prev_hash is not 64 hexadecimal digits"),
        ({"path": "not base64!"}, "path: proof is not valid base64"),
        ({"path": "AAAA"}, "path: proof length 3 is not a multiple of 32"),
        ({"alg": 256}, "alg is not a string"),
        ({"more": []}, "unexpected fields more"),
    ],
)
def test_a_proof_field_of_the_wrong_form_is_refused(
    tmp_path, checkpoint_file, proof_file, fields, message
):
    proof_file.write_text(changed(proof_file, **fields))
    code, said = run("verify", "--proof", proof_file, "--checkpoint", checkpoint_file)
    assert code == 2 and message in said, said


def test_a_well_formed_proof_of_another_event_fails_the_check(checkpoint_file, proof_file):
    proof_file.write_text(changed(proof_file, seq=4))
    code, said = run("verify", "--proof", proof_file, "--checkpoint", checkpoint_file)
    assert code == 1 and "event 4 is NOT proven" in said


def test_a_proof_file_missing_not_utf8_or_a_directory_is_refused(tmp_path, checkpoint_file):
    for path, message in [
        (tmp_path / "absent.json", "cannot be read: No such file or directory"),
        (tmp_path, "is a directory, not a file"),
    ]:
        code, said = run("verify", "--proof", path, "--checkpoint", checkpoint_file)
        assert code == 2 and said.startswith("the proof file ") and message in said
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"body": "é"}'.encode("latin-1"))
    code, said = run("verify", "--proof", latin, "--checkpoint", checkpoint_file)
    assert code == 2 and said == f"the proof file {latin} is not UTF-8 text (byte 10)"


# ------------------------------------------------------------------ verify --extends


def test_a_malformed_earlier_checkpoint_is_refused(tmp_path, checkpoint_file):
    for text in ["{}", "garbage", changed(checkpoint_file, root="zz")]:
        old = tmp_path / "old.json"
        old.write_text(text)
        code, said = run("verify", "--checkpoint", checkpoint_file, "--extends", old)
        assert code == 2 and said.startswith(f"{old}: the checkpoint cannot be read: ")
    code, said = run("verify", "--checkpoint", checkpoint_file, "--extends", tmp_path / "no")
    assert code == 2 and "cannot be read: No such file or directory" in said


# ------------------------------------------------------------------ verify --public-key


def pem_of_ec_key() -> bytes:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def private_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "does not hold a PEM public key"),
        (b"garbage", "does not hold a PEM public key"),
        (b"\xff\x00\x01", "does not hold a PEM public key"),
        (
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "does not hold a PEM public key",
        ),
        (private_pem(), "does not hold a PEM public key"),
        (pem_of_ec_key(), "does not hold an Ed25519 key"),
    ],
)
@pytest.mark.parametrize("mode", ["alone", "event", "extends"])
def test_a_public_key_file_that_is_not_an_ed25519_key_is_refused(
    tmp_path, checkpoint_file, content, message, mode
):
    key = tmp_path / "key.pem"
    key.write_bytes(content)
    args = {
        "alone": [],
        "event": ["--event", 2],
        "extends": ["--extends", checkpoint_file],
    }[mode]
    code, said = run("verify", "--checkpoint", checkpoint_file, "--public-key", key, *args)
    assert code == 2 and said == f"{key}: the public key file {message}", said


def test_a_public_key_file_missing_or_a_directory_is_refused(tmp_path, checkpoint_file):
    for path, message in [
        (tmp_path / "absent.pem", "cannot be read: No such file or directory"),
        (tmp_path, "is a directory, not a file"),
    ]:
        code, said = run("verify", "--checkpoint", checkpoint_file, "--public-key", path)
        assert code == 2 and said.startswith("the public key file ") and message in said


# ------------------------------------------------------------------ options that do not go together


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--public-key", "key.pem"], "--public-key needs --checkpoint FILE"),
        (["--event", "2"], "--event needs --checkpoint FILE"),
        (["--event", "2", "--proof", "p.json", "--checkpoint", "c"], "--event and --proof do not"),
        (["--proof", "p", "--extends", "o", "--checkpoint", "c"], "--proof and --extends do not"),
        (["--event", "2", "--replay", "--checkpoint", "c"], "--event and --replay do not go"),
    ],
)
def test_options_that_would_be_ignored_are_refused(args, message):
    code, said = run("verify", *args)
    assert code == 2 and said.startswith(message), said


# ------------------------------------------------------------------ prove


def test_prove_refuses_a_malformed_missing_or_foreign_checkpoint(tmp_path, checkpoint_file):
    bad = tmp_path / "bad.json"
    for text in ["{}", "garbage", changed(checkpoint_file, tree_size="6")]:
        bad.write_text(text)
        code, said = run("prove", "--event", 2, "--checkpoint", bad)
        assert code == 2 and said.startswith(f"{bad}: the checkpoint cannot be read: ")
    code, said = run("prove", "--event", 2, "--checkpoint", tmp_path / "absent.json")
    assert code == 2 and "No such file or directory" in said
    code, said = run("prove", "--event", 2, "--checkpoint", tmp_path)
    assert code == 2 and "is a directory" in said
    bad.write_text(changed(checkpoint_file, tree_size=5))
    code, said = run("prove", "--event", 2, "--checkpoint", bad)
    assert code == 1 and "signature does not verify" in said


def test_prove_refuses_an_output_it_cannot_write(tmp_path, checkpoint_file):
    for out, message in [
        (tmp_path / "missing" / "proof.json", "the directory of the proof file"),
        (tmp_path, "is a directory, not a file"),
    ]:
        code, said = run("prove", "--event", 2, "--checkpoint", checkpoint_file, "--out", out)
        assert code == 2 and message in said, said
    assert not (tmp_path / "missing").exists()


# ------------------------------------------------------------------ checkpoint


@pytest.mark.parametrize("option", ["--out", "--html", "--public-key"])
def test_checkpoint_signs_nothing_for_an_output_it_cannot_write(tmp_path, option):
    signed_file(tmp_path / "first.json", 2)
    before = (Checkpoint.objects.count(), AuditEvent.objects.count())
    for out, message in [
        (tmp_path / "missing" / "file", "does not exist"),
        (tmp_path, "is a directory, not a file"),
    ]:
        code, said = run("checkpoint", option, out)
        assert code == 2 and message in said, said
    assert (Checkpoint.objects.count(), AuditEvent.objects.count()) == before


def test_checkpoint_refuses_a_signing_key_file_that_holds_no_key(settings, tmp_path):
    settings.SIGNING_KEY_FILE.write_text("not a key")
    code, said = run("checkpoint", "--out", tmp_path / "cp.json")
    assert code == 2 and said.startswith(
        f"the signing key file {settings.SIGNING_KEY_FILE} cannot be read"
    )
    assert not Checkpoint.objects.exists() and not (tmp_path / "cp.json").exists()


def test_a_public_key_read_back_from_the_checkpoint_command_is_parsed(tmp_path):
    path = tmp_path / "key.pem"
    assert run("checkpoint", "--public-key", path)[0] == 0
    assert cps.key_id(cps.parse_public_key(path.read_bytes())) == cps.key_id(
        cps.signing_key().public_key()
    )
