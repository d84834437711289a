"""The serving process's log: a file with rotation, for the operator (no Streamlit here).

Every fault a visitor meets is logged here under a short code that the visitor's message
shows (dumas/ui/maintenance.py), with the traceback, so the operator can find it.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER = "dumas"
MAX_BYTES = 5 * 2**20  # per file; the five files before it are kept
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure(path: Path) -> Path:
    """Send the app's log to `path` (rotated at MAX_BYTES, BACKUPS kept); once per process."""
    logger = logging.getLogger(LOGGER)
    path.parent.mkdir(parents=True, exist_ok=True)
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8")  # fmt: skip
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
