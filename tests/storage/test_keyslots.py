"""Key slots: every account's password and the recovery key unwrap the same database key; nothing else does."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copdesk.errors import AccountLocked, AuthenticationError, NotADatabase, ValidationError
from copdesk.storage import keyslots
from copdesk.storage.database import open_district_engine
from copdesk.storage.keyslots import (
    DEFAULT_KDF,  # bound at import, before the autouse fixture swaps in the floor
    LOCKOUT,
    MAX_FAILED_LOGINS,
    OWASP_FLOOR_KDF,
    KdfParams,
    KeySlotFile,
    account_slot_name,
    generate_database_key,
    generate_recovery_key,
    normalise_recovery_key,
)

PASSWORD = "test-password"
WRONG = "wrong-password"
UNKNOWN_USER_MESSAGE = "Wrong user name or password."
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A recovery key that uses 0 and 1, so the look-alike letters O, I and L can be typed for them.
KNOWN_RECOVERY_KEY = "-".join(("0123456789ABCDEFGHJKMNPQRSTVWXYZ" + "10ZZ" * 5)[i : i + 4] for i in range(0, 52, 4))
CANONICAL = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){12}$")
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def slot_file(tmp_path: Path) -> tuple[KeySlotFile, bytes]:
    """A saved key-slot file with accounts ali and sana (floor KDF) and KNOWN_RECOVERY_KEY."""
    key = generate_database_key()
    slots = KeySlotFile.create(tmp_path / "district.db", database_id="11111111-2222-3333-4444-555555555555")
    slots.set_password("ali", PASSWORD, key, OWASP_FLOOR_KDF)
    slots.set_password("sana", "sana-password", key, OWASP_FLOOR_KDF)
    slots.set_recovery_key(KNOWN_RECOVERY_KEY, key)
    slots.save()
    return slots, key


def _db_of(slots: KeySlotFile) -> Path:
    return slots.path.with_name(slots.path.name.removesuffix(keyslots.SUFFIX))


def _reload(slots: KeySlotFile) -> KeySlotFile:
    return KeySlotFile.load(_db_of(slots))


# --- passwords -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["clerk", "officer", "dpo"])
def test_each_template_account_password_opens_the_database_key(
    district_db_path: Path, district_template: tuple[Path, bytes], username: str
) -> None:
    slots = KeySlotFile.load(district_db_path)
    key = slots.unlock(username, PASSWORD)
    assert len(key) == 32
    assert key == district_template[1]


def test_template_key_file_has_the_three_accounts_and_a_recovery_slot(district_db_path: Path) -> None:
    slots = KeySlotFile.load(district_db_path)
    assert slots.usernames() == ["clerk", "dpo", "officer"]
    assert keyslots.RECOVERY_SLOT in slots.slots
    assert slots.slots[keyslots.RECOVERY_SLOT].kdf == "hkdf-sha256"
    assert {slots.slots[account_slot_name(u)].kdf for u in slots.usernames()} == {"argon2id"}


def test_wrong_password_is_refused_with_the_unknown_user_message(district_db_path: Path) -> None:
    slots = KeySlotFile.load(district_db_path)
    with pytest.raises(AuthenticationError) as wrong:
        slots.unlock("clerk", WRONG)
    with pytest.raises(AuthenticationError) as unknown:
        slots.unlock("nobody", PASSWORD)
    assert type(wrong.value) is AuthenticationError
    assert type(unknown.value) is AuthenticationError
    assert str(wrong.value) == str(unknown.value) == UNKNOWN_USER_MESSAGE


def test_one_accounts_password_does_not_open_another_account(
    slot_file: tuple[KeySlotFile, bytes],
) -> None:
    slots, key = slot_file
    assert slots.unlock("sana", "sana-password") == key
    with pytest.raises(AuthenticationError, match=UNKNOWN_USER_MESSAGE):
        slots.unlock("ali", "sana-password")
    with pytest.raises(AuthenticationError, match=UNKNOWN_USER_MESSAGE):
        slots.unlock("ali", PASSWORD.upper())
    with pytest.raises(AuthenticationError, match=UNKNOWN_USER_MESSAGE):
        slots.unlock("ali", "")


def test_slots_are_salted_so_equal_passwords_wrap_differently(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, key = slot_file
    slots.set_password("sana", PASSWORD, key, OWASP_FLOOR_KDF)
    ali, sana = slots.slots[account_slot_name("ali")], slots.slots[account_slot_name("sana")]
    assert ali.salt != sana.salt
    assert ali.nonce != sana.nonce
    assert ali.wrapped != sana.wrapped
    assert slots.unlock("sana", PASSWORD) == slots.unlock("ali", PASSWORD) == key


# --- recovery key --------------------------------------------------------------------------------------------


def test_template_recovery_key_opens_the_database_key(
    district_db_path: Path, district_template: tuple[Path, bytes], recovery_key: str
) -> None:
    slots = KeySlotFile.load(district_db_path)
    assert slots.unlock_with_recovery_key(recovery_key) == district_template[1]
    assert slots.unlock_with_recovery_key(recovery_key.lower().replace("-", " ")) == district_template[1]


@pytest.mark.parametrize(
    "typed",
    [
        KNOWN_RECOVERY_KEY,
        KNOWN_RECOVERY_KEY.lower(),
        KNOWN_RECOVERY_KEY.replace("-", " "),
        KNOWN_RECOVERY_KEY.replace("-", ""),
        "  " + KNOWN_RECOVERY_KEY.lower().replace("-", "  ") + "\n",
        KNOWN_RECOVERY_KEY.replace("0", "O"),
        KNOWN_RECOVERY_KEY.replace("0", "o").lower(),
        KNOWN_RECOVERY_KEY.replace("1", "I"),
        KNOWN_RECOVERY_KEY.replace("1", "l"),
    ],
    ids=["exact", "lower", "spaces", "no-separators", "padded", "O-for-0", "o-for-0", "I-for-1", "l-for-1"],
)
def test_recovery_key_opens_however_it_is_typed(slot_file: tuple[KeySlotFile, bytes], typed: str) -> None:
    slots, key = slot_file
    assert "0" in KNOWN_RECOVERY_KEY and "1" in KNOWN_RECOVERY_KEY  # so the look-alike cases test something
    assert _reload(slots).unlock_with_recovery_key(typed) == key


def test_a_wrong_recovery_key_is_refused(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, _key = slot_file
    other = generate_recovery_key()
    assert normalise_recovery_key(other) != KNOWN_RECOVERY_KEY
    with pytest.raises(AuthenticationError, match="does not open this database"):
        slots.unlock_with_recovery_key(other)
    # One character off is just as wrong.
    off_by_one = KNOWN_RECOVERY_KEY[:-1] + ("2" if KNOWN_RECOVERY_KEY[-1] != "2" else "3")
    with pytest.raises(AuthenticationError, match="does not open this database"):
        slots.unlock_with_recovery_key(off_by_one)


@pytest.mark.parametrize("typed", ["", "1234", KNOWN_RECOVERY_KEY[:-1], KNOWN_RECOVERY_KEY + "A", "Ä" * 52])
def test_malformed_recovery_key_is_refused_plainly(slot_file: tuple[KeySlotFile, bytes], typed: str) -> None:
    slots, _key = slot_file
    with pytest.raises(AuthenticationError, match="13 groups of 4"):
        slots.unlock_with_recovery_key(typed)


def test_an_account_password_is_not_a_recovery_key_and_vice_versa(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, _key = slot_file
    with pytest.raises(AuthenticationError):
        slots.unlock("recovery", KNOWN_RECOVERY_KEY)
    with pytest.raises(AuthenticationError):
        slots.unlock("ali", KNOWN_RECOVERY_KEY)


def test_a_database_without_recovery_slot_says_so(tmp_path: Path) -> None:
    slots = KeySlotFile.create(tmp_path / "x.db", database_id="db")
    with pytest.raises(AuthenticationError, match="no recovery key"):
        slots.unlock_with_recovery_key(KNOWN_RECOVERY_KEY)


# --- changing and removing ----------------------------------------------------------------------------------


def test_password_change_keeps_the_database_key(district_db_path: Path, district_template: tuple[Path, bytes]) -> None:
    _source, key = district_template
    slots = KeySlotFile.load(district_db_path)
    old_slot = slots.slots[account_slot_name("clerk")]
    slots.set_password("clerk", "a-new-password", slots.unlock("clerk", PASSWORD), OWASP_FLOOR_KDF)
    slots.save()

    reloaded = KeySlotFile.load(district_db_path)
    assert reloaded.slots[account_slot_name("clerk")].wrapped != old_slot.wrapped
    assert reloaded.unlock("clerk", "a-new-password") == key
    with pytest.raises(AuthenticationError, match=UNKNOWN_USER_MESSAGE):
        reloaded.unlock("clerk", PASSWORD)
    # The other accounts and the database itself are untouched.
    assert reloaded.unlock("dpo", PASSWORD) == key
    database = open_district_engine(district_db_path, reloaded.unlock("clerk", "a-new-password"))
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM accounts").scalar_one() == 3
    finally:
        database.dispose()


def test_removing_a_slot_stops_that_password_only(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, key = slot_file
    slots.remove_account("ali")
    slots.save()
    reloaded = _reload(slots)
    assert not reloaded.has_account("ali")
    assert reloaded.usernames() == ["sana"]
    with pytest.raises(AuthenticationError) as refused:
        reloaded.unlock("ali", PASSWORD)
    assert type(refused.value) is AuthenticationError
    assert str(refused.value) == UNKNOWN_USER_MESSAGE
    assert reloaded.unlock("sana", "sana-password") == key
    reloaded.remove_account("ali")  # removing twice is harmless
    assert reloaded.usernames() == ["sana"]


# --- lockout -------------------------------------------------------------------------------------------------


def test_lockout_after_max_failed_logins_then_open_again(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, key = slot_file
    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError) as refused:
            slots.unlock("ali", WRONG, now=T0 + timedelta(seconds=attempt))
        assert type(refused.value) is AuthenticationError, f"locked too early, at attempt {attempt}"
        assert _reload(slots).slots[account_slot_name("ali")].failed_logins == attempt  # counted on disk
    with pytest.raises(AccountLocked, match="locked until"):
        slots.unlock("ali", WRONG, now=T0 + timedelta(seconds=MAX_FAILED_LOGINS))
    locked_at = T0 + timedelta(seconds=MAX_FAILED_LOGINS)

    # Locked even for the right password, in this object and for anyone who reads the file.
    with pytest.raises(AccountLocked):
        slots.unlock("ali", PASSWORD, now=locked_at + timedelta(minutes=1))
    with pytest.raises(AccountLocked):
        _reload(slots).unlock("ali", PASSWORD, now=locked_at + LOCKOUT - timedelta(seconds=1))
    # Only that account is locked.
    assert slots.unlock("sana", "sana-password", now=locked_at + timedelta(minutes=1)) == key

    assert _reload(slots).unlock("ali", PASSWORD, now=locked_at + LOCKOUT) == key
    after = _reload(slots).slots[account_slot_name("ali")]
    assert after.failed_logins == 0
    assert after.locked_until is None


def test_lockout_is_not_extended_by_attempts_while_locked(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, key = slot_file
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError):
            slots.unlock("ali", WRONG, now=T0)
    with pytest.raises(AccountLocked):
        slots.unlock("ali", WRONG, now=T0)
    for minute in range(1, 6):
        with pytest.raises(AccountLocked):
            slots.unlock("ali", WRONG, now=T0 + timedelta(minutes=minute))
    assert slots.unlock("ali", PASSWORD, now=T0 + LOCKOUT) == key


def test_a_successful_login_resets_the_failure_counter(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, key = slot_file
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError):
            slots.unlock("ali", WRONG, now=T0)
    assert slots.unlock("ali", PASSWORD, now=T0) == key
    assert _reload(slots).slots[account_slot_name("ali")].failed_logins == 0
    # Another MAX-1 failures do not lock (the earlier ones were forgotten)...
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError) as refused:
            slots.unlock("ali", WRONG, now=T0)
        assert type(refused.value) is AuthenticationError
    assert slots.unlock("ali", PASSWORD, now=T0) == key
    # ...but MAX consecutive ones do.
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError):
            slots.unlock("ali", WRONG, now=T0)
    with pytest.raises(AccountLocked):
        slots.unlock("ali", WRONG, now=T0)


def test_unknown_users_are_never_locked_and_never_written(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, _key = slot_file
    before = slots.path.read_bytes()
    for _ in range(MAX_FAILED_LOGINS + 2):
        with pytest.raises(AuthenticationError) as refused:
            slots.unlock("nobody", WRONG, now=T0)
        assert type(refused.value) is AuthenticationError
    assert slots.path.read_bytes() == before


# --- the file ------------------------------------------------------------------------------------------------


def test_the_file_round_trips(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, key = slot_file
    with pytest.raises(AuthenticationError):
        slots.unlock("ali", WRONG, now=T0)  # a counter to carry over
    reloaded = _reload(slots)
    assert reloaded.database_id == slots.database_id
    assert reloaded.slots == slots.slots
    assert reloaded.slots[account_slot_name("ali")].failed_logins == 1
    assert reloaded.path == slots.path == KeySlotFile.path_for(_db_of(slots))
    assert reloaded.unlock("sana", "sana-password") == key

    data = json.loads(slots.path.read_text(encoding="utf-8"))
    assert data["format"] == keyslots.FORMAT
    assert data["version"] == keyslots.FORMAT_VERSION
    assert set(data["slots"]) == {"account:ali", "account:sana", "recovery"}
    assert key.hex() not in slots.path.read_text(encoding="utf-8")


def test_the_file_is_saved_through_a_temporary_file(
    slot_file: tuple[KeySlotFile, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    slots, key = slot_file
    before = slots.path.read_bytes()
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        calls.append((str(src), str(dst)))
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", failing_replace)
    slots.set_password("ali", "another-password", key, OWASP_FLOOR_KDF)
    with pytest.raises(OSError, match="power cut"):
        slots.save()
    monkeypatch.setattr(os, "replace", real_replace)

    # The write went to a sibling temporary file that was to be renamed over the real one...
    assert calls == [(str(slots.path.with_name(slots.path.name + ".tmp")), str(slots.path))]
    # ...so the real file is exactly as it was and still opens with the old password.
    assert slots.path.read_bytes() == before
    assert _reload(slots).unlock("ali", PASSWORD) == key

    slots.save()  # a later save succeeds and leaves no temporary file behind
    assert not slots.path.with_name(slots.path.name + ".tmp").exists()
    assert _reload(slots).unlock("ali", "another-password") == key


def test_a_missing_key_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(NotADatabase, match="missing"):
        KeySlotFile.load(tmp_path / "district.db")


def _valid_payload(slot_file: tuple[KeySlotFile, bytes]) -> dict[str, object]:
    return json.loads(slot_file[0].path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"this is not json",
        b"\x00\xff\xfe binary \x80\x81",
        b'{"format": "copdesk-keyslots", "version": 1, "database_id": "x", "slots": {',
        b'{"format": "something-else", "version": 1, "database_id": "x", "slots": {}}',
        b'{"version": 1, "database_id": "x", "slots": {}}',
        b'{"format": "copdesk-keyslots", "version": 1, "slots": {}}',
        b'{"format": "copdesk-keyslots", "version": 1, "database_id": "x"}',
        b'{"format": "copdesk-keyslots", "version": "one", "database_id": "x", "slots": {}}',
        b'{"format": "copdesk-keyslots", "version": 1, "database_id": "x", "slots": {"recovery": {"name": 1}}}',
        b'{"format": "copdesk-keyslots", "version": 1, "database_id": "x", "slots": {"a": "b"}}',
        b"[1, 2, 3]",
        b"null",
        b'"copdesk-keyslots"',
        b'{"format": "copdesk-keyslots", "version": 1, "database_id": "x", "slots": []}',
    ],
    ids=[
        "empty",
        "text",
        "binary",
        "truncated",
        "other-format",
        "no-format",
        "no-database-id",
        "no-slots",
        "bad-version",
        "bad-slot-fields",
        "slot-not-object",
        "json-array",
        "json-null",
        "json-string",
        "slots-is-a-list",
    ],
)
def test_a_damaged_or_foreign_key_file_is_not_a_database(tmp_path: Path, content: bytes) -> None:
    db_path = tmp_path / "district.db"
    KeySlotFile.path_for(db_path).write_bytes(content)
    with pytest.raises(NotADatabase) as refused:
        KeySlotFile.load(db_path)
    assert "damaged or not a copdesk key file" in str(refused.value)
    assert "Traceback" not in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [("salt", "!!!"), ("nonce", "not base64 at all"), ("wrapped", "@@"), ("memory_kib", 0), ("locked_until", "soon")],
)
def test_a_damaged_slot_gives_a_plain_error(slot_file: tuple[KeySlotFile, bytes], field: str, value: object) -> None:
    """A slot damaged on disk must not escape as a library exception (ValueError, argon2 HashingError...)."""
    slots, _key = slot_file
    data = _valid_payload(slot_file)
    data["slots"]["account:ali"][field] = value  # type: ignore[index]
    slots.path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises((NotADatabase, AuthenticationError)):
        KeySlotFile.load(_db_of(slots)).unlock("ali", PASSWORD, now=T0)


def test_a_tampered_wrapped_key_does_not_open(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, _key = slot_file
    data = _valid_payload(slot_file)
    wrapped = data["slots"]["account:ali"]["wrapped"]  # type: ignore[index]
    data["slots"]["account:ali"]["wrapped"] = ("B" if wrapped[0] != "B" else "C") + wrapped[1:]  # type: ignore[index]
    slots.path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AuthenticationError, match=UNKNOWN_USER_MESSAGE):
        KeySlotFile.load(_db_of(slots)).unlock("ali", PASSWORD, now=T0)


def test_a_newer_format_version_is_refused(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, _key = slot_file
    data = _valid_payload(slot_file)
    data["version"] = keyslots.FORMAT_VERSION + 1
    slots.path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NotADatabase, match="newer copdesk"):
        KeySlotFile.load(_db_of(slots))


# --- binding: a slot only opens under its own name and database ---------------------------------------------


def test_a_slot_copied_under_another_name_does_not_open(slot_file: tuple[KeySlotFile, bytes]) -> None:
    """Copy ali's slot, as it stands in the file, under sana's name: ali's password must not open "sana"."""
    slots, _key = slot_file
    data = _valid_payload(slot_file)
    data["slots"]["account:sana"] = dict(data["slots"]["account:ali"])  # type: ignore[index]
    slots.path.write_text(json.dumps(data), encoding="utf-8")
    copied = None
    try:
        copied = KeySlotFile.load(_db_of(slots))
    except NotADatabase:
        return  # refusing the inconsistent file outright is also correct
    with pytest.raises(AuthenticationError):
        copied.unlock("sana", PASSWORD, now=T0)


