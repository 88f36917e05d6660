"""Reading workbooks safely: formats recognised by content, limits, hostile and broken files."""

from __future__ import annotations

import random
import tempfile
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copdesk.spreadsheets.export import Column, write_xlsx
from copdesk.spreadsheets.reader import (
    DamagedSpreadsheet,
    Limits,
    NotASpreadsheet,
    PasswordProtected,
    SheetRow,
    SpreadsheetError,
    SpreadsheetTooLarge,
    UnsafeSpreadsheet,
    cell_text,
    open_spreadsheet,
    read_table,
)
from tests.spreadsheets.helpers import (
    FIXTURES,
    billion_laughs,
    clerk_workbook,
    encrypted_office_file,
    excel_style_workbook,
    replace_part,
    zip_with,
)


def _read_all(path: Path, limits: Limits | None = None) -> dict[str, list[SheetRow]]:
    with open_spreadsheet(path, limits or Limits()) as book:
        return {info.name: list(book.rows(info.name)) for info in book.sheets()}


# --- good files ------------------------------------------------------------------------------------------------


def test_xlsx_values_come_back_as_text_and_dates(tmp_path: Path) -> None:
    path = clerk_workbook(
        tmp_path / "people.xlsx",
        [
            [1, "Ali Raza", "Muhammad Raza", "M", 3520212345671, 3001234567, datetime(2025, 3, 5)],
            [2, "  Bano  ", "", "F", "35202-1234567-2", "0300-1234567", datetime(2025, 3, 5, 14, 30)],
            [3, "x", None, None, 1.5, True, None],
        ],
        title="People of Ward 5",
    )
    with open_spreadsheet(path) as book:
        (info,) = book.sheets()
        assert (info.name, info.rows, info.columns, info.hidden) == ("Sheet1", 5, 7, False)
        table = read_table(book, "Sheet1")
        assert table.header_row == 2  # the title line above the headings is skipped
        assert table.headers[:3] == ("S.No", "Name", "Father's Name")
        rows = list(table.rows)
    assert [r.number for r in rows] == [3, 4, 5]
    assert rows[0].values == ("1", "Ali Raza", "Muhammad Raza", "M", "3520212345671", "3001234567", date(2025, 3, 5))
    assert rows[1].values[1] == "  Bano  " and rows[1].values[6] == datetime(2025, 3, 5, 14, 30)
    assert rows[2].values == ("3", "x", "", "", "1.5", "TRUE")  # trailing empty cells are left out
    assert rows[2].get(10) == "" and rows[2].get(-1) == ""
    assert cell_text(date(2025, 3, 5)) == "2025-03-05" and cell_text(datetime(2025, 3, 5, 14, 30)) == "2025-03-05 14:30"


def test_excel_style_shared_strings_and_a_wrong_dimension_tag(tmp_path: Path) -> None:
    """The dimension tag says two rows; every row there is is still read (nothing silently dropped)."""
    rows = [["Name", "CNIC"]] + [[f"Person {i}", f"35202-123456{i}-1"] for i in range(6)]
    path = excel_style_workbook(tmp_path / "excel.xlsx", rows, dimension="A1:B2")
    read = _read_all(path)["Sheet1"]
    assert [r.values[0] for r in read] == ["Name"] + [f"Person {i}" for i in range(6)]


def test_header_row_can_be_chosen(tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "p.xlsx", [["a", "b"], ["c", "d"]], headings=("One", "Two"), title="Title")
    with open_spreadsheet(path) as book:
        table = read_table(book, "Sheet1", header_row=3)
        assert table.headers == ("a", "b") and [r.values for r in table.rows] == [("c", "d")]
        with pytest.raises(SpreadsheetError, match="Row 9 of the sheet 'Sheet1' is empty"):
            read_table(book, "Sheet1", header_row=9)
        with pytest.raises(SpreadsheetError, match="no sheet named 'Other'.*'Sheet1'"):
            read_table(book, "Other")


def test_a_sheet_with_one_column_uses_its_first_row_as_header(tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "one.xlsx", [["Ali"], ["Bano"]], headings=("Name",))
    with open_spreadsheet(path) as book:
        table = read_table(book, "Sheet1")
        assert table.headers == ("Name",) and [r.values for r in table.rows] == [("Ali",), ("Bano",)]


def test_an_empty_sheet_is_refused(tmp_path: Path) -> None:
    path = excel_style_workbook(tmp_path / "empty.xlsx", [])
    with open_spreadsheet(path) as book, pytest.raises(SpreadsheetError, match="The sheet 'Sheet1' is empty"):
        read_table(book, "Sheet1")


