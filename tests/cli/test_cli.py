"""The command line: normal use, and every error path ends in one clear line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from copdesk import __version__
from copdesk.cli.main import main

PASSWORD = "test-password"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's --help/--version/usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "Traceback" not in err
    return lines[0]


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"copdesk {__version__}"
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "account" in out and "COPDESK_PASSWORD" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["account", "list"],
        ["account", "add", "--db", "x.db", "someone", "--name", "X", "--role", "emperor"],
        ["init", "--db", "x.db"],
    ],
)
def test_wrong_arguments(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert one_line(err).startswith("copdesk")


def test_district_account_workflow(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(district_db_path)
    monkeypatch.setenv("COPDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("COPDESK_NEW_PASSWORD", "another-password")
    code, out, _ = run(
        capsys, "account", "add", "--db", db, "--user", "dpo", "clerk2", "--name", "Second Clerk", "--role", "clerk"
    )
    assert code == 0 and "clerk2" in out
    code, out, _ = run(capsys, "account", "list", "--db", db, "--user", "dpo")
    assert code == 0 and "clerk2" in out and "Second Clerk" in out
    monkeypatch.setenv("COPDESK_USER", "dpo")
    code, out, _ = run(capsys, "audit", "verify", "--db", db)
    assert code == 0 and "intact" in out


def test_wrong_password(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPDESK_PASSWORD", "not-the-password")
    code, _, err = run(capsys, "account", "list", "--db", str(district_db_path), "--user", "dpo")
    assert code == 1
    assert one_line(err) == "copdesk: Wrong user name or password."


def test_role_refused(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPDESK_PASSWORD", PASSWORD)
    code, _, err = run(capsys, "account", "list", "--db", str(district_db_path), "--user", "clerk")
    assert code == 1 and "may not" in one_line(err)


def test_missing_user_and_password(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "audit", "verify", "--db", str(district_db_path))
    assert code == 2 and "--user" in one_line(err)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    code, _, err = run(capsys, "audit", "verify", "--db", str(district_db_path), "--user", "dpo")
    assert code == 2 and "COPDESK_PASSWORD" in one_line(err)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "There is no database"),
        (b"hello", "is not a copdesk database"),
        (os.urandom(8192), "key file"),
    ],
)
def test_files_that_are_not_copdesk_databases(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes | None,
    expected: str,
) -> None:
    target = tmp_path / "thing.db"
    if content is not None:
        target.write_bytes(content)
    monkeypatch.setenv("COPDESK_PASSWORD", PASSWORD)
    code, _, err = run(capsys, "audit", "verify", "--db", str(target), "--user", "dpo")
    assert code == 1 and expected in one_line(err)


def test_random_bytes_with_a_key_file_beside_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, district_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "garbage.db"
    target.write_bytes(os.urandom(16384))
    (tmp_path / "garbage.db.keys").write_bytes((district_db_path.parent / "district.db.keys").read_bytes())
    monkeypatch.setenv("COPDESK_PASSWORD", PASSWORD)
    code, _, err = run(capsys, "audit", "verify", "--db", str(target), "--user", "dpo")
    assert code == 1 and "not a copdesk database" in one_line(err)


def test_newer_database_refused(
    capsys: pytest.CaptureFixture[str],
    district_db_path: Path,
    district_template: tuple[Path, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import text

    from copdesk.storage.database import open_district_engine
    from copdesk.storage.engine import writer

    database = open_district_engine(district_db_path, district_template[1])
    with writer(database.engine).begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999_future')"))
    database.dispose()
    monkeypatch.setenv("COPDESK_PASSWORD", PASSWORD)
    code, _, err = run(capsys, "audit", "verify", "--db", str(district_db_path), "--user", "dpo")
    assert code == 1 and "newer version of copdesk" in one_line(err)


def test_init_creates_a_district_and_a_recovery_sheet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPDESK_NEW_PASSWORD", "first-password")
    db = tmp_path / "new.db"
    code, out, _ = run(
        capsys, "init", "--db", str(db), "--district", "FSD", "--user", "dpo", "--name", "DPO", "--station", "City"
    )
    assert code == 0 and "created" in out
    sheet = tmp_path / "new.recovery.txt"
    assert sheet.exists() and "Faisalabad" in sheet.read_text()
    if os.name == "posix":
        assert sheet.stat().st_mode & 0o077 == 0
    code, _, err = run(capsys, "init", "--db", str(db), "--district", "FSD", "--user", "dpo", "--name", "DPO")
    assert code == 1 and "already exists" in one_line(err)
    code, _, err = run(
        capsys, "init", "--db", str(tmp_path / "x.db"), "--district", "ZZZ", "--user", "dpo", "--name", "DPO"
    )
    assert code == 1 and "ZZZ" in one_line(err)


def test_recover_with_the_recovery_key(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPDESK_RECOVERY_KEY", recovery_key.lower())
    monkeypatch.setenv("COPDESK_NEW_PASSWORD", "recovered-password")
    code, out, _ = run(capsys, "recover", "--db", str(district_db_path), "--user", "dpo")
    assert code == 0, out
    monkeypatch.setenv("COPDESK_PASSWORD", "recovered-password")
    code, _, _ = run(capsys, "audit", "verify", "--db", str(district_db_path), "--user", "dpo")
    assert code == 0


def test_a_real_process_never_prints_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    env = {**os.environ, "COPDESK_PASSWORD": "x", "COPDESK_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "copdesk", "audit", "verify", "--db", str(junk), "--user", "dpo"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert one_line(result.stderr) == "copdesk: junk.db is not a copdesk database."
