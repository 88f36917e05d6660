"""``copdesk export`` and ``copdesk import``: summaries, each bad row, exit codes, one-line errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from copdesk.cli.main import main
from copdesk.models.organisation import Station
from copdesk.services.committees import CommitteeDraft, CommitteeService
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService
from copdesk.services.watch import GroupDraft, WatchService
from copdesk.spreadsheets.export import Column, write_xlsx
from tests.spreadsheets.helpers import FIXTURES, clerk_workbook

PASSWORD = "test-password"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPDESK_PASSWORD", PASSWORD)


def _rows(path: Path) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_import_people_then_export_them(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, tmp_path: Path
) -> None:
    db = str(district_db_path)
    rows = [
        ("Ali Raza", "Muhammad Raza", "M", "35202-1234567-1", "0300-1234567"),
        ("Bad Cnic", "", "M", "123", ""),
        ("=cmd|' /C calc'!A0", "", "F", "", "+92 301 1234567"),
    ]
    headings = ("Name", "Father's name", "Gender", "CNIC", "Mobile")
    sheet = tmp_path / "people.xlsx"
    write_xlsx(sheet, "People", [Column(h, lambda r, i=i: r[i]) for i, h in enumerate(headings)], rows)
    code, out, err = run(capsys, "import", "people", "--db", db, "--user", "clerk", str(sheet))
    assert code == 1 and err == ""
    assert (
        "Sheet 'People', headings on row 1: Name = column 'Name', Father's / husband's name = column "
        "'Father's name', Gender = column 'Gender', CNIC = column 'CNIC', Mobile = column 'Mobile'."
    ) in out
    assert "3 row(s) read; 2 people imported (2 new people); 1 row(s) not imported." in out
    assert "  row 3: CNIC must have 13 digits" in out

    out_file = tmp_path / "exported.xlsx"
    code, out, err = run(capsys, "export", "--db", db, "--user", "officer", "--list", "people", "--out", str(out_file))
    assert (code, err) == (0, "") and out.strip() == f"Exported 2 row(s) to {out_file}."
    rows = _rows(out_file)
    assert rows[1][:5] == ("=cmd|' /C calc'!A0", None, "Female", None, "0301-1234567")  # text, not a formula
    assert rows[2][:4] == ("Ali Raza", "Muhammad Raza", "Male", "35202-1234567-1")


def test_all_or_nothing_and_a_clean_import(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, tmp_path: Path
) -> None:
    db = str(district_db_path)
    bad = clerk_workbook(tmp_path / "bad.xlsx", [[1, "Ali", "", "M", "1", "", ""], [2, "Bano", "", "F", "", "", ""]])
    code, out, _ = run(capsys, "import", "people", "--db", db, "--user", "clerk", str(bad), "--all-or-nothing")
    assert code == 1
    assert "2 row(s) read; nothing imported because 1 row(s) have problems:" in out and "  row 2: CNIC" in out
    good = clerk_workbook(tmp_path / "good.xlsx", [["Zainab"]], headings=("Name",))
    code, out, _ = run(capsys, "import", "people", "--db", db, "--user", "clerk", str(good), "--gender", "female")
    assert code == 0 and "1 people imported (1 new people); 0 row(s) not imported." in out
    code, out, _ = run(
        capsys, "export", "--db", db, "--user", "clerk", "--list", "people", "--out", str(tmp_path / "p.xlsx")
    )
    assert out.startswith("Exported 1 row(s)")  # the all-or-nothing file added nobody


def test_import_errors_are_one_line(capsys: pytest.CaptureFixture[str], district_db_path: Path, tmp_path: Path) -> None:
    db = str(district_db_path)
    text = tmp_path / "list.xlsx"
    text.write_text("Name,CNIC\n")
    code, out, err = run(capsys, "import", "people", "--db", db, "--user", "clerk", str(text))
    assert code == 1 and out == "" and err.count("\n") == 1 and "text (CSV) file" in err
    odd = clerk_workbook(tmp_path / "odd.xlsx", [["x", "y"]], headings=("Foo", "Bar"))
    code, out, err = run(capsys, "import", "people", "--db", db, "--user", "clerk", str(odd))
    assert code == 1 and err.strip() == (
        "copdesk: Choose the column with the name. The sheet's headings are: 'Foo', 'Bar'."
    )
    code, _, err = run(capsys, "import", "people", "--db", db, "--user", "clerk", str(odd), "--sheet", "Other")
    assert code == 1 and "no sheet named 'Other'" in err
    code, _, err = run(capsys, "import", "volunteers", "--db", db, "--user", "clerk", str(odd), "--group", "x")
    assert code == 2 and "--group must be a record id" in err


def test_volunteers_and_members_through_the_cli(
    capsys: pytest.CaptureFixture[str],
    district_db_path: Path,
    clerk: ServiceContext,
    dpo: ServiceContext,
    tmp_path: Path,
) -> None:
    db = str(district_db_path)
    with dpo.read() as session:
        city = session.scalars(select(Station.id).where(Station.name == "City")).one()
    beat = OrganisationService(dpo).create_beat(city, "Ward 5")
    group = WatchService(clerk).create_group(GroupDraft(beat.id, "Night watch", date(2025, 1, 1)))
    committee = CommitteeService(clerk).create(CommitteeDraft("dispute_resolution", "DRC", city, date(2025, 1, 1)))

    xls = str(FIXTURES / "volunteers.xls")
    code, out, _ = run(capsys, "import", "volunteers", "--db", db, "--user", "clerk", xls, "--group", str(group.id))
    assert code == 1 and "3 watch volunteers imported (3 new people, 0 already recorded)" in out and "  row 6:" in out
    code, out, _ = run(
        capsys, "export", "--db", db, "--user", "clerk", "--list", "volunteers", "--group", str(group.id),
        "--out", str(tmp_path / "v.xlsx"),
    )  # fmt: skip
    assert code == 0 and out.startswith("Exported 3 row(s)")

    members = clerk_workbook(tmp_path / "m.xlsx", [["Ali Raza", "M", "35202-1234567-1"]], ("Name", "Gender", "CNIC"))
    argv = [
        "import",
        "committee-members",
        "--db",
        db,
        "--user",
        "clerk",
        str(members),
        "--committee",
        str(committee.id),
    ]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "Choose the column with the category, or a value for every row." in err
    code, out, _ = run(capsys, *argv, "--category", "elder", "--joined-on", "2025-02-01")
    assert code == 0 and "1 committee members imported (0 new people, 1 already recorded)" in out
    (member,) = CommitteeService(clerk).roster(committee.id)
    assert (member.name, member.category, member.joined_on) == ("Ali Raza", "elder", date(2025, 2, 1))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--list", "people", "--month", "2025-01"], "--month does not apply to --list people"),
        (["--list", "monthly_figures"], "Say which month's figures"),
        (["--list", "complaints", "--to-month", "2025-02"], "--to-month is only for"),
        (["--list", "volunteers"], "This list needs --group ID"),
        (["--list", "complaints", "--month", "March"], "YYYY-MM"),
    ],
)
def test_export_usage_errors(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    argv = ["export", "--db", str(district_db_path), "--user", "clerk", "--out", str(tmp_path / "x.xlsx"), *extra]
    code, _, err = run(capsys, *argv)
    assert code in (1, 2) and message in err and err.count("\n") == 1


def test_export_complaints_of_a_month_and_figures(
    capsys: pytest.CaptureFixture[str], district_db_path: Path, tmp_path: Path
) -> None:
    db = str(district_db_path)
    out = tmp_path / "c.xlsx"
    code, text, _ = run(capsys, "export", "--db", db, "--user", "clerk", "--list", "complaints", "--month", "2025-01",
                        "--search", "theft", "--out", str(out))  # fmt: skip
    assert code == 0 and text.startswith("Exported 0 row(s)") and _rows(out)[0][0] == "Tracking no"
    out = tmp_path / "f.xlsx"
    code, text, _ = run(capsys, "export", "--db", db, "--user", "officer", "--list", "monthly_figures",
                        "--month", "2025-01", "--to-month", "2025-02", "--out", str(out))  # fmt: skip
    assert code == 0 and {r[0] for r in _rows(out)[1:]} == {"2025-01", "2025-02"}
    code, text, _ = run(capsys, "export", "--db", db, "--user", "clerk", "--list", "meetings", "--month", "2025-01",
                        "--out", str(tmp_path / "m.xlsx"))  # fmt: skip
    assert code == 0 and text.startswith("Exported 0 row(s)")
