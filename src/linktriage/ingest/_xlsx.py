"""Excel workbooks, streamed: openpyxl in read-only mode reads rows as it goes, never the whole sheet."""

from __future__ import annotations

import contextlib
import os
import zipfile
from typing import Iterator

from linktriage._exceptions import InputError

__all__ = ["open_workbook", "sheet_rows"]


@contextlib.contextmanager
def open_workbook(path: str | os.PathLike, name: str):
    """The workbook at ``path``, whatever its file name ends with; it and its file close at the end.

    Format detection goes by content, so a workbook saved as ``.csv`` or with no extension comes here: openpyxl
    refuses such names, but given an open file it does not look at the name. read_only mode reads the file as
    rows are asked for, so the file stays open until the workbook closes.
    """
    from openpyxl import load_workbook

    with contextlib.ExitStack() as closing:
        try:
            stream = closing.enter_context(open(path, "rb"))
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
            raise InputError(f"{name}: cannot open it as an Excel workbook ({type(exc).__name__}: {exc}); "
                             "export it again or save it as CSV") from None
        closing.callback(workbook.close)
        yield workbook


def sheet_rows(path: str | os.PathLike, name: str, sheet: str, skip: int) -> Iterator[tuple]:
    """The rows of ``sheet`` after the first ``skip``, as tuples of cell values; the workbook closes at the end."""
    with open_workbook(path, name) as workbook:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()
        yield from worksheet.iter_rows(min_row=skip + 1, values_only=True)
