"""Excel workbooks: streaming export of any list, and safe reading of a clerk's spreadsheet for import.

- :mod:`copdesk.spreadsheets.export`: ``write_xlsx`` with typed, formula-safe cells and ``Column`` specs;
- :mod:`copdesk.spreadsheets.reader`: ``open_spreadsheet`` (.xlsx / .xls by content, within limits) and
  ``read_table``; every failure is a :class:`SpreadsheetError`;
- :mod:`copdesk.spreadsheets.mapping`: which column fills which field, guessed from English / Urdu headings and
  remembered per set of headings.

The use-cases (export a list, preview and run an import) are in :mod:`copdesk.services.spreadsheets`.
"""

from __future__ import annotations

from copdesk.spreadsheets.export import Column, write_xlsx
from copdesk.spreadsheets.reader import SpreadsheetError, open_spreadsheet, read_table

__all__ = ["Column", "SpreadsheetError", "open_spreadsheet", "read_table", "write_xlsx"]
