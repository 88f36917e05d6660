"""Screenshot of the main window over a damaged district database (the red read-only banner), for docs/screenshots.

Run from the repository root:
``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_damaged_database docs/screenshots``.
A demo district is built in a temporary folder, backed up, and then one page of its file is damaged; only the
PNG lands in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

PAGE_SIZE = 4096


def main(out: Path) -> int:
    """Build a demo district, back it up, flip bytes in one page, sign in and save the window with its banner."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-damage-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    from copdesk.storage import keyslots

    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF

    from sqlalchemy import text

    from copdesk.paths import backups_dir
    from copdesk.services.auth import login_district
    from copdesk.services.demo import DEMO_PASSWORD, build_demo
    from copdesk.storage.backup import backup_to
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.main_window import MainWindow

    app = create_application(["copdesk"])

    def settle() -> None:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
            if not tasks.pending_tasks() and time.monotonic() > end - 29:
                break
        pause = time.monotonic() + 0.3
        while time.monotonic() < pause:
            app.processEvents()
            time.sleep(0.01)

    world = build_demo(home / "demo", districts=1, months=2)
    path = world.district_databases[0]
    context = login_district(path, "dpo", DEMO_PASSWORD)
    database = context.database
    stamp = context.now().astimezone().strftime("%Y-%m-%d")
    backup_to(database, backups_dir(path) / f"{path.stem}-{stamp}.db")
    with database.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        page = connection.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'people_fts_data'").scalar()
    database.dispose()
    assert isinstance(page, int)
    with path.open("r+b") as file:  # one bad sector in the people search index
        file.seek((page - 1) * PAGE_SIZE + PAGE_SIZE // 2)
        original = file.read(16)
        file.seek((page - 1) * PAGE_SIZE + PAGE_SIZE // 2)
        file.write(bytes(byte ^ 0xFF for byte in original))

    context = login_district(path, "dpo", DEMO_PASSWORD)
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    window.show_screen("people")
    settle()
    settle()
    assert window.read_only, "the check did not find the damage"
    window.grab().save(str(out / "damaged-database.png"))
    print(out / "damaged-database.png")
    window.hide()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
