"""Qt's own model tester walking every index of a million-row model (about 30 s, so marked slow)."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester

from copdesk.ui.paged_model import PagedTableModel

from .conftest import GUI_MARKS
from .fakes import NumberSource
from .test_paged_model import COLUMNS, MILLION

pytestmark = [*GUI_MARKS, pytest.mark.slow]


def test_qt_model_tester_on_a_million_rows_reads_one_page(qtmodeltester: ModelTester) -> None:
    source = NumberSource(MILLION)
    model = PagedTableModel(source, COLUMNS)
    model.load()
    qtmodeltester.check(model)  # Qt's C++ tester: visits every index, reads the data of the first ones only
    assert model.rowCount() == MILLION
    assert model.pages_fetched == 1
    assert [request.offset for request in source.pages] == [0]
