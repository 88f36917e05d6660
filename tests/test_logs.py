"""Logs keep personal data out: scrubbed patterns, and unexpected errors logged without their messages."""

from __future__ import annotations

import logging
from pathlib import Path

from copdesk.logs import configure_logging, log_bug, scrub


def test_scrub_masks_cnic_and_mobile_shapes() -> None:
    text = "cnic 35202-1234567-1 or 3520212345671, phone +92 300 1234567, 03001234567 and 0300-1234567"
    cleaned = scrub(text)
    for secret in ("35202-1234567-1", "3520212345671", "1234567"):
        assert secret not in cleaned
    assert cleaned.count("[personal data removed]") == 5


def test_log_records_are_scrubbed(tmp_path: Path) -> None:
    path = configure_logging()
    logging.getLogger("copdesk.test").warning("looked up %s", "35202-7654321-3")
    for handler in logging.getLogger("copdesk").handlers:
        handler.flush()
    assert "7654321" not in path.read_text(encoding="utf-8")


def test_an_unexpected_error_is_logged_without_its_message() -> None:
    record = {"name": "Naveed Akhtar", "cnic": "35202-7654321-3", "address": "12 Mall Road"}
    try:
        raise ValueError(", ".join(record.values()))  # the report shows this source line, never the values
    except ValueError as exc:
        path = log_bug(exc)
    for handler in logging.getLogger("copdesk").handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "ValueError" in text and "test_logs.py" in text
    for secret in ("Naveed", "7654321", "Mall Road"):
        assert secret not in text
