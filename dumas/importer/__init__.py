"""Import the unit's own follow-up spreadsheets: read, check, compare, write in one unit.

The package is imported lazily: the reader child (dumas.importer.reader_child) loads only
what reading a file needs, not the database side (duckdb, pyarrow, pandas), nor typing.
"""

from __future__ import annotations

__all__ = ["ImportReport", "import_file"]  # from dumas.importer.service, on first use

TYPE_CHECKING = False  # not typing's: the reader child must not load typing
if TYPE_CHECKING:  # for the type checker only; at run time __getattr__ loads them
    from dumas.importer.service import ImportReport, import_file


def __getattr__(name: str) -> object:
    if name in __all__:
        from dumas.importer import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
