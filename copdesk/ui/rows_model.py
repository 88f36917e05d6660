"""A table model over a short list that is loaded whole (accounts, stations, beats: tens of rows, not millions).

It uses the same :class:`~copdesk.ui.paged_model.Column` definitions as the paged model; sorting is done in
memory on the shown text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from copdesk.ui.paged_model import ROW_ROLE, Column, ModelIndex, display_text


class RowsTableModel(QAbstractTableModel):
    """A read-only table of a list of row objects."""

    def __init__(self, columns: Sequence[Column[Any]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show these rows (replacing the old ones)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        """The rows shown, in order."""
        return list(self._rows)

    def row_object(self, row: int) -> Any | None:
        """The row object at ``row`` or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of rows (0 under a parent)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of columns (0 under a parent)."""
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, alignment, or (``ROW_ROLE``) the row object."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column.value(row))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment.value)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column headers."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._columns[section].alignment.value)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Selectable, not editable in place."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column's shown text."""
        if not 0 <= column < len(self._columns):
            return
        getter = self._columns[column].value
        self.layoutAboutToBeChanged.emit()
        old = list(self._rows)
        self._rows.sort(
            key=lambda row: display_text(getter(row)).casefold(), reverse=order == Qt.SortOrder.DescendingOrder
        )
        mapping = {id(row): number for number, row in enumerate(self._rows)}
        for persistent in self.persistentIndexList():
            if persistent.isValid() and persistent.row() < len(old):
                new_row = mapping[id(old[persistent.row()])]
                self.changePersistentIndex(persistent, self.index(new_row, persistent.column()))
        self.layoutChanged.emit()
