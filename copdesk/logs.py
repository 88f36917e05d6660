"""Logging to a rotating file in the data folder, with personal data kept out.

SQL parameters are never part of error messages (engines use ``hide_parameters``); as a second line of defence
a filter masks anything shaped like a CNIC or a Pakistani mobile number before a record is written.
"""

from __future__ import annotations

import logging
import re
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from copdesk.paths import logs_dir

LOG_FILE = "copdesk.log"
_PERSONAL_PATTERNS = (
    re.compile(r"\b\d{5}-?\d{7}-?\d\b"),  # CNIC
    re.compile(r"(?:\+92|0092|\b92|\b0)\s?3\d{2}[\s-]?\d{7}\b"),  # mobile numbers
)


def scrub(text: str) -> str:
    """Mask CNIC- and mobile-shaped substrings."""
    for pattern in _PERSONAL_PATTERNS:
        text = pattern.sub("[personal data removed]", text)
    return text


class PersonalDataFilter(logging.Filter):
    """Masks personal-data-shaped text in every record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


def configure_logging(level: int = logging.INFO) -> Path:
    """Send copdesk's log records to a rotating file (1 MB × 5) in the data folder; returns its path."""
    path = logs_dir() / LOG_FILE
    root = logging.getLogger("copdesk")
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        for handler in list(root.handlers):
            if isinstance(handler, RotatingFileHandler):
                root.removeHandler(handler)
                handler.close()
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(PersonalDataFilter())
        root.addHandler(handler)
    root.setLevel(level)
    return path


def log_bug(exc: BaseException) -> Path:
    """Record an unexpected exception in the log file as a crash report without personal data; returns the file."""
    from copdesk.diagnostics import crash_report_text

    path = configure_logging()
    logging.getLogger("copdesk").error("%s", crash_report_text(type(exc), exc, exc.__traceback__))
    return path
