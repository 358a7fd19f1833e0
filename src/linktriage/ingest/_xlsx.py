"""Excel workbooks, streamed: openpyxl in read-only mode reads rows as it goes, never the whole sheet."""

from __future__ import annotations

import os
import zipfile
from typing import Iterator

from linktriage._exceptions import InputError

__all__ = ["open_workbook", "sheet_rows"]


def open_workbook(path: str | os.PathLike, name: str):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise InputError(f"{name}: cannot open it as an Excel workbook ({type(exc).__name__}: {exc}); "
                         "export it again or save it as CSV") from None


def sheet_rows(path: str | os.PathLike, name: str, sheet: str, skip: int) -> Iterator[tuple]:
    """The rows of ``sheet`` after the first ``skip``, as tuples of cell values; the workbook closes at the end."""
    workbook = open_workbook(path, name)
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()
        yield from worksheet.iter_rows(min_row=skip + 1, values_only=True)
    finally:
        workbook.close()
