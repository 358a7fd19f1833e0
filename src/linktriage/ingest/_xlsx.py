"""Excel workbooks, streamed: openpyxl in read-only mode reads rows as it goes, never the whole sheet."""

from __future__ import annotations

import contextlib
import itertools
import os
import zipfile
import zlib
from typing import Iterator, Sequence

from linktriage._exceptions import InputError
from linktriage.ingest._values import blank_cells

__all__ = ["LinkedText", "header_cells", "open_workbook", "sheet_rows", "worksheet_rows"]

# what a damaged workbook raises: its ZIP (a bad CRC, a cut-off entry), a missing part or shared string
# (LookupError: KeyError, IndexError), or broken XML inside
# (xml.etree's ParseError and lxml's XMLSyntaxError are both SyntaxErrors)
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, LookupError, ValueError, TypeError, OSError, SyntaxError)


class LinkedText(str):
    """A cell's shown text (what Excel last computed, "" if never) that links somewhere: ``link`` holds its
    ``=HYPERLINK("url", "label")`` formula or the address Excel's own hyperlink (Insert > Link) points to, so a URL
    column reads the url (clean_url) and an anchor column the label."""

    link: str = ""


def _linked(shown: object, link: object) -> object:
    if isinstance(link, str) and link:
        cell = LinkedText("" if shown is None else shown)
        cell.link = link
        return cell
    return shown


