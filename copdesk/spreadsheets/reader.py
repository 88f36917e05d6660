"""Reading a clerk's spreadsheet safely: .xlsx through openpyxl, old .xls through xlrd.

The file is recognised by its content, not its name: a zip that holds a workbook is read as .xlsx; an OLE
compound file is a legacy .xls workbook, or an Office file encrypted with a password (Excel keeps a
password-protected .xlsx inside an OLE container with an ``EncryptedPackage`` stream). Anything else (a web page
or CSV file renamed to .xls, a Word file, a zip of photos) is refused with a message saying what it is.

Limits are checked before the data is loaded: the file's size, the zip's unpacked size, and each sheet's
``<dimension>`` tag (rows × columns); while rows are read the same limits are checked again, because the tag
is optional and may be wrong. XML with entity declarations (the "billion laughs" bomb and its relatives) is
refused: openpyxl parses through ``defusedxml`` when it is installed, and this module refuses to read .xlsx at
all when it is not.

Every failure is a :class:`SpreadsheetError` with a sentence a clerk can act on; values come back as text
(numbers written without a trailing ``.0``, so a CNIC or mobile typed as a number survives) or as
``date``/``datetime`` for date cells.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import Any

from copdesk.errors import CopdeskError
from copdesk.spreadsheets.export import column_letter, unescape_text

__all__ = [
    "LIMITS",
    "CellValue",
    "DamagedSpreadsheet",
    "Limits",
    "NotASpreadsheet",
    "PasswordProtected",
    "SheetInfo",
    "SheetRow",
    "SpreadsheetError",
    "SpreadsheetFile",
    "SpreadsheetTooLarge",
    "Table",
    "UnsafeSpreadsheet",
    "cell_text",
    "open_spreadsheet",
    "read_table",
]

#: A cell as read: text (numbers as text too), or a date / datetime for date cells. Empty cells are "".
CellValue = str | date


class SpreadsheetError(CopdeskError):
    """A spreadsheet that cannot be read; the message says why and what to do."""


class NotASpreadsheet(SpreadsheetError):
    """The file is not an Excel workbook (.xlsx or .xls)."""


class PasswordProtected(SpreadsheetError):
    """The workbook is encrypted with a password."""


class DamagedSpreadsheet(SpreadsheetError):
    """The workbook is malformed or damaged."""


class SpreadsheetTooLarge(SpreadsheetError):
    """The workbook or a sheet is over the limits copdesk reads."""


class UnsafeSpreadsheet(SpreadsheetError):
    """The workbook holds XML constructs Excel never writes (entity declarations): a possible attack."""


@dataclass(frozen=True)
class Limits:
    """How much of a spreadsheet copdesk agrees to read."""

    max_rows: int = 100_000
    max_columns: int = 50
    max_cells: int = 2_000_000
    max_file_bytes: int = 100 * 1024 * 1024
    max_unpacked_bytes: int = 400 * 1024 * 1024


LIMITS = Limits()

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([A-Za-z$0-9:]+)\"")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_OPEN_IN_EXCEL = "Open it in Excel and save it as an Excel Workbook (.xlsx), then try again."


@dataclass(frozen=True)
class SheetInfo:
    """A sheet of the workbook; ``rows``/``columns`` are its declared size, None when the file does not say."""

    name: str
    rows: int | None
    columns: int | None
    hidden: bool


@dataclass(frozen=True)
class SheetRow:
    """A non-empty row: its Excel row number (1-based) and its values, trailing empty cells left out."""

    number: int
    values: tuple[CellValue, ...]

    def get(self, index: int) -> CellValue:
        """The value in column ``index`` (0-based), "" beyond the row's last value."""
        return self.values[index] if 0 <= index < len(self.values) else ""


