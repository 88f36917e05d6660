"""The streaming .xlsx writer: typed cells, formula-safe text, sheet features, flat memory, progress."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copdesk.errors import ValidationError
from copdesk.spreadsheets import export
from copdesk.spreadsheets.export import (
    EXCEL_MAX_TEXT,
    Column,
    column_letter,
    escape_text,
    sheet_title,
    unescape_text,
    write_xlsx,
)
from copdesk.spreadsheets.reader import open_spreadsheet, read_table

ROWS: list[dict[str, Any]] = [
    {"text": "=SUM(A1:A9)", "day": date(2025, 3, 1), "n": 42, "x": 1.25, "at": datetime(2025, 3, 1, 9, 30, tzinfo=UTC)},
    {"text": "+923001234567", "day": None, "n": None, "x": None, "at": None},
    {"text": "#N/A", "day": date(1999, 12, 31), "n": -7, "x": 2.0, "at": datetime(2024, 1, 2, 3, 4)},
]
COLUMNS: list[Column[dict[str, Any]]] = [
    Column("Text", lambda r: r["text"], "text", 30),
    Column("Day", lambda r: r["day"], "date"),
    Column("Number", lambda r: r["n"], "int", 8),
    Column("Share", lambda r: r["x"], "float"),
    Column("When", lambda r: r["at"], "datetime"),
]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "out.xlsx"
    assert write_xlsx(path, "Complaints", COLUMNS, ROWS) == 3
    return path


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_cells_are_typed(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["Text", "Day", "Number", "Share", "When"]
    day, number, share, when = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"]
    assert day.is_date and day.value == datetime(2025, 3, 1) and day.number_format == "dd\\-mmm\\-yyyy"
    assert number.data_type == "n" and number.value == 42
    assert share.data_type == "n" and share.value == 1.25
    local = datetime(2025, 3, 1, 9, 30, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert when.is_date and when.value == local  # an instant is shown in local time, as on screen
    assert sheet["E4"].value == datetime(2024, 1, 2, 3, 4)  # naive datetimes are written as they are
    assert [sheet.cell(3, c).value for c in range(2, 6)] == [None, None, None, None]  # None leaves cells empty
    assert sheet["B4"].value == datetime(1999, 12, 31)


def test_formula_looking_text_is_a_string_cell_not_a_formula(workbook: Path) -> None:
    xml = _sheet_xml(workbook)
    assert "<f>" not in xml and "<f " not in xml
    assert '<c r="A2" t="inlineStr"><is><t>=SUM(A1:A9)</t></is></c>' in xml
    assert '<c r="A4" t="inlineStr"><is><t>#N/A</t></is></c>' in xml  # not an error cell either
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=SUM(A1:A9)", "s")
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("+923001234567", "s")
    assert (sheet["A4"].value, sheet["A4"].data_type) == ("#N/A", "s")


def test_header_frozen_filtered_and_widths(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "Complaints"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["C"].width == 8
    assert sheet.column_dimensions["B"].width == 13  # the default for a date column
    assert sheet["A1"].font.b is True and sheet["A2"].font.b is not True


def test_empty_list_still_has_its_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    assert write_xlsx(path, "People", COLUMNS, []) == 0
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:E1"


def test_progress_is_reported_and_an_exception_cancels_without_leaving_a_file(tmp_path: Path) -> None:
    tmp_path = tmp_path / "exports"
    calls: list[tuple[int, int]] = []
    rows = [{"text": str(i), "day": None, "n": i, "x": None, "at": None} for i in range(1_200)]
    write_xlsx(tmp_path / "ok.xlsx", "x", COLUMNS, rows, lambda done, total: calls.append((done, total)), 1_200)
    assert calls == [(500, 1_200), (1_000, 1_200), (1_200, 1_200)]

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        write_xlsx(tmp_path / "cancelled.xlsx", "x", COLUMNS, rows, cancel)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.xlsx"]  # no half file, no temporary left


def test_a_failed_export_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"previous")

    def broken(row: Any) -> Any:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_xlsx(path, "x", [Column("A", broken)], [1])
    assert path.read_bytes() == b"previous"


def test_a_file_that_cannot_be_replaced_or_a_folder_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(source: str, target: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export.os, "replace", locked)  # what Windows does while Excel has the file open
    with pytest.raises(ValidationError, match="list.xlsx cannot be replaced: it is probably open in Excel"):
        write_xlsx(tmp_path / "list.xlsx", "x", COLUMNS, ROWS)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(ValidationError, match="cannot be saved in"):
        write_xlsx(blocker / "list.xlsx", "x", COLUMNS, ROWS)


def test_too_many_rows_for_excel_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 4)
    assert write_xlsx(tmp_path / "fits.xlsx", "x", COLUMNS[:1], [{"text": "a"}] * 3) == 3  # + header = 4
    with pytest.raises(ValidationError, match="at most 3 rows"):
        write_xlsx(tmp_path / "big.xlsx", "x", COLUMNS[:1], [{"text": "a"}] * 4)
    assert not (tmp_path / "big.xlsx").exists()


def test_text_longer_than_excel_allows_is_cut_at_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    write_xlsx(path, "x", [Column("A", lambda r: r)], ["é" * (EXCEL_MAX_TEXT + 10)])
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert sheet["A2"].value == "é" * EXCEL_MAX_TEXT


def test_non_finite_floats_and_wrong_types() -> None:
    assert export._cell("A1", "float", float("nan")) == ""
    assert export._cell("A1", "float", float("inf")) == ""
    assert export._cell("A1", "int", 3.5) == '<c r="A1"><v>3.5</v></c>'
    with pytest.raises(TypeError):
        export._cell("A1", "date", "2025-01-01")
    with pytest.raises(TypeError):
        export._cell("A1", "datetime", 5)
    # a datetime given to a date column keeps its (local) day
    eleven_pm_utc = datetime(2025, 3, 1, 23, 0, tzinfo=timezone(timedelta(0)))
    local_day = eleven_pm_utc.astimezone().date()
    assert f"<v>{(local_day - date(1899, 12, 30)).days}</v>" in export._cell("A1", "date", eleven_pm_utc)


def test_column_letters_and_sheet_titles() -> None:
    assert [column_letter(i) for i in (1, 26, 27, 52, 703, 16384)] == ["A", "Z", "AA", "AZ", "AAA", "XFD"]
    with pytest.raises(ValueError):
        column_letter(0)
    assert sheet_title("Complaints: March/April [draft]?") == "Complaints March April draft"
    assert sheet_title("") == "Sheet1"
    assert sheet_title("'quoted'") == "quoted"
    assert len(sheet_title("x" * 40)) == 31


def test_sheet_title_with_quotes_and_ampersand_is_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_xlsx(path, 'Ali\'s "A&B" list', COLUMNS[:1], [{"text": "a"}])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ['Ali\'s "A&B" list']


def test_escape_is_excel_style_and_reversible() -> None:
    assert escape_text("a\x0bb") == "a_x000B_b"
    assert escape_text("_x0041_") == "_x005F_x0041_"
    assert escape_text("plain _x text") == "plain _x text"
    assert unescape_text("_x000D_ and _x005F_x0041_") == "\r and _x0041_"


@given(st.text())
def test_escape_round_trips(text: str) -> None:
    assert unescape_text(escape_text(text)) == text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", escape_text(text))


_LEADS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\r\n", " ", "'", "#", "_x0041_", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(_LEADS, st.text(max_size=40)), min_size=1, max_size=8))
def test_any_text_round_trips_through_write_and_read(tmp_path: Path, cells: list[tuple[str, str]]) -> None:
    texts = [lead + rest for lead, rest in cells]
    path = tmp_path / "round.xlsx"
    write_xlsx(path, "Texts", [Column("Heading one", lambda r: r), Column("Heading two", lambda r: "x")], texts)
    with open_spreadsheet(path) as book:
        table = read_table(book, "Texts", header_row=1)
        read = {row.number: row.values[0] for row in table.rows}
    assert [read.get(number, "") for number in range(2, len(texts) + 2)] == texts


def test_phone_numbers_and_formulas_round_trip_exactly(tmp_path: Path) -> None:
    texts = ["+92 300 1234567", '=HYPERLINK("http://x")', "-1", "@SUM(A1)", "\tx", "\rx", "0300-1234567"]
    path = tmp_path / "phones.xlsx"
    write_xlsx(path, "x", [Column("Phone", lambda r: r), Column("B", lambda r: 1, "int")], texts)
    with open_spreadsheet(path) as book:
        rows = list(read_table(book, "x").rows)
    assert [row.values[0] for row in rows] == texts


def _peak(rows: int) -> int:
    def generate() -> Iterator[tuple[int, str, date]]:
        for i in range(rows):
            yield i, f"Complainant number {i} of Mohalla Qadri", date(2025, 1, 1)

    columns = [
        Column("No", lambda r: r[0], "int"),
        Column("Name", lambda r: r[1]),
        Column("Day", lambda r: r[2], "date"),
    ]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        tracemalloc.start()
        try:
            write_xlsx(Path(folder) / "big.xlsx", "Big", columns, generate())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_memory_stays_flat_however_many_rows() -> None:
    small, large = _peak(10_000), _peak(50_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)
    assert large < 8 * 1024 * 1024
