"""Signatures in minisign's format (checked by the stock tool), age encryption, key wrapping, test vectors."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copdesk.errors import AuthenticationError, ValidationError
from copdesk.storage import keyslots
from copdesk.sync import crypto, format, identity, minisign, payload
from copdesk.sync.minisign import PublicKey, SignatureError, SigningKey

VECTORS = Path(__file__).resolve().parent / "vectors"
KEY = SigningKey(bytes(range(32)))
comments = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=80)


@settings(max_examples=60, deadline=None)
@given(message=st.binary(max_size=2048), trusted=comments, untrusted=comments)
def test_signatures_verify_and_any_change_is_caught(message: bytes, trusted: str, untrusted: str) -> None:
    text = KEY.sign(message, trusted, untrusted)
    assert minisign.verify(text, message, KEY.public) == trusted
    assert minisign.parse(text).untrusted_comment == untrusted
    with pytest.raises(SignatureError):
        minisign.verify(text, message + b"x", KEY.public)
    with pytest.raises(SignatureError):
        minisign.verify(
            text.replace(f"trusted comment: {trusted}\n", f"trusted comment: {trusted}!\n"), message, KEY.public
        )
    with pytest.raises(SignatureError):
        minisign.verify(text, message, SigningKey.generate().public)


def test_signatures_accept_only_one_spelling() -> None:
    text = KEY.sign(b"message", "trusted")
    lines = text.split("\n")
    raw = base64.b64decode(lines[3])
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    canonical = base64.b64encode(raw).decode()
    sloppy = canonical[:-3] + alphabet[alphabet.index(canonical[-3]) ^ 1] + "=="
    assert base64.b64decode(sloppy) == raw  # the same bytes, spelt differently (unused bits)
    with pytest.raises(SignatureError, match="canonical"):
        minisign.parse("\n".join([*lines[:3], sloppy, ""]))
    with pytest.raises(SignatureError):
        minisign.parse(text.rstrip("\n"))
    legacy = base64.b64encode(b"Ed" + base64.b64decode(lines[1])[2:]).decode()
    with pytest.raises(SignatureError, match="algorithm"):
        minisign.parse("\n".join([lines[0], legacy, *lines[2:]]))
    with pytest.raises(SignatureError, match="too long"):
        minisign.parse("x" * 5000)


def test_public_keys_round_trip_in_minisign_form() -> None:
    text = KEY.public.minisign()
    assert PublicKey.from_minisign(text) == KEY.public
    assert KEY.public.minisign_file().startswith("untrusted comment: ")
    forged = base64.b64encode(b"Ed" + b"\0" * 8 + KEY.public.raw).decode()
    with pytest.raises(SignatureError, match="id does not match"):
        PublicKey.from_minisign(forged)
    with pytest.raises(SignatureError):
        PublicKey.from_minisign("not base64!")


def _minisign() -> str:
    found = shutil.which("minisign")
    if found is None:
        pytest.skip("the stock minisign tool is not installed (Debian package 'minisign'); it cannot check the format")
    return found


def _check_with_minisign(tmp_path: Path, data: bytes, public: PublicKey) -> str:
    signed, signature = format.split_for_minisign(data)
    (tmp_path / "bundle.signed").write_bytes(signed)
    (tmp_path / "bundle.signed.minisig").write_bytes(signature)
    result = subprocess.run(
        [
            _minisign(),
            "-V",
            "-P",
            public.minisign(),
            "-m",
            str(tmp_path / "bundle.signed"),
            "-x",
            str(tmp_path / "bundle.signed.minisig"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_stock_minisign_tool_verifies_a_bundle(tmp_path: Path) -> None:
    data = (VECTORS / "bundle-v1.bundle").read_bytes()
    public = PublicKey.from_minisign((VECTORS / "district.pub").read_text().splitlines()[1])
    output = _check_with_minisign(tmp_path, data, public)
    assert "Signature and comment signature verified" in output
    assert "copdesk bundle district=LHR sequence=7" in output
    damaged = bytearray(data)
    damaged[100] ^= 1
    (tmp_path / "bundle.signed").write_bytes(bytes(damaged[: format.parse(data).signed_length]))
    result = subprocess.run(
        [
            _minisign(),
            "-V",
            "-P",
            public.minisign(),
            "-m",
            str(tmp_path / "bundle.signed"),
            "-x",
            str(tmp_path / "bundle.signed.minisig"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


def test_the_stock_minisign_tool_verifies_a_large_bundle(tmp_path: Path) -> None:
    message = bytes(range(256)) * 40_000  # 10 MB: minisign's prehashed mode
    text = KEY.sign(message, "copdesk large")
    (tmp_path / "large").write_bytes(message)
    (tmp_path / "large.minisig").write_text(text)
    result = subprocess.run(
        [_minisign(), "-V", "-H", "-P", KEY.public.minisign(), "-m", str(tmp_path / "large")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_committed_vector_reads_back() -> None:
    data = (VECTORS / "bundle-v1.bundle").read_bytes()
    expected = json.loads((VECTORS / "expected.json").read_text())
    public = PublicKey.from_minisign((VECTORS / "district.pub").read_text().splitlines()[1])
    container = format.parse(data)
    assert container.sha256 == expected["sha256"]
    assert container.header.to_json() == expected["header"]
    format.verify(container, public)
    plain = crypto.decrypt_with([(VECTORS / "hub-identity.txt").read_text().strip()], container.payload)
    opened = payload.unpack(plain)
    manifest = opened.manifest
    assert (manifest.sequence, manifest.month, manifest.from_seq, manifest.to_seq) == (7, "2026-01", 9, 11)
    assert [m.name for m in manifest.members] == expected["manifest"]["members"]
    records = payload.decode_rows("records/people.jsonl", opened.members["records/people.jsonl"], "LHR")
    got = [
        {"id": str(r["id"]), "version": r["version"], "gender": r["gender"], "cnic": r["cnic"], "name": r["name"]}
        for r in records.dicts()
    ]
    assert got == expected["people"]


def test_the_recovery_identity_is_a_real_age_key() -> None:
    recovery = keyslots.generate_recovery_key()
    identity_text = crypto.recovery_identity(recovery, "LHR")
    assert identity_text.startswith("AGE-SECRET-KEY-1")
    assert crypto.recipient_of(identity_text) == crypto.recovery_recipient(recovery, "LHR")
    assert crypto.recovery_identity(recovery.lower().replace("-", " "), "LHR") == identity_text
    assert crypto.recovery_identity(recovery, "ISB") != identity_text
    sealed = crypto.encrypt_to([crypto.recovery_recipient(recovery, "LHR")], b"secret")
    assert crypto.decrypt_with([identity_text], sealed) == b"secret"
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt_with([crypto.new_age_identity()[0]], sealed)


def test_wrapped_secrets_are_bound_to_their_key_and_label() -> None:
    kek = crypto.district_kek(b"k" * 32)
    sealed = crypto.wrap(kek, b"seed", "sync-signing:A")
    assert crypto.unwrap(kek, sealed, "sync-signing:A") == b"seed"
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap(kek, sealed, "sync-signing:B")
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap(crypto.district_kek(b"j" * 32), sealed, "sync-signing:A")
    slot = crypto.wrap_with_password("a good password", b"ring", "hub-keyring:admin")
    assert crypto.unwrap_with_password("a good password", slot, "hub-keyring:admin") == b"ring"
    with pytest.raises(AuthenticationError):
        crypto.unwrap_with_password("wrong password", slot, "hub-keyring:admin")


def test_fingerprints_are_typed_forgivingly_but_checked() -> None:
    printed = identity.signing_fingerprint(KEY.public)
    assert identity.normalise_fingerprint(printed.lower().replace("-", " ")) == printed
    with pytest.raises(ValidationError):
        identity.normalise_fingerprint("XYZ")


def test_a_hub_profile_must_be_intact() -> None:
    _secret, recipient = crypto.new_age_identity()
    profile = identity.HubProfile("hub-1", "Federal hub", KEY.public.minisign(), recipient, "2026-01-01")
    data = identity.write_hub_profile(profile, KEY)
    assert identity.read_hub_profile(data) == profile
    with pytest.raises(ValidationError, match="altered"):
        identity.read_hub_profile(data.replace(b"Federal hub", b"Fake hub"))
    with pytest.raises(ValidationError, match="not a copdesk hub profile"):
        identity.read_hub_profile(b"{}")
    with pytest.raises(ValidationError, match="too large"):
        identity.read_hub_profile(b" " * 100_000)