def cell_text(value: CellValue) -> str:
    """A cell as text: dates as ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM`` with a time)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _number_text(number: float) -> str:
    if number != number or number in (float("inf"), float("-inf")):
        return ""
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _day_or_moment(moment: datetime) -> date:
    moment = moment.replace(tzinfo=None)
    return moment.date() if moment.time() == time() else moment


def _xlsx_value(value: Any) -> CellValue:
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        return _day_or_moment(value)
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _trimmed(values: Sequence[CellValue]) -> tuple[CellValue, ...]:
    end = len(values)
    while end and values[end - 1] == "":
        end -= 1
    return tuple(values[:end])


def _ref_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) covered by a dimension reference like ``A1:F120``; None when it cannot be read."""
    last = ref.split(":")[-1]
    match = _CELL_REF.fullmatch(last)
    if match is None:
        return None
    letters, row = match.group(1).upper(), int(match.group(2))
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return row, column


class SpreadsheetFile:
    """An open workbook: its sheets, and each sheet's rows read lazily within the limits.

    Use as a context manager (``with open_spreadsheet(path) as book: ...``) so the file is closed.
    """

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits

    def __enter__(self) -> SpreadsheetFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""

    def sheets(self) -> tuple[SheetInfo, ...]:
        """The workbook's worksheets in tab order (chart sheets left out)."""
        raise NotImplementedError

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        """The sheet's non-empty rows in order; SpreadsheetError when the sheet is over the limits."""
        raise NotImplementedError

    # helpers shared by both formats

    def _info(self, sheet: str) -> SheetInfo:
        for info in self.sheets():
            if info.name == sheet:
                return info
        names = ", ".join(f"'{i.name}'" for i in self.sheets())
        raise SpreadsheetError(f"The workbook {self.path.name} has no sheet named '{sheet}' (it has {names}).")

    def _check_size(self, info: SheetInfo) -> None:
        limits = self.limits
        if (info.rows or 0) > limits.max_rows or (info.columns or 0) > limits.max_columns:
            raise SpreadsheetTooLarge(
                f"The sheet '{info.name}' is {info.rows or 0:,} rows by {info.columns or 0:,} columns; copdesk "
                f"reads at most {limits.max_rows:,} rows and {limits.max_columns} columns. Delete the empty "
                "rows and columns around the list, or split it into several files."
            )

    def _limited(self, sheet: str, numbered: Iterator[tuple[int, Sequence[CellValue]]]) -> Iterator[SheetRow]:
        limits = self.limits
        cells = 0
        for number, raw in numbered:
            if number > limits.max_rows:
                raise SpreadsheetTooLarge(
                    f"The sheet '{sheet}' has more than {limits.max_rows:,} rows; copdesk reads at most "
                    f"{limits.max_rows:,}. Split the list into several files."
                )
            values = _trimmed(raw)
            if not values:
                continue
            if len(values) > limits.max_columns:
                raise SpreadsheetTooLarge(
                    f"Row {number} of the sheet '{sheet}' has data in column {column_letter(len(values))}; copdesk "
                    f"reads at most {limits.max_columns} columns (up to {column_letter(limits.max_columns)}). "
                    "Delete the extra columns and try again."
                )
            cells += sum(1 for v in values if v != "")
            if cells > limits.max_cells:
                raise SpreadsheetTooLarge(
                    f"The sheet '{sheet}' has more than {limits.max_cells:,} filled cells; copdesk reads at most "
                    f"{limits.max_cells:,}. Split the list into several files."
                )
            yield SheetRow(number, values)


def _damaged(path: Path, detail: str = "") -> DamagedSpreadsheet:
    reason = f" ({detail})" if detail else ""
    return DamagedSpreadsheet(
        f"The workbook {path.name} could not be read; it is damaged or not a real Excel file{reason}. " + _OPEN_IN_EXCEL
    )


def _unsafe(path: Path) -> UnsafeSpreadsheet:
    return UnsafeSpreadsheet(
        f"The workbook {path.name} contains XML entity declarations, which Excel never writes; it may have been "
        "made to attack the computer and was not read. Ask for the list to be saved again from Excel."
    )


