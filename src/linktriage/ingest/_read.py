"""Reading exports into Backlink records, streamed: one record at a time, whatever the file's size."""

from __future__ import annotations

import contextlib
import csv
import functools
import os
import re
from itertools import islice
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from linktriage._exceptions import InputError, named_as_given
from linktriage._records import Backlink
from linktriage._spreadsheet import unguarded
from linktriage._run_warnings import warn_run
from linktriage.ingest._detect import ExportFormat, detect_file_format
from linktriage.ingest._encoding import reading_codec
from linktriage.ingest._unpack import Unpacker
from linktriage.ingest._values import blank_cells, cell_text, clean_url, converter_for, shown_text, site_url

__all__ = ["read_exports"]

PathLike = str | os.PathLike


def read_exports(paths: Sequence[PathLike] | PathLike, *, site: str | None = None,
                 every_row: bool = False) -> Iterator[Backlink]:
    """Stream the rows of each export, in order, as :class:`~linktriage.Backlink` records.

    Every file's format is detected before the first row comes out, so an unreadable file, or a Search Console
    export without ``site``, stops the run before any work is done. ``Backlink.row`` counts rows across all the
    files from 0; ``export_file`` is the path as given. A row whose source URL is empty or unusable still comes
    out, with ``error`` saying why (rows in = rows out); rows whose cells are all empty are not rows.

    ``site`` is the target of exports that have no target column (Google Search Console).

    A row that repeats the header is skipped: in an export file it is the header of a second export pasted on.
    ``every_row`` keeps it, for a table written from Python objects, whose caller lines results up with its rows
    (linktriage.score's inline pages, row by row).

    The iterator's ``export_columns`` names every row's ``export`` keys, in order, before any row is read: an
    output of an export with a header and no rows still has its columns.

    A gzip-compressed export, or a ZIP holding one table, is read from a decompressed copy in a temporary
    folder, removed when the rows have all been read.
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not paths:
        raise InputError("no export file given: pass at least one backlink export")
    unpacker = Unpacker()  # a .csv.gz or a ZIP holding one table is read from a decompressed copy
    try:
        plans = [_plan(os.fspath(path), unpacker) for path in paths]
        target = site_url(site) if site else ""
        for plan in plans:
            if plan.fmt.target_is_site and not target:
                raise InputError(f"{plan.name} is a {plan.fmt.name} export, which has no target column: pass "
                                 "--site URL (the Search Console property, e.g. --site https://example.com/)")
    except BaseException:
        unpacker.close()
        raise
    for plan in plans:
        if plan.fmt.unread_sheets:  # said, as a summary sheet read instead of the export cost every row unsaid
            unread = ", ".join(repr(title) for title in plan.fmt.unread_sheets)
            warn_run(f"{plan.name}: read sheet {plan.fmt.sheet!r} ({plan.fmt.name}); not read: {unread}; to score "
                     "another sheet, save it as CSV and give that")
    # every row of the call gets the same export keys (in first-seen order), so an output's columns are fixed by
    # its first row even when the files come from different tools
    by_file = {plan.name: tuple(dict.fromkeys(_export_name(field) for _, field in plan.fmt.columns
                                              if _export_name(field))) for plan in plans}
    names = list(dict.fromkeys(name for columns in by_file.values() for name in columns))
    return _Rows(_read_all(plans, target, names, unpacker, every_row), tuple(names), by_file)


def _export_name(field: str) -> str:
    """The key a column's values keep in ``Backlink.export``, or "" for the columns a Backlink names itself.
    A `label` column is also kept as `export_label`: scoring a hand-labelled sample lost the user's labels, the
    one column to compare the predictions with."""
    return field if field.startswith("export_") else "export_label" if field == "label" else ""


class _Rows(Iterator[Backlink]):
    """read_exports' rows, with the ``export_columns`` they all have, and each file's own (``columns_by_file``, by
    the name it was given as)."""

    def __init__(self, rows: Iterator[Backlink], export_columns: tuple[str, ...],
                 columns_by_file: dict[str, tuple[str, ...]]) -> None:
        self._rows, self.export_columns, self.columns_by_file = rows, export_columns, columns_by_file

    def __next__(self) -> Backlink:
        return next(self._rows)

    def close(self) -> None:  # as a generator's: the decompressed copy goes even when not all rows were read
        self._rows.close()


class _Plan(NamedTuple):
    name: str  # as the user gave it: messages and ``export_file`` say this
    path: str  # what is read: ``name``, or the table decompressed from it
    fmt: ExportFormat


def _plan(name: str, unpacker: Unpacker) -> _Plan:
    path = unpacker.file(name)
    with named_as_given_by(name, path):
        return _Plan(name, path, detect_file_format(path))


@contextlib.contextmanager
def named_as_given_by(name: str, path: str) -> Iterator[None]:
    """InputErrors raised while reading ``path`` name the export as the user gave it, not its decompressed copy."""
    try:
        yield
    except InputError as exc:
        renamed = named_as_given(exc, [path] if path != name else [], name)
        if renamed is exc:
            raise
        raise renamed from None


def _read_all(plans: list[_Plan], site: str, names: list[str], unpacker: Unpacker,
              every_row: bool) -> Iterator[Backlink]:
    row = 0
    try:
        for plan in plans:
            with named_as_given_by(plan.name, plan.path):
                for backlink in _read_file(plan, site, row, names, every_row):
                    yield backlink
                    row += 1
    finally:
        unpacker.close()


def _read_file(plan: _Plan, site: str, first_row: int, names: list[str], every_row: bool) -> Iterator[Backlink]:
    fmt = plan.fmt
    build = _row_builder(plan.name, fmt, site, names)
    records = _records(plan.path, plan.name, fmt)
    # text cells are strings; workbook cells may be numbers or dates
    blank = _blank_text if fmt.encoding != "xlsx" else blank_cells
    header = _cells([raw for raw, _ in fmt.columns]) if not every_row else []
    row = first_row
    for record in records:
        if blank(record):
            continue
        # two exports pasted into one file: the second's header is no backlink (its first cell tells cheaply)
        if header and record and _header_cell(record[0]) == header[0] and _cells(record) == header:
            continue
        yield build(row, record)
        row += 1


def _header_cell(cell: object) -> str:
    """A cell as compared with the header's: stripped and case-folded, and without a byte-order mark, which starts
    the second export's header when two files that begin with one are joined (`cat a.csv b.csv`: Ahrefs' UTF-16
    files do); that header was read as a row."""
    return cell_text(cell).strip().lstrip("\ufeff").strip().casefold()


def _cells(record: Sequence[object]) -> list[str]:
    """A record's cells as compared with the header: see _header_cell; without trailing empty cells."""
    cells = [_header_cell(c) for c in record]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _blank_text(record: list[str]) -> bool:
    return not "".join(record).strip()