def test_a_slot_copied_and_renamed_does_not_open(slot_file: tuple[KeySlotFile, bytes]) -> None:
    """Same copy, with its name field rewritten too: the AES-GCM associated data (the name) no longer matches."""
    slots, _key = slot_file
    slots.slots[account_slot_name("sana")] = replace(
        slots.slots[account_slot_name("ali")], name=account_slot_name("sana")
    )
    with pytest.raises(AuthenticationError, match=UNKNOWN_USER_MESSAGE):
        slots.unlock("sana", PASSWORD, now=T0)


def test_a_slot_from_another_database_does_not_open(slot_file: tuple[KeySlotFile, bytes], tmp_path: Path) -> None:
    """Same user, same password, same key even: a slot made for another database id is refused."""
    slots, key = slot_file
    other = KeySlotFile.create(tmp_path / "other" / "district.db", database_id="another-database")
    other.set_password("ali", PASSWORD, key, OWASP_FLOOR_KDF)
    slots.slots[account_slot_name("ali")] = other.slots[account_slot_name("ali")]
    with pytest.raises(AuthenticationError, match=UNKNOWN_USER_MESSAGE):
        slots.unlock("ali", PASSWORD, now=T0)


def test_a_key_file_does_not_open_a_copy_with_another_database_id(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, _key = slot_file
    data = _valid_payload(slot_file)
    data["database_id"] = "99999999-2222-3333-4444-555555555555"
    slots.path.write_text(json.dumps(data), encoding="utf-8")
    moved = KeySlotFile.load(_db_of(slots))
    with pytest.raises(AuthenticationError):
        moved.unlock("ali", PASSWORD, now=T0)
    with pytest.raises(AuthenticationError):
        moved.unlock_with_recovery_key(KNOWN_RECOVERY_KEY)


def test_the_key_file_follows_the_database_name(district_db_path: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.db"
    shutil.copyfile(district_db_path, renamed)
    with pytest.raises(NotADatabase, match="renamed.db.keys"):
        KeySlotFile.load(renamed)


# --- KDF parameters and password strength -------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        KdfParams(time_cost=2, memory_kib=19_455, parallelism=1),
        KdfParams(time_cost=1, memory_kib=65_536, parallelism=4),
        KdfParams(time_cost=3, memory_kib=65_536, parallelism=0),
        KdfParams(time_cost=0, memory_kib=0, parallelism=0),
    ],
)
def test_kdf_below_owasp_floor_is_refused(params: KdfParams, slot_file: tuple[KeySlotFile, bytes]) -> None:
    slots, key = slot_file
    with pytest.raises(ValueError, match="OWASP"):
        params.check_floor()
    before = dict(slots.slots)
    with pytest.raises(ValueError, match="OWASP"):
        slots.set_password("ali", "weakly-wrapped", key, params)
    assert slots.slots == before