def _is_defused(exc: BaseException) -> bool:
    """True when defusedxml refused the XML (openpyxl sometimes wraps that error in its own)."""
    from defusedxml import DefusedXmlException

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, DefusedXmlException):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class _XlsxFile(SpreadsheetFile):
    """A .xlsx / .xlsm workbook read with openpyxl in read-only mode."""

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__(path, limits)
        import openpyxl

        if not openpyxl.DEFUSEDXML:
            raise SpreadsheetError(
                "copdesk cannot read .xlsx files safely on this computer (the defusedxml package is missing or "
                "switched off). Reinstall copdesk."
            )
        self._check_package()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(
                    path, read_only=True, data_only=True, keep_vba=False, keep_links=False
                )
        except SpreadsheetError:
            raise
        except Exception as exc:
            if _is_defused(exc):
                raise _unsafe(path) from None
            raise _damaged(path, type(exc).__name__) from None
        self._sheets: tuple[SheetInfo, ...] | None = None

    def _check_package(self) -> None:
        path, limits = self.path, self.limits
        try:
            with zipfile.ZipFile(path) as archive:
                entries = archive.infolist()
                names = {entry.filename for entry in entries}
                _refuse_other_packages(path, archive, names)
                unpacked = sum(entry.file_size for entry in entries)
                if unpacked > limits.max_unpacked_bytes:
                    raise SpreadsheetTooLarge(
                        f"The workbook {path.name} unpacks to {unpacked / 2**20:,.0f} MB; copdesk reads workbooks of "
                        f"at most {limits.max_unpacked_bytes / 2**20:,.0f} MB unpacked. Split the list into several "
                        "files."
                    )
                for entry in entries:
                    if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                        self._check_dimension(archive, entry)
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise _damaged(path, type(exc).__name__) from None

    def _check_dimension(self, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
        with archive.open(entry) as stream:
            head = stream.read(64 * 1024)
        data_at = _SHEET_DATA.search(head)
        match = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
        size = _ref_size(match.group(1).decode("ascii")) if match else None
        if size is None:
            return
        rows, columns = size
        if rows > self.limits.max_rows or columns > self.limits.max_columns:
            raise SpreadsheetTooLarge(
                f"A sheet of {self.path.name} is {rows:,} rows by {columns:,} columns; copdesk reads at most "
                f"{self.limits.max_rows:,} rows and {self.limits.max_columns} columns. Delete the empty rows and "
                "columns around the list, or split it into several files."
            )

    def close(self) -> None:
        """Release the file."""
        self._book.close()

    def sheets(self) -> tuple[SheetInfo, ...]:
        """The workbook's worksheets in tab order (chart sheets left out)."""
        if self._sheets is None:
            infos = []
            for sheet in self._book.worksheets:
                if not hasattr(sheet, "iter_rows"):
                    continue
                rows, columns = sheet.max_row, sheet.max_column
                hidden = getattr(sheet, "sheet_state", "visible") != "visible"
                infos.append(SheetInfo(sheet.title, rows, columns, hidden))
            self._sheets = tuple(infos)
        return self._sheets

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        """The sheet's non-empty rows in order; SpreadsheetError when the sheet is over the limits."""
        info = self._info(sheet)
        self._check_size(info)
        worksheet = self._book[sheet]
        worksheet.reset_dimensions()  # the tag may be wrong: read every row there is (within the limits)
        return self._limited(sheet, self._numbered(worksheet))

    def _numbered(self, worksheet: Any) -> Iterator[tuple[int, Sequence[CellValue]]]:
        try:
            for number, raw in enumerate(worksheet.iter_rows(values_only=True), 1):
                yield number, [_xlsx_value(v) for v in raw]
        except SpreadsheetError:
            raise
        except Exception as exc:
            if _is_defused(exc):
                raise _unsafe(self.path) from None
            raise _damaged(self.path, type(exc).__name__) from None


def _refuse_other_packages(path: Path, archive: zipfile.ZipFile, names: set[str]) -> None:
    """Refuse a zip that is another kind of document, or no document at all."""
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if b"opendocument.spreadsheet" in mimetype:
            raise NotASpreadsheet(
                f"{path.name} is an OpenDocument spreadsheet (LibreOffice .ods). Open it and save it as an "
                "Excel Workbook (.xlsx), then try again."
            )
    if "word/document.xml" in names:
        raise NotASpreadsheet(f"{path.name} is a Word document, not an Excel workbook.")
    if "ppt/presentation.xml" in names:
        raise NotASpreadsheet(f"{path.name} is a PowerPoint presentation, not an Excel workbook.")
    if "xl/workbook.bin" in names:
        raise NotASpreadsheet(
            f"{path.name} is an Excel binary workbook (.xlsb), which copdesk cannot read. " + _OPEN_IN_EXCEL
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise NotASpreadsheet(
            f"{path.name} is a zip file but not an Excel workbook. Choose the .xlsx file with the list."
        )


class _XlsFile(SpreadsheetFile):
    """A legacy .xls (BIFF) workbook read with xlrd."""

    def __init__(self, path: Path, limits: Limits, data: bytes) -> None:
        super().__init__(path, limits)
        import xlrd

        try:
            self._book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        except Exception as exc:
            if "encrypted" in str(exc).lower():
                raise _password_protected(path) from None
            raise _damaged(path, type(exc).__name__) from None
        self._sheets: tuple[SheetInfo, ...] | None = None

    def close(self) -> None:
        """Release the file."""
        self._book.release_resources()

    def _sheet(self, name: str) -> Any:
        try:
            return self._book.sheet_by_name(name)
        except Exception as exc:
            raise _damaged(self.path, type(exc).__name__) from None

    def sheets(self) -> tuple[SheetInfo, ...]:
        """The workbook's worksheets in tab order."""
        if self._sheets is None:
            infos = []
            for name in self._book.sheet_names():
                sheet = self._sheet(name)
                infos.append(SheetInfo(name, sheet.nrows, sheet.ncols, bool(sheet.visibility)))
            self._sheets = tuple(infos)
        return self._sheets

    def rows(self, sheet: str) -> Iterator[SheetRow]:
        """The sheet's non-empty rows in order; SpreadsheetError when the sheet is over the limits."""
        info = self._info(sheet)
        self._check_size(info)
        return self._limited(sheet, self._numbered(self._sheet(sheet)))

    def _numbered(self, sheet: Any) -> Iterator[tuple[int, Sequence[CellValue]]]:
        try:
            for index in range(sheet.nrows):
                yield index + 1, [self._value(cell) for cell in sheet.row(index)]
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise _damaged(self.path, type(exc).__name__) from None

    def _value(self, cell: Any) -> CellValue:
        import xlrd

        kind, value = cell.ctype, cell.value
        if kind == xlrd.XL_CELL_TEXT:
            return str(value)
        if kind == xlrd.XL_CELL_NUMBER:
            return _number_text(float(value))
        if kind == xlrd.XL_CELL_DATE:
            try:
                return _day_or_moment(xlrd.xldate.xldate_as_datetime(value, self._book.datemode))
            except Exception:
                return _number_text(float(value))
        if kind == xlrd.XL_CELL_BOOLEAN:
            return "TRUE" if value else "FALSE"
        if kind == xlrd.XL_CELL_ERROR:
            return str(xlrd.error_text_from_code.get(value, "#ERROR"))
        return ""


def _password_protected(path: Path) -> PasswordProtected:
    return PasswordProtected(
        f"The workbook {path.name} is password-protected. Open it in Excel, remove the password "
        "(File > Info > Protect Workbook > Encrypt with Password, clear it), save it, then try again."
    )


def _open_compound(path: Path, limits: Limits, data: bytes) -> SpreadsheetFile:
    """An OLE compound file: a legacy .xls, a password-protected Office file, or another Office document."""
    from xlrd.compdoc import CompDoc

    try:
        streams = {node.name for node in CompDoc(data, logfile=io.StringIO()).dirlist}
    except Exception as exc:
        raise _damaged(path, type(exc).__name__) from None
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise _password_protected(path)
    if "Workbook" in streams or "Book" in streams:
        return _XlsFile(path, limits, data)
    if "WordDocument" in streams:
        raise NotASpreadsheet(f"{path.name} is a Word document, not an Excel workbook.")
    if "PowerPoint Document" in streams:
        raise NotASpreadsheet(f"{path.name} is a PowerPoint presentation, not an Excel workbook.")
    raise NotASpreadsheet(f"{path.name} is an Office file but not an Excel workbook.")


def _refuse_unknown(path: Path, head: bytes) -> NotASpreadsheet:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text[:2048]:
        return NotASpreadsheet(f"{path.name} is a web page (HTML) saved with an Excel name. " + _OPEN_IN_EXCEL)
    if text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return NotASpreadsheet(f"{path.name} is an old Excel 2003 XML spreadsheet. " + _OPEN_IN_EXCEL)
    if head.startswith(b"%PDF"):
        return NotASpreadsheet(f"{path.name} is a PDF document, not an Excel workbook.")
    try:
        head.decode("utf-8")
        looks_like_text = b"\x00" not in head
    except UnicodeDecodeError:
        looks_like_text = False
    if looks_like_text and (b"," in head or b"\t" in head or b";" in head):
        return NotASpreadsheet(f"{path.name} is a text (CSV) file, not an Excel workbook. " + _OPEN_IN_EXCEL)
    return NotASpreadsheet(f"{path.name} is not an Excel workbook (.xlsx or .xls).")


def open_spreadsheet(path: Path | str, limits: Limits = LIMITS) -> SpreadsheetFile:
    """Open an Excel workbook (.xlsx, .xlsm or .xls, recognised by content) for reading.

    Raises :class:`SpreadsheetError` (one of its subclasses) for anything that is not a readable workbook
    within ``limits``.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except IsADirectoryError:
        raise NotASpreadsheet(f"{path.name} is a folder, not an Excel workbook.") from None
    except FileNotFoundError:
        raise SpreadsheetError(f"There is no file {path}.") from None
    except OSError as exc:
        raise SpreadsheetError(f"The file {path.name} cannot be opened ({exc.strerror or exc}).") from None
    if size == 0:
        raise NotASpreadsheet(f"{path.name} is empty.")
    if size > limits.max_file_bytes:
        raise SpreadsheetTooLarge(
            f"{path.name} is {size / 2**20:,.0f} MB; copdesk reads workbooks of at most "
            f"{limits.max_file_bytes / 2**20:,.0f} MB. Split the list into several files."
        )
    if head.startswith(_ZIP_MAGIC):
        return _XlsxFile(path, limits)
    if head.startswith(_CFB_MAGIC):
        return _open_compound(path, limits, path.read_bytes())
    raise _refuse_unknown(path, head)


@dataclass(frozen=True)
class Table:
    """A sheet read as a table: the header row's number and texts, and the data rows below it (lazy)."""

    sheet: str
    header_row: int
    headers: tuple[str, ...]
    rows: Iterator[SheetRow]


HEADER_SCAN_ROWS = 20


def read_table(book: SpreadsheetFile, sheet: str, header_row: int | None = None) -> Table:
    """Read ``sheet`` as a table: its row of headings and the data rows below it.

    The headings are row ``header_row``, or else the first row (among the first 20 non-empty ones) with at least
    two filled cells, so a title line above the list is skipped. SpreadsheetError when the sheet is empty or the
    chosen row is.
    """
    rows = book.rows(sheet)
    seen: list[SheetRow] = []
    header: SheetRow | None = None
    for row in rows:
        if header_row is not None:
            if row.number == header_row:
                header = row
                break
            if row.number > header_row:
                seen.append(row)
                break
            continue
        seen.append(row)
        if sum(1 for v in row.values if v != "") >= 2:
            header = row
            seen.pop()
            break
        if len(seen) >= HEADER_SCAN_ROWS:
            break
    if header is None:
        if header_row is not None:
            raise SpreadsheetError(
                f"Row {header_row} of the sheet '{sheet}' is empty; choose the row with the headings."
            )
        if not seen:
            raise SpreadsheetError(f"The sheet '{sheet}' is empty.")
        header = seen.pop(0)
    headers = tuple(" ".join(cell_text(v).split()) for v in header.values)
    after = [row for row in seen if row.number > header.number]
    return Table(sheet, header.number, headers, chain(after, rows))
