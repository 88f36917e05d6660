"""The command line: bundle setup/export/import/outbox/split at the district; hub init-keys/enrol/import/feedback."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from copdesk.cli.main import main
from copdesk.sync.minisign import PublicKey
from tests.sync.conftest import DPO_PASSWORD, HUB_PASSWORD, World


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, list[str], str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out.strip().splitlines(), captured.err


def test_export_import_acknowledge_from_the_command_line(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(5)
    lhr.close("2026-01")
    monkeypatch.setenv("COPDESK_PASSWORD", DPO_PASSWORD)
    code, out, err = run(
        capsys, "bundle", "export", "--db", lhr.path, "--user", "dpo", "--month", "2026-01", "--out", world.stick
    )
    assert code == 0, err
    bundle = Path(out[-1])
    assert bundle.exists() and bundle.parent == world.stick and "9 records" in out[0]
    code, out, err = run(
        capsys, "bundle", "export", "--db", lhr.path, "--user", "dpo", "--month", "2026-02", "--out", world.stick
    )
    assert code == 1 and "February 2026 is not closed" in err

    monkeypatch.setenv("COPDESK_PASSWORD", HUB_PASSWORD)
    code, out, err = run(capsys, "hub", "import", "--db", world.hub.path, "--user", "admin", "--dry-run", bundle)
    assert code == 0 and "would be accepted — 9 new" in out[0]
    code, out, err = run(capsys, "hub", "import", "--db", world.hub.path, "--user", "admin", bundle)
    assert code == 0 and "LHR #1 2026-01 accepted — 9 new, 0 updated" in out[0]
    junk = world.stick / "junk.bundle"
    junk.write_bytes(b"\x89CPD\r\n")
    code, out, err = run(capsys, "hub", "import", "--db", world.hub.path, "--user", "admin", bundle, junk)
    assert code == 1
    assert "duplicate" in out[0] and "junk.bundle: rejected" in out[2] and "cut short" in out[3]
    code, out, err = run(
        capsys, "hub", "feedback", "--db", world.hub.path, "--user", "admin", "--district", "LHR", "--out", world.stick
    )
    assert code == 0 and "Acknowledgement 1 for LHR: 1 bundle(s)" in out[0]
    ack = Path(out[-1])
    code, out, err = run(capsys, "hub", "districts", "--db", world.hub.path, "--user", "admin")
    assert code == 0 and out[0].startswith("ISB") and "LHR" in out[1]

    monkeypatch.setenv("COPDESK_PASSWORD", DPO_PASSWORD)
    code, out, err = run(capsys, "bundle", "import", "--db", lhr.path, "--user", "dpo", ack)
    assert code == 0 and "Acknowledgement 1 applied: 1 bundle(s) accepted" in out[0]
    code, out, err = run(capsys, "bundle", "import", "--db", lhr.path, "--user", "dpo", ack)
    assert code == 1 and "not newer" in err
    code, out, err = run(capsys, "bundle", "outbox", "--db", lhr.path, "--user", "dpo")
    assert code == 0 and "2026-01 accepted" in out[0]

    code, out, err = run(capsys, "bundle", "split", bundle, "--out", world.stick / "split")
    assert code == 0
    signed = Path(out[-1])
    assert signed.read_bytes() + Path(str(signed) + ".minisig").read_bytes() == bundle.read_bytes()
    if shutil.which("minisign"):
        key = PublicKey.from_minisign(_public_key(lhr))
        result = subprocess.run(
            ["minisign", "-V", "-P", key.minisign(), "-m", str(signed)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


def _public_key(district: object) -> str:
    from sqlalchemy import select

    from copdesk.models.sync import SyncSigningKey

    with district.ctx.read() as session:  # type: ignore[attr-defined]
        return session.scalars(select(SyncSigningKey.public_key).where(SyncSigningKey.status == "active")).one()


def test_setting_up_a_new_hub_and_district_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hub_db = tmp_path / "hub.db"
    monkeypatch.setenv("COPDESK_NEW_PASSWORD", HUB_PASSWORD)
    monkeypatch.setenv("COPDESK_PASSWORD", HUB_PASSWORD)
    code, out, err = run(
        capsys, "hub", "init", "--db", hub_db, "--user", "admin", "--name", "Admin", "--hub-name", "Federal hub",
        "--out", tmp_path,
    )  # fmt: skip
    assert code == 0, err
    profile = tmp_path / "hub-profile.json"
    assert out[-1].endswith(str(profile)) and profile.exists()
    fingerprint = re.search(r"Fingerprint to give the districts: (\S+)", "\n".join(out))
    assert fingerprint is not None
    code, out, err = run(
        capsys, "hub", "init-keys", "--db", hub_db, "--user", "admin", "--name", "Again", "--out", tmp_path
    )
    assert code == 1 and "already has its keys" in err

    district_db = tmp_path / "LHR.db"
    monkeypatch.setenv("COPDESK_NEW_PASSWORD", DPO_PASSWORD)
    code, out, err = run(
        capsys, "init", "--db", district_db, "--district", "LHR", "--user", "dpo", "--name", "DPO", "--station", "City"
    )
    assert code == 0, err
    monkeypatch.setenv("COPDESK_PASSWORD", DPO_PASSWORD)
    code, out, err = run(
        capsys, "bundle", "setup", "--db", district_db, "--user", "dpo", "--hub-profile", profile,
        "--fingerprint", fingerprint.group(1), "--out", tmp_path,
    )  # fmt: skip
    assert code == 0, err
    assert "Hub profile installed: Federal hub" in out[0]  # the identity was made with the district
    request = Path(out[-1])
    district_fingerprint = re.search(r"Signing key fingerprint: (\S+)", "\n".join(out))
    assert district_fingerprint is not None and request.exists()

    monkeypatch.setenv("COPDESK_PASSWORD", HUB_PASSWORD)
    code, out, err = run(capsys, "hub", "enrol", "--db", hub_db, "--user", "admin", request)
    assert code == 1 and "Confirm the fingerprint" in err
    code, out, err = run(
        capsys,
        "hub",
        "enrol",
        "--db",
        hub_db,
        "--user",
        "admin",
        request,
        "--fingerprint",
        district_fingerprint.group(1),
    )
    assert code == 0 and "enrolled by letter" in out[0]
    code, out, err = run(capsys, "hub", "conflicts", "--db", hub_db, "--user", "admin")
    assert code == 0 and out == []
