"""An import killed with SIGKILL inside its transaction leaves the hub exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from copdesk.models.people import Person
from copdesk.services.audit import AuditService
from tests.sync.conftest import World

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys, time
from pathlib import Path
from copdesk.sync import importer

flag = Path(sys.argv[3])

def hook(stage: str) -> None:
    flag.write_text(stage)  # every record is written, nothing committed yet
    time.sleep(120)

importer.HOOK = hook
from tests.sync.conftest import Hub

Hub(Path(sys.argv[1])).import_(Path(sys.argv[2]))
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL exists on POSIX systems only")
def test_sigkill_inside_the_import_transaction_changes_nothing(world: World, tmp_path: Path) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(2_000)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    before = world.hub.snapshot()
    flag = tmp_path / "inside"
    log = tmp_path / "child.log"
    with open(log, "wb") as output:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(world.hub.path), str(bundle.path), str(flag)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 90
        while not flag.exists():
            if child.poll() is not None:
                pytest.fail(f"the import ended before the hook: {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("the import never reached its transaction")
            time.sleep(0.05)
        assert flag.read_text() == "applied"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    world.hub.ctx.database.dispose()
    world.hub.open()
    assert world.hub.snapshot() == before
    with world.hub.ctx.database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert AuditService(world.hub.ctx).verify().ok
    [outcome] = world.hub.import_(bundle.path)  # and the hub is not left locked
    assert outcome.status == "accepted" and world.hub.count(Person) == 2_000
