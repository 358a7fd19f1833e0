"""Excel workbooks (``-o scored.xlsx``, ``--domains domains.xlsx``): what SEO teams open first.

A CSV opened in Excel by double-click is read in the machine's code page (IDN domains and anchors garbled) and
its cells may run as formulas; a workbook has neither problem. Values keep their types (probabilities are
numbers, ``toxic`` a boolean), text that starts with ``=`` is stored as text, never as a formula, and the
header row is frozen with a filter on it.

Written with openpyxl's write-only mode, which streams rows to a temporary file: memory stays flat whatever
the number of rows. Excel's own limits are kept: a cell holds at most 32,767 characters (longer text is cut
and ends with "…"), a sheet 1,048,576 rows (the rows go on in a second sheet, ``rows 2``, with the header
again), and the control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import math
import os
from typing import Sequence

__all__ = ["MAX_CELL_CHARS", "XlsxRowWriter", "write_xlsx_table"]

MAX_CELL_CHARS = 32_767
#: Excel's rows per sheet, the header included
MAX_SHEET_ROWS = 1_048_576


def _save(book, path: str | os.PathLike) -> None:
    """``Workbook.save`` into memory, then one write: when openpyxl's own writing to the file fails (a full disk),
    it leaves its zip archive and sheet writers half open, and the garbage collector printed their tracebacks
    after the one-line error. The workbook in memory is the compressed file, a few MB per 100,000 rows."""
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    with open(path, "wb") as fh:
        fh.write(buffer.getbuffer())


class XlsxRowWriter:
    """Rows to one workbook; columns fixed by the first chunk (``columns(first_rows)``), like the CSV writer."""

    def __init__(self, path: str | os.PathLike, columns, sheet: str = "rows") -> None:
        import openpyxl

        self._path, self._columns_of, self._sheet_name = path, columns, sheet
        self._book = openpyxl.Workbook(write_only=True)
        self._columns: list[str] | None = None
        self._sheet = None
        self._sheets = 0
        self._rows_in_sheet = 0

    def write(self, rows: Sequence[dict]) -> None:
        if not rows:
            return
        if self._columns is None:
            self._columns = list(self._columns_of(rows))
        for row in rows:
            if self._sheet is None or self._rows_in_sheet >= MAX_SHEET_ROWS:
                self._new_sheet()
            self._sheet.append([_cell(self._sheet, row.get(name)) for name in self._columns])
            self._rows_in_sheet += 1

    def close(self, *, complete: bool = True) -> None:
        if self._sheet is None:  # no rows at all: still a workbook with the output's columns
            if self._columns is None:
                self._columns = list(self._columns_of([]))
            self._new_sheet()
        self._finish_sheet()
        _save(self._book, self._path)

    def __enter__(self) -> "XlsxRowWriter":
        return self

    def __exit__(self, exc_type, *exc: object) -> None:
        self.close(complete=exc_type is None)

    def _new_sheet(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._finish_sheet()
        self._sheets += 1
        title = self._sheet_name if self._sheets == 1 else f"{self._sheet_name} {self._sheets}"
        self._sheet = self._book.create_sheet(title)
        self._sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for name in self._columns:
            cell = WriteOnlyCell(self._sheet, value=name)
            cell.font = bold
            header.append(cell)
        self._sheet.append(header)
        self._rows_in_sheet = 1

    def _finish_sheet(self) -> None:
        """The filter covers the sheet's rows: known only once they are all written."""
        if self._sheet is not None and self._columns:
            from openpyxl.utils import get_column_letter

            last = get_column_letter(len(self._columns))
            self._sheet.auto_filter.ref = f"A1:{last}{self._rows_in_sheet}"


def write_xlsx_table(rows: list[dict], path: str | os.PathLike, columns: Sequence[str], sheet: str) -> None:
    """A whole table (the domain view) as a workbook of one sheet."""
    with XlsxRowWriter(path, lambda _rows: columns, sheet=sheet) as writer:
        writer.write(rows)


def _cell(sheet, value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):  # Excel's numbers are doubles: a longer integer (an ID) would lose its last digits
        return value if abs(value) <= 2**53 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # Excel has no NaN or infinity
    text = _excel_text(str(value))
    if text.startswith("="):  # openpyxl would store it as a formula: text from pages must never run
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _excel_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be written as XML
