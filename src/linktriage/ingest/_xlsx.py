"""Excel workbooks, streamed: openpyxl in read-only mode reads rows as it goes, never the whole sheet."""

from __future__ import annotations

import contextlib
import os
import zipfile
import zlib
from typing import Iterator

from linktriage._exceptions import InputError

__all__ = ["open_workbook", "sheet_rows", "worksheet_rows"]

# what a damaged workbook raises: its ZIP (a bad CRC, a cut-off entry), a missing part or shared string
# (LookupError: KeyError, IndexError), or broken XML inside
# (xml.etree's ParseError and lxml's XMLSyntaxError are both SyntaxErrors)
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, LookupError, ValueError, TypeError, OSError, SyntaxError)


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
        except _DAMAGED as exc:
            raise InputError(f"{name}: cannot open it as an Excel workbook ({type(exc).__name__}: "
                             f"{_first_line(exc)}); export it again or save it as CSV") from None
        closing.callback(workbook.close)
        yield workbook


def worksheet_rows(worksheet, name: str, first: int = 1, last: int | None = None) -> Iterator[tuple]:
    """The cell values of rows ``first`` to ``last`` (1-based) of an open worksheet; a damaged sheet is an
    InputError saying after which row, as reading is lazy and breaks only where the damage is."""
    row = first - 1
    try:
        for row, values in enumerate(worksheet.iter_rows(min_row=first, max_row=last, values_only=True), first):
            yield values
    except _DAMAGED as exc:
        where = f"after row {row}" if row >= first else f"from row {first}"
        raise InputError(f"{name}: sheet {worksheet.title!r} is damaged {where} ({type(exc).__name__}: "
                         f"{_first_line(exc)}); export it again or save it as CSV") from None


def sheet_rows(path: str | os.PathLike, name: str, sheet: str, skip: int) -> Iterator[tuple]:
    """The rows of ``sheet`` after the first ``skip``, as tuples of cell values; the workbook closes at the end."""
    with open_workbook(path, name) as workbook:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()
        yield from worksheet_rows(worksheet, name, skip + 1)


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]
