"""Screenshots of the print preview and the Excel import wizard for docs/screenshots (offscreen, demo district).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python -m tests.ui.shots_documents docs/screenshots``.
The demo district is built in a temporary folder; only the PNG files land in the given folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main(out: Path) -> int:
    """Build a demo district, then save the receipt and Urdu minutes previews and three import wizard pages."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="copdesk-document-shots-"))
    os.environ["COPDESK_HOME"] = str(home)
    out.mkdir(parents=True, exist_ok=True)

    import openpyxl
    from PySide6.QtWidgets import QWidget

    from copdesk.models.meetings import MeetingStatus
    from copdesk.services.auth import login_district
    from copdesk.services.complaints import ComplaintService
    from copdesk.services.demo import build_demo
    from copdesk.services.meetings import MeetingService
    from copdesk.services.paging import PageRequest
    from copdesk.services.people import PeopleService
    from copdesk.ui import tasks
    from copdesk.ui.app import create_application
    from copdesk.ui.print_preview import preview_minutes, preview_receipt
    from copdesk.ui.spreadsheet_dialogs import SpreadsheetImportWizard

    app = create_application(["copdesk"])
    world = build_demo(home / "demo", districts=1, months=2)
    context = login_district(world.district_databases[0], "dpo", "demo")

    def pump(ms: int = 150) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def settle() -> None:
        end = time.monotonic() + 30
        while tasks.pending_tasks() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        pump(300)

    def shot(widget: QWidget, name: str) -> None:
        settle()
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    # a complaint with a named complainant, and a closed meeting with the most said in it
    complaints = ComplaintService(context).page(PageRequest(limit=100, sort="received_on", descending=True)).rows
    complaint = next((c for c in complaints if not c.anonymous and c.complainant_name), complaints[0])
    receipt = preview_receipt(None, context, complaint.id)
    receipt.resize(1280, 800)
    receipt.show()
    shot(receipt, "print-preview-receipt")
    receipt.close()

    meetings = MeetingService(context)
    closed = [m for m in meetings.page(PageRequest(limit=100)).rows if m.status is MeetingStatus.CLOSED]
    meeting = max(closed[:30], key=lambda m: m.members_present)
    minutes = preview_minutes(None, context, meeting.id, language="ur")
    minutes.resize(1280, 800)
    minutes.show()
    shot(minutes, "print-preview-minutes-urdu")
    minutes.close()

    # a clerk's sheet: Urdu and English names, the usual headings, a few rows that cannot be imported
    known = next(p for p in PeopleService(context).page(PageRequest(limit=200)).rows if p.cnic)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Volunteers list"
    sheet.append(["Community volunteers, Mohalla Eidgah (collected at the open kachehri)"])
    sheet.append([])
    sheet.append(["Sr #", "Name", "S/O, D/O, W/O", "Sex", "CNIC #", "Cell No", "Address", "Remarks"])
    rows = [
        ("Muhammad Arshad", "Ghulam Nabi", "M", "35202-4567891-3", "0300-4567891", "House 12, Street 4, Eidgah"),
        ("Rukhsana Bibi", "Muhammad Yousaf", "F", "35202-9876543-2", "0321-4455667", "Mohalla Eidgah"),
        ("شاہد محمود", "محمد اقبال", "مرد", "35202-1472583-7", "0333-1472583", "گلی نمبر 3، عید گاہ"),
        ("Abdul Ghafoor", "Allah Ditta", "male", "35202-12345", "0301-2345678", "Near the jamia masjid"),
        ("Nasreen Akhtar", "Zafar Iqbal", "", "", "0345-9988776", "Railway colony"),
        ("Imran Khan", "Sher Khan", "M", "35202-4567891-3", "0302-1112223", "Street 9"),
        ("فاطمہ بی بی", "عبدالرشید", "عورت", "", "0312-5566778", "محلہ عید گاہ"),
        (known.name, known.father_name, "M", known.cnic, "", ""),
        ("Tariq Mehmood", "Bashir Ahmed", "M", "35202-7539514-5", "042-37654321", "Chungi"),
        ("Zubair Ahmed", "Nazir Ahmed", "M", "35202-8529637-1", "0300-8529637", "Model Colony"),
    ]
    for number, row in enumerate(rows, 1):
        sheet.append([number, *row, ""])
    path = home / "eidgah volunteers.xlsx"
    book.save(path)

    wizard = SpreadsheetImportWizard(context, "people")
    wizard.resize(1280, 800)
    wizard.show()
    wizard.choose_file(path)
    settle()
    wizard.next()
    settle()
    shot(wizard, "import-wizard-mapping")
    wizard.next()
    settle()
    shot(wizard, "import-wizard-preview")
    wizard.next()  # Import
    settle()
    shot(wizard, "import-wizard-result")
    wizard.close()
    context.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
