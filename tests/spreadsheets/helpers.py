"""Workbooks made for the spreadsheet tests: clerk-style .xlsx files, an encrypted-Office container, XML bombs."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

FIXTURES = Path(__file__).parent / "fixtures"

#: Headings as a clerk types them.
PEOPLE_HEADINGS = ("S.No", "Name", "Father's Name", "Gender", "CNIC No.", "Mobile No", "Address")


def clerk_workbook(
    path: Path,
    rows: Iterable[Sequence[Any]],
    headings: Sequence[str] = PEOPLE_HEADINGS,
    title: str | None = None,
    sheet: str = "Sheet1",
) -> Path:
    """An .xlsx saved by openpyxl's normal writer (shared strings, like Excel), optionally with a title line."""
    book = openpyxl.Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    if title is not None:
        worksheet.append([title])
    worksheet.append(list(headings))
    for row in rows:
        worksheet.append(list(row))
    book.save(path)
    return path


def replace_part(source: Path, target: Path, part: str, content: bytes) -> Path:
    """A copy of the workbook ``source`` with one zip entry's content replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry.filename, content if entry.filename == part else old.read(entry.filename))
    return target


def billion_laughs(root: str) -> bytes:
    """The "billion laughs" entity bomb, with the given root element (10^9 'lol' if a parser expanded it)."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE {root} [{''.join(entities)}]>\n"
        f'<{root} xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
        f"</{root}>"
    ).encode()


_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_FAT = 0xFFFFFFFD
_NONE = 0xFFFFFFFF


def _dir_entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    entry = encoded.ljust(64, b"\0")
    entry += struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
    entry += struct.pack("<III", left, right, child)
    entry += b"\0" * 16 + b"\0" * 4 + b"\0" * 16  # CLSID, state bits, times
    entry += struct.pack("<IQ", start, size)
    assert len(entry) == 128
    return entry


def encrypted_office_file(path: Path) -> Path:
    """An OLE compound file laid out as Excel stores a password-protected .xlsx.

    Streams ``EncryptionInfo`` and ``EncryptedPackage`` (4 KB of zeros each, so no mini stream is needed).
    """
    sector = 512
    stream_sectors = 8  # 4096 bytes each
    fat = [_FAT, _END]
    for first in (2, 2 + stream_sectors):
        fat += [first + i + 1 for i in range(stream_sectors - 1)] + [_END]
    fat += [_FREE] * (sector // 4 - len(fat))
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 0x1000, _END, 0, _END, 0)
    struct.pack_into("<I", header, 76, 0)
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, _FREE)
    directory = (
        _dir_entry("Root Entry", 5, _NONE, _NONE, 1, _END, 0)
        + _dir_entry("EncryptionInfo", 2, _NONE, 2, _NONE, 2, 4096)
        + _dir_entry("EncryptedPackage", 2, _NONE, _NONE, _NONE, 2 + stream_sectors, 4096)
        + _dir_entry("", 0, _NONE, _NONE, _NONE, 0, 0)
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + directory + b"\0" * (2 * stream_sectors * sector)
    path.write_bytes(bytes(header) + body)
    return path


def zip_with(path: Path, entries: dict[str, bytes]) -> Path:
    """A zip file holding the given entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    path.write_bytes(buffer.getvalue())
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def excel_style_workbook(
    path: Path,
    rows: Sequence[Sequence[str | int | float | None]],
    *,
    dimension: str | None = None,
    sheet_xml: bytes | None = None,
    shared_strings_xml: bytes | None = None,
) -> Path:
    """A minimal .xlsx laid out as Excel writes it: text in a shared-strings table, a ``<dimension>`` tag.

    ``sheet_xml`` / ``shared_strings_xml`` replace the generated parts (for malformed or hostile files).
    """
    strings: list[str] = []
    index: dict[str, int] = {}
    cells_xml = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                if value not in index:
                    index[value] = len(strings)
                    strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{index[value]}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        cells_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        sheet_xml
        or (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">{dim}'
            f"<sheetData>{''.join(cells_xml)}</sheetData></worksheet>"
        ).encode()
    )

    def escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    shared = (
        shared_strings_xml
        or (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
        ).encode()
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return zip_with(
        path,
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?><Types '
                'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
                "</Types>"
            ).encode(),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ).encode(),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ).encode(),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                "</Relationships>"
            ).encode(),
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": shared,
        },
    )