def _records(path: str, name: str, fmt: ExportFormat) -> Iterable[Sequence[object]]:
    if fmt.encoding == "xlsx":
        from linktriage.ingest._xlsx import sheet_rows

        return sheet_rows(path, name, fmt.sheet, fmt.header_row + 1, [raw for raw, _ in fmt.columns])
    return _text_records(path, name, fmt)


def _text_records(path: str, name: str, fmt: ExportFormat) -> Iterator[list[str]]:
    with open(path, encoding=reading_codec(fmt.encoding, fmt.bom), newline="", errors="strict") as stream:
        reader = csv.reader(stream, delimiter=fmt.delimiter)
        swallowed = _swallowed_row(fmt)
        width = len(fmt.columns)

        def swallows(cell: str, record: list[str]) -> bool:
            # Two row-like lines, or one in a record of another width than the header's: a multi-line anchor
            # holding one URL line with commas ("Read more at\nhttps://x.com/, the best, really") is a cell.
            found = len(swallowed.findall(cell)) if "\n" in cell else 0
            return found >= 2 or (found == 1 and len(record) != width)

        try:
            for record in islice(reader, fmt.header_row + 1, None):
                # A quote that never closes swallows the rows after it into one cell: rows would vanish silently.
                cell = next((cell for cell in record if swallows(cell, record)), None)
                if cell is not None:
                    breaks = cell.count("\n") - cell.endswith("\n")  # a quote left open to the end keeps the last
                    raise InputError(f"{name}: line {reader.line_num - breaks}: a quoted cell runs over {breaks + 1} "
                                     "lines and holds what look like further rows (an unbalanced quote?): fix the "
                                     "quote or export the file again")
                yield record
        except csv.Error as exc:
            raise InputError(f"{name}: line {reader.line_num}: {exc} (an unbalanced quote?): fix or export the "
                             "file again") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid {fmt.encoding} text near line {reader.line_num + 1} ({exc.reason}; "
                             "the encoding was judged from an earlier part of the file): save it as UTF-8 CSV"
                             ) from None