def test_the_presets_pass_the_floor() -> None:
    for params in (DEFAULT_KDF, KdfParams(), OWASP_FLOOR_KDF):
        params.check_floor()
    assert DEFAULT_KDF == KdfParams()
    assert OWASP_FLOOR_KDF == KdfParams(time_cost=2, memory_kib=19_456, parallelism=1)
    assert DEFAULT_KDF.memory_kib >= OWASP_FLOOR_KDF.memory_kib
    assert DEFAULT_KDF.time_cost >= OWASP_FLOOR_KDF.time_cost


def test_slot_records_its_kdf_parameters(slot_file: tuple[KeySlotFile, bytes]) -> None:
    slot = slot_file[0].slots[account_slot_name("ali")]
    assert (slot.time_cost, slot.memory_kib, slot.parallelism) == (2, 19_456, 1)
    assert slot.kdf == "argon2id"


@pytest.mark.parametrize("password", ["", "short", "1234567"])
def test_short_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        keyslots.check_password_strength(password)
    assert refused.value.field == "password"
    keyslots.check_password_strength("12345678")


# --- recovery key normalisation (property tests) -------------------------------------------------------------


def test_generated_recovery_keys_are_canonical_and_distinct() -> None:
    keys = {generate_recovery_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert CANONICAL.match(key), key
        assert normalise_recovery_key(key) == key


@given(st.lists(st.sampled_from(ALPHABET), min_size=52, max_size=52))
def test_normalising_a_canonical_key_is_identity(chars: list[str]) -> None:
    key = "-".join("".join(chars[i : i + 4]) for i in range(0, 52, 4))
    assert normalise_recovery_key(key) == key
    assert normalise_recovery_key(key.lower().replace("-", " ")) == key
    assert normalise_recovery_key("".join(chars)) == key


@given(st.integers(min_value=0, max_value=2**64))
def test_normalising_a_generated_key_is_identity(_seed: int) -> None:
    key = generate_recovery_key()
    assert normalise_recovery_key(key) == key


@given(st.text(max_size=80))
def test_normalising_random_text_returns_a_key_or_refuses(text: str) -> None:
    try:
        result = normalise_recovery_key(text)
    except AuthenticationError as exc:
        assert "13 groups of 4" in str(exc)
        return
    assert CANONICAL.match(result)
    assert normalise_recovery_key(result) == result


@given(st.text(alphabet=ALPHABET + "oOiIlLu -", min_size=40, max_size=70))
def test_normalising_key_like_text_returns_a_key_or_refuses(text: str) -> None:
    try:
        result = normalise_recovery_key(text)
    except AuthenticationError:
        return
    assert CANONICAL.match(result)
    assert normalise_recovery_key(result) == result