def test_legacy_xls_is_read_with_xlrd() -> None:
    """The fixture was written once with xlwt 1.3.0 (not a dependency): a title line, text, numbers, dates."""
    with open_spreadsheet(FIXTURES / "volunteers.xls") as book:
        assert [(s.name, s.rows, s.columns) for s in book.sheets()] == [("Volunteers", 6, 8), ("Notes", 1, 1)]
        table = read_table(book, "Volunteers")
        rows = list(table.rows)
    assert table.header_row == 2 and table.headers[1] == "Name" and table.headers[7] == "Joined on"
    assert rows[0].values == (
        "1", "Ali Raza", "Muhammad Raza", "M", "35202-1234567-1", "0300-1234567", "House 5, Ward 5", date(2025, 1, 15),
    )  # fmt: skip
    assert rows[1].values[4:6] == ("3520212345682", "3011234567")  # numbers without ".0"
    assert rows[2].values[1] == "علی حسن"
    assert [r.number for r in rows] == [3, 4, 5, 6]


def test_our_own_exports_read_back(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(path, "List", [Column("Name", lambda r: r[0]), Column("Day", lambda r: r[1], "date")], [("=x", None)])
    assert [r.values for r in _read_all(path)["List"]] == [("Name", "Day"), ("=x",)]


# --- refused files ---------------------------------------------------------------------------------------------


def test_password_protected_workbook(tmp_path: Path) -> None:
    path = encrypted_office_file(tmp_path / "secret.xlsx")
    with pytest.raises(PasswordProtected, match="secret.xlsx is password-protected"):
        open_spreadsheet(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Name,CNIC\nAli,35202-1234567-1\n", "text \\(CSV\\) file"),
        (b"<html><body><table><tr><td>Ali</td></tr></table></body></html>", "web page \\(HTML\\)"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "Excel 2003 XML"),
        (b"%PDF-1.4 binary", "PDF document"),
        (bytes(range(256)) * 4, "is not an Excel workbook \\(.xlsx or .xls\\)"),
        (b"", "is empty"),
    ],
)
def test_non_excel_files_are_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "list.xls"
    path.write_bytes(content)
    with pytest.raises(NotASpreadsheet, match=message):
        open_spreadsheet(path)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"photo.jpg": b"\xff\xd8\xff"}, "is a zip file but not an Excel workbook"),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, "Word document"),
        ({"ppt/presentation.xml": b"<p/>"}, "PowerPoint"),
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "OpenDocument spreadsheet"),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}, "binary workbook \\(.xlsb\\)"),
    ],
)
def test_zips_that_are_not_workbooks(tmp_path: Path, entries: dict[str, bytes], message: str) -> None:
    path = zip_with(tmp_path / "list.xlsx", entries)
    with pytest.raises(NotASpreadsheet, match=message):
        open_spreadsheet(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError, match="There is no file"):
        open_spreadsheet(tmp_path / "nothing.xlsx")
    with pytest.raises(NotASpreadsheet, match="is a folder"):
        open_spreadsheet(tmp_path)


def test_a_workbook_with_broken_xml_is_damaged(tmp_path: Path) -> None:
    good = clerk_workbook(tmp_path / "good.xlsx", [["a", "b"]])
    broken = replace_part(good, tmp_path / "broken.xlsx", "xl/workbook.xml", b"<workbook><sheets>")
    with pytest.raises(DamagedSpreadsheet, match="broken.xlsx could not be read"):
        open_spreadsheet(broken)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:-200])  # the zip's directory is missing
    with pytest.raises(DamagedSpreadsheet):
        open_spreadsheet(cut)


def test_huge_dimension_is_refused_before_loading(tmp_path: Path) -> None:
    path = excel_style_workbook(tmp_path / "huge.xlsx", [["Name", "CNIC"], ["a", "b"]], dimension="A1:XFD1048576")
    started = time.perf_counter()
    with pytest.raises(SpreadsheetTooLarge, match="1,048,576 rows by 16,384 columns.*at most 100,000 rows and 50"):
        open_spreadsheet(path)
    assert time.perf_counter() - started < 2


def test_limits_are_enforced_while_reading_when_the_tag_is_missing(tmp_path: Path) -> None:
    rows = [["Name", "CNIC"]] + [["a", "b"]] * 30
    path = excel_style_workbook(tmp_path / "rows.xlsx", rows)
    with pytest.raises(SpreadsheetTooLarge, match="more than 20 rows"):
        _read_all(path, Limits(max_rows=20))
    wide = excel_style_workbook(tmp_path / "wide.xlsx", [["a", "b", "c", "d"]])
    with pytest.raises(SpreadsheetTooLarge, match="Row 1 .* column D; copdesk reads at most 3 columns \\(up to C\\)"):
        _read_all(wide, Limits(max_columns=3))
    with pytest.raises(SpreadsheetTooLarge, match="more than 40 filled cells"):
        _read_all(path, Limits(max_cells=40))
    assert len(_read_all(path, Limits(max_rows=31))["Sheet1"]) == 31