def _swallowed_row(fmt: ExportFormat) -> re.Pattern[str]:
    """A line inside a cell that looks like a further row: it starts with a URL and has at least as many delimiters
    as the header (a context or anchor that merely holds a URL followed by a comma is text)."""
    separators = max(1, sum(1 for header, _ in fmt.columns if header) - 1)
    delimiter = re.escape(fmt.delimiter)
    # [^\n<delimiter>]: each repetition ends at the next delimiter, so a line with too few fails without backtracking
    return re.compile(rf"\n\s*\"?(?:https?://|www\.)(?:[^\n{delimiter}]*{delimiter}){{{separators}}}")


def _row_builder(name: str, fmt: ExportFormat, site: str,
                 names: list[str]) -> Callable[[int, Sequence[object]], Backlink]:
    index = {field: i for i, (_, field) in enumerate(fmt.columns) if field}
    source_i = index["source_url"]
    target_i = index.get("target_url")
    anchor_i = index.get("anchor")
    label_i = index.get("label")
    layout = fmt.layout
    inverted = layout.inverted if layout is not None else frozenset()
    present = {}
    for i, (_, field) in enumerate(fmt.columns):
        if field == "label":
            present["export_label"] = (i, cell_text)
        elif field.startswith("export_"):
            bare = field.removeprefix("export_")
            present[field] = (i, converter_for(bare, decimal_comma=fmt.decimal_comma or fmt.delimiter == ";",
                                                         inverted=bare in inverted))
    # columns of this file, then those only other files of the call have (always None here)
    metrics = [(i, field, convert) for field, (i, convert) in present.items()]
    absent = [field for field in names if field not in present]

    def cell(record: Sequence[object], i: int | None) -> object:
        return record[i] if i is not None and i < len(record) else None

    @functools.lru_cache(maxsize=4096)  # exports repeat a few target URLs over and over
    def clean_target(value: object) -> str:
        return clean_url(value)[0] or site

    width = len(fmt.columns)
    # A text row with values past the header's last column had a separator inside a value, unquoted ("best trail,
    # running shoes"): its cells no longer sit under their names, and its anchor and metrics would be read shifted.
    # Trailing empty cells are harmless; a workbook's extra cells are notes beside the table, and a file whose rows
    # are mostly wider than its header has a column without a name (ExportFormat.wide_rows), not shifted values.
    overflow = (f"the row has more values than the header's {width} columns: a value holds an unquoted "
                f"{'tab' if fmt.delimiter == chr(9) else repr(fmt.delimiter)} (quote it, or export the file again)"
                if fmt.encoding != "xlsx" and not fmt.wide_rows else "")

    def build(row: int, record: Sequence[object]) -> Backlink:
        source, error = clean_url(cell(record, source_i))
        shifted = bool(overflow) and len(record) > width and any(cell_text(c).strip() for c in record[width:])
        if shifted and not error:
            error = overflow
        if target_i is None:
            target = site
        else:
            target = clean_target(cell(record, target_i))  # an odd target stays as written
        if not target and not error:  # looked for anyway, its link was never found: `missing`, a lost backlink
            error = "empty target URL: give the row its target, or --site URL for rows without one"
        label = cell_text(cell(record, label_i)) or None
        export = {field: None if shifted or i >= len(record) else convert(record[i]) for i, field, convert in metrics}
        if absent:
            export.update(dict.fromkeys(absent))
        anchor = unguarded(shown_text(cell_text(cell(record, anchor_i))))
        return Backlink(row=row, source_url=source, target_url=target, anchor=anchor, export_file=name,
                        export=export, label=label, error=error)

    return build