def _hyperlink_formula(formula: object) -> str:
    if isinstance(formula, str) and formula.startswith("=") and "HYPERLINK(" in formula.upper():
        return formula
    return ""


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_layout(path: str | os.PathLike, sheet: str) -> tuple[dict[tuple[int, int], str], list[tuple[int, ...]]]:
    """What read-only openpyxl skips of ``sheet``: the addresses of its web hyperlinks, ``{(row, column): address}``
    (1-based), and its merged ranges, ``(first column, first row, last column, last row)``.

    Both sit after the rows, in ``<hyperlinks>`` and ``<mergeCells>``; a hyperlink's address is in the sheet's
    relationships, and a link to a place inside the workbook has none and is left out. The sheet's XML is parsed
    only when a byte scan finds either.
    """
    from xml.etree.ElementTree import iterparse, parse

    from openpyxl.utils.cell import range_boundaries

    found: dict[tuple[int, int], str] = {}
    merged: list[tuple[int, ...]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            with archive.open("xl/workbook.xml") as stream:
                ids = {e.get("name"): e.get(_R_ID) for e in parse(stream).iter(f"{_MAIN}sheet")}
            with archive.open("xl/_rels/workbook.xml.rels") as stream:
                parts = {e.get("Id"): e.get("Target", "") for e in parse(stream).iter(f"{_RELS}Relationship")}
            part = parts.get(ids.get(sheet), "")
            part = part.lstrip("/") if part.startswith("/") else f"xl/{part}"
            rels = part.replace("worksheets/", "worksheets/_rels/", 1) + ".rels"
            if part not in names:
                return found, merged
            targets = {}
            if rels in names:
                with archive.open(rels) as stream:
                    targets = {e.get("Id"): e.get("Target", "") for e in parse(stream).iter(f"{_RELS}Relationship")
                               if e.get("TargetMode") == "External"}
            # "mergeCell", not "<mergeCell ": some writers prefix the sheet's elements (<x:mergeCell>)
            if not targets and not _holds(archive, part, b"mergeCell"):
                return found, merged
            rows = None
            with archive.open(part) as stream:
                for event, element in iterparse(stream, events=("start", "end")):
                    if event == "start":
                        if element.tag == f"{_MAIN}sheetData":
                            rows = element
                    elif element.tag == f"{_MAIN}row" and rows is not None:
                        rows.remove(element)  # the cells are read elsewhere: memory stays flat over a long sheet
                    elif element.tag == f"{_MAIN}mergeCell":
                        bounds = range_boundaries(element.get("ref", ""))
                        if None not in bounds:  # a range without rows or columns: openpyxl says the sheet is damaged
                            merged.append(bounds)
                    elif element.tag == f"{_MAIN}hyperlink" and (target := targets.get(element.get(_R_ID))):
                        first_col, first_row, last_col, last_row = range_boundaries(element.get("ref", ""))
                        for row in range(first_row, last_row + 1):
                            for col in range(first_col, last_col + 1):
                                found.setdefault((row, col), target)
    except _DAMAGED:
        return {}, []  # the rows' own reading reports the damage
    return found, merged


def _holds(archive: zipfile.ZipFile, member: str, needle: bytes) -> bool:
    """Whether ``member`` of ``archive`` holds ``needle`` (case-insensitive): read in chunks, not parsed."""
    needle, tail = needle.upper(), b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if needle in (tail + chunk).upper():
                return True
            tail = chunk[-len(needle):]
    return False


def _has_hyperlink_formulas(path: str | os.PathLike) -> bool:
    """Whether a sheet of the workbook holds a HYPERLINK formula: one pass over its XML, so the second, formula
    reading of the rows is paid only by workbooks that need it."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(_holds(archive, member, b"HYPERLINK(") for member in archive.namelist()
                       if member.startswith("xl/worksheets/") and member.endswith(".xml"))
    except _DAMAGED:
        return False  # the rows' own reading reports the damage


@contextlib.contextmanager
def open_workbook(path: str | os.PathLike, name: str, *, formulas: bool = False):
    """The workbook at ``path``, whatever its file name ends with; it and its file close at the end.

    Format detection goes by content, so a workbook saved as ``.csv`` or with no extension comes here: openpyxl
    refuses such names, but given an open file it does not look at the name. read_only mode reads the file as
    rows are asked for, so the file stays open until the workbook closes.
    """
    from openpyxl import load_workbook

    with contextlib.ExitStack() as closing:
        try:
            stream = closing.enter_context(open(path, "rb"))
            workbook = load_workbook(stream, read_only=True, data_only=not formulas)
        except _DAMAGED as exc:
            raise InputError(f"{name}: cannot open it as an Excel workbook ({type(exc).__name__}: "
                             f"{_first_line(exc)}); export it again or save it as CSV") from None
        closing.callback(workbook.close)
        yield workbook


def worksheet_rows(worksheet, name: str, first: int = 1, last: int | None = None) -> Iterator[tuple]:
    """The cell values of rows ``first`` to ``last`` (1-based) of an open worksheet; a damaged sheet is an
    InputError saying after which row, as reading is lazy and breaks only where the damage is."""
    row = first - 1
    # A sheet's recorded size is what its writer claimed: some claim too few rows or columns, and read-only
    # openpyxl believes them (rows and columns past the claim were never read)
    worksheet.reset_dimensions()
    try:
        for row, values in enumerate(worksheet.iter_rows(min_row=first, max_row=last, values_only=True), first):
            yield values
    except _DAMAGED as exc:
        where = f"after row {row}" if row >= first else f"from row {first}"
        raise InputError(f"{name}: sheet {worksheet.title!r} is damaged {where} ({type(exc).__name__}: "
                         f"{_first_line(exc)}); export it again or save it as CSV") from None


def header_cells(values: Sequence[object]) -> list[str]:
    """A header row as compared between sheets: its cells as text, no byte order mark, no empty cells at its end."""
    from linktriage.ingest._values import cell_text

    text = [cell_text(c).lstrip("\ufeff") for c in values]
    while text and not text[-1]:
        text.pop()
    return text


def sheet_rows(path: str | os.PathLike, name: str, sheet: str, skip: int,
               header: Sequence[str] = ()) -> Iterator[tuple]:
    """The rows of ``sheet`` after the first ``skip``, as tuples of cell values; the workbook closes at the end.

    Then the rows of every later sheet that repeats ``header`` as its row ``skip``: a table longer than Excel's
    1,048,576 rows goes on in the next sheet (linktriage's own workbooks, exports split by hand), and reading only
    the first sheet lost the rest without a word. Sheets with another header (a summary, notes) are not rows."""
    wanted = header_cells(header)
    with contextlib.ExitStack() as books:
        workbook = books.enter_context(open_workbook(path, name))
        # a =HYPERLINK cell shows its label: the formulas are read alongside, row for row, where there are any
        with_formulas = (books.enter_context(open_workbook(path, name, formulas=True))
                         if _has_hyperlink_formulas(path) else None)
        sheets = workbook.worksheets
        first = next(i for i, s in enumerate(sheets) if s.title == sheet)
        for index, worksheet in enumerate(sheets[first:], first):
            if index > first:
                head = next(worksheet_rows(worksheet, name, skip, skip), None) if wanted and skip else None
                if head is None or header_cells(head) != wanted:
                    continue
            rows = worksheet_rows(worksheet, name, skip + 1)
            # and so does a cell Excel linked itself (Insert > Link): its address is kept apart from the rows
            links, merged = _sheet_layout(path, worksheet.title)
            if with_formulas is not None or links:
                rows = _with_links(rows, links, skip + 1, with_formulas and with_formulas.worksheets[index], name)
            yield from _merged_down(rows, merged, skip + 1)


def _with_links(rows: Iterator[tuple], links: dict[tuple[int, int], str], first: int, formula_sheet,
                name: str) -> Iterator[tuple]:
    """``rows`` (from sheet row ``first`` on) with their linked cells as LinkedText: a =HYPERLINK formula of
    ``formula_sheet`` (the same sheet read for formulas) or an address in ``links``."""
    formula_rows = worksheet_rows(formula_sheet, name, first) if formula_sheet is not None else itertools.repeat(())
    for number, (shown, formulas) in enumerate(zip(rows, formula_rows), first):
        formulas = tuple(formulas) + (None,) * (len(shown) - len(formulas))
        yield tuple(_linked(value, _hyperlink_formula(formula) or links.get((number, column), ""))
                    for column, (value, formula) in enumerate(zip(shown, formulas), 1))


def _merged_down(rows: Iterator[tuple], merged: list[tuple[int, ...]], first: int) -> Iterator[tuple]:
    """``rows`` (from sheet row ``first`` on) with each range merged over several rows giving its value to every
    row: an export tidied in Excel merges a source URL over the rows of its links, and Excel keeps the value in
    the range's first cell only. The value goes down the range's first column; a range within one row (a cell
    spread over the next columns) leaves those columns empty, as they are. Ranges starting above ``first`` (a title
    over the header) are not the table's."""
    starts: dict[int, list[tuple[int, int]]] = {}
    for first_col, first_row, _, last_row in merged:
        if first_row >= first and last_row > first_row:
            starts.setdefault(first_row, []).append((first_col, last_row))
    if not starts:
        yield from rows
        return
    carried: dict[int, tuple[object, int]] = {}  # column (1-based) -> (value, last row of its range)
    for number, row in enumerate(rows, first):
        for column, last_row in starts.pop(number, ()):
            carried[column] = (row[column - 1] if column <= len(row) else None, last_row)
        # a blank row inside a range (a spacer, or a merge drawn past the table's end) stays no row
        if carried and not blank_cells(row):
            cells = list(row)
            for column, (value, last_row) in list(carried.items()):
                if number > last_row:
                    del carried[column]
                    continue
                cells += [None] * (column - len(cells))
                if cells[column - 1] in (None, ""):
                    cells[column - 1] = value
            row = tuple(cells)
        yield row


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]