def test_declared_size_over_the_limits_is_refused(tmp_path: Path) -> None:
    path = excel_style_workbook(tmp_path / "tagged.xlsx", [["a", "b"]] * 3, dimension="A1:B3")
    with pytest.raises(SpreadsheetTooLarge, match="3 rows by 2 columns; copdesk reads at most 2 rows"):
        open_spreadsheet(path, Limits(max_rows=2))
    with open_spreadsheet(FIXTURES / "volunteers.xls", Limits(max_columns=7)) as book:
        book.rows("Notes")  # the small sheet is fine
        with pytest.raises(SpreadsheetTooLarge, match="The sheet 'Volunteers' is 6 rows by 8 columns"):
            book.rows("Volunteers")
    with pytest.raises(SpreadsheetTooLarge, match="at most 0 MB"):
        open_spreadsheet(path, Limits(max_file_bytes=100))
    with pytest.raises(SpreadsheetTooLarge, match="unpacks to"):
        open_spreadsheet(path, Limits(max_unpacked_bytes=1_000))


@pytest.mark.parametrize(
    ("part", "root"),
    [("xl/worksheets/sheet1.xml", "worksheet"), ("xl/sharedStrings.xml", "sst"), ("xl/workbook.xml", "workbook")],
)
def test_xml_bombs_are_refused_quickly(tmp_path: Path, part: str, root: str) -> None:
    good = excel_style_workbook(tmp_path / "good.xlsx", [["Name", "CNIC"], ["Ali", "x"]])
    bomb = replace_part(good, tmp_path / "bomb.xlsx", part, billion_laughs(root))
    started = time.perf_counter()
    with pytest.raises(UnsafeSpreadsheet, match="entity declarations"):
        _read_all(bomb)
    assert time.perf_counter() - started < 2


def test_external_entities_are_refused(tmp_path: Path) -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
    )
    path = excel_style_workbook(tmp_path / "xxe.xlsx", [], sheet_xml=xxe)
    with pytest.raises(UnsafeSpreadsheet):
        _read_all(path)


# --- fuzzing ---------------------------------------------------------------------------------------------------


def _only_clear_errors(content: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            with open_spreadsheet(path) as book:
                for info in book.sheets():
                    for _row in book.rows(info.name):
                        pass
        except SpreadsheetError as exc:
            assert exc.message and "\n" not in exc.message


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2_048), st.sampled_from(["a.xlsx", "a.xls", "a.bin"]))
def test_random_bytes_raise_only_clear_errors(content: bytes, name: str) -> None:
    _only_clear_errors(content, name)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]), st.binary(max_size=2_048))
def test_random_bytes_behind_a_real_signature_raise_only_clear_errors(magic: bytes, rest: bytes) -> None:
    _only_clear_errors(magic + rest, "a.xlsx")


_GOOD_BYTES: dict[str, bytes] = {}


def _good(kind: str) -> bytes:
    if kind not in _GOOD_BYTES:
        with tempfile.TemporaryDirectory() as folder:
            if kind == "xls":
                _GOOD_BYTES[kind] = (FIXTURES / "volunteers.xls").read_bytes()
            elif kind == "excel":
                path = excel_style_workbook(Path(folder) / "g.xlsx", [["Name", "CNIC"], ["Ali", 3520212345671]])
                _GOOD_BYTES[kind] = path.read_bytes()
            else:
                path = clerk_workbook(Path(folder) / "g.xlsx", [[1, "Ali", "Raza", "M", "35202-1234567-1"]])
                _GOOD_BYTES[kind] = path.read_bytes()
    return _GOOD_BYTES[kind]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["xls", "excel", "openpyxl"]),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_corrupted_workbooks_raise_only_clear_errors(kind: str, flips: list[tuple[float, int]]) -> None:
    content = bytearray(_good(kind))
    for where, value in flips:
        content[int(where * len(content))] = value
    _only_clear_errors(bytes(content), "a.xlsx")


def test_truncated_workbooks_raise_only_clear_errors() -> None:
    generator = random.Random(5)
    for kind in ("xls", "excel", "openpyxl"):
        content = _good(kind)
        for _ in range(15):
            _only_clear_errors(content[: generator.randrange(1, len(content))], "a.xlsx")


def test_the_zip_of_a_workbook_is_not_checked_only_by_name(tmp_path: Path) -> None:
    """A zip whose entries are named like a workbook but whose XML is not a workbook is damaged, not a crash."""
    path = zip_with(tmp_path / "fake.xlsx", {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})
    with pytest.raises(SpreadsheetError):
        _read_all(path)
    assert zipfile.is_zipfile(path)
