"""Which export a file is: encoding, delimiter, where the header is, and which layout its header matches.

The header is looked for among the first :data:`HEADER_SCAN` records (Open Site Explorer and some other tools write
a few lines about the report first), with each candidate delimiter; the reading that matches the most specific layout
and splits the rows after it consistently wins.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Sequence

from linktriage._exceptions import InputError, UnknownFormatError
from linktriage.ingest._catalog import LAYOUTS
from linktriage.ingest._gsc import by_shape, is_link
from linktriage.ingest._encoding import Sniffed, sniff
from linktriage.ingest._layout import ROLES, Layout, Match, best_match, closest_layout, normalize_header, snake_case
from linktriage.ingest._values import cell_text

__all__ = ["ExportFormat", "detect_format"]

HEADER_SCAN = 30
CONSISTENCY_SCAN = 50
DELIMITERS = (",", "\t", ";", "|")
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", "": "none"}
#: header names dropped: the export's own row number (``Backlink.row`` replaces it)
_DROPPED = frozenset({"", "#"})


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """What :func:`detect_format` found out about an export file.

    ``columns`` pairs each column's header, as written in the file, with the field it becomes: ``source_url``,
    ``target_url``, ``anchor``, ``label``, an ``export_*`` name, or ``""`` for a column that is dropped (no header,
    or the export's own ``#`` row number).
    """

    vendor: str
    variant: str
    #: the text encoding (``"utf-16-le"``, ``"utf-8"``, ...), or ``"xlsx"`` for an Excel workbook
    encoding: str
    #: ``","``, ``"\t"``, ``";"`` or ``"|"``; ``""`` for a workbook
    delimiter: str
    #: 0-based index of the header among the file's records (rows), after any preamble
    header_row: int
    columns: tuple[tuple[str, str], ...]
    #: the file starts with a byte order mark
    bom: bool = False
    #: the worksheet read, for a workbook
    sheet: str = ""
    #: the workbook's other sheets that hold something and are not read (a summary, notes, another table)
    unread_sheets: tuple[str, ...] = ()
    #: the export has no target column: each row's target is the site given by the user (``--site``)
    target_is_site: bool = False
    #: numbers are written with a decimal comma ("15,3", "1.234,5"): semicolon-separated files, and files whose
    #: first rows hold such numbers and none with a decimal point (German Excel's "Unicode Text", tab-separated)
    decimal_comma: bool = False
    #: most sampled rows hold values past the header's last column (a column the header does not name): values
    #: there are that column's, not a sign of a value split by an unquoted separator
    wide_rows: bool = False
    layout: Layout | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """``"Ahrefs backlinks"``, ``"Google Search Console latest links (German)"``, ..."""
        return self.layout.name if self.layout is not None else f"{self.vendor} {self.variant}"

    @property
    def mapping(self) -> dict[str, str]:
        """Header -> field, for the columns that are kept."""
        return {header: name for header, name in self.columns if name}

    def describe(self) -> str:
        """One line for messages and logs."""
        if self.encoding == "xlsx":
            where = f"xlsx, sheet {self.sheet!r}"
        else:
            bom = " with BOM" if self.bom else ""
            where = f"{self.encoding}{bom}, {_DELIMITER_NAMES[self.delimiter]}-separated"
        preamble = f", header on row {self.header_row + 1}" if self.header_row else ""
        return f"{self.name} ({where}{preamble})"


def detect_format(path: str | os.PathLike) -> ExportFormat:
    """Detect an export's format from its bytes and header. Raises InputError (one line) when it cannot be read.

    A gzip-compressed export, or a ZIP holding one table, is detected from the table inside, as
    :func:`~linktriage.ingest.read_exports` reads it (it said "decompress it", where reading needs no such step).
    """
    from linktriage.ingest._read import named_as_given_by
    from linktriage.ingest._unpack import Unpacker

    unpacker = Unpacker()
    try:
        inner = unpacker.file(path)
        with named_as_given_by(os.fspath(path), inner):
            return detect_file_format(inner)
    finally:
        unpacker.close()


def detect_file_format(path: str | os.PathLike) -> ExportFormat:
    """:func:`detect_format` of a file as it is (not decompressed)."""
    name = os.fspath(path)
    sniffed = sniff(path)
    if sniffed.kind == "xlsx":
        return _detect_xlsx(path, name)
    return _detect_text(sniffed, name)


@dataclass(frozen=True)
class _Candidate:
    key: tuple
    delimiter: str
    header_row: int
    header: list[str]
    match: Match


def _detect_text(sniffed: Sniffed, name: str) -> ExportFormat:
    text = sniffed.sample
    if not sniffed.complete:  # the sample may end inside a record: keep whole lines only
        text = text[: text.rfind("\n") + 1] or text
    stripped = text.lstrip("\ufeff \t\r\n")[:200].casefold()
    if stripped.startswith("warc/"):  # a .warc.gz is decompressed like an export.csv.gz before it gets here
        raise InputError(f"{name} is a WARC archive of pages, not a backlink export: give it with --pages, and "
                         "the export (or labelled links) as the file argument")
    if stripped.startswith(("<!doctype html", "<html", "<?xml", "<head")):
        raise InputError(f"{name} is an HTML or XML page, not a backlink export: use the tool's CSV export")
    first = stripped.split("\n", 1)[0].strip()
    if first in ("[", "{") or first.startswith(('{"', '[{', '["')):  # no export's header starts so
        raise InputError(f"{name} is JSON, not a table: pass a CSV, TSV or XLSX export (from Python, "
                         "linktriage.score also takes a list of dicts with source_url, target_url, anchor)")
    candidates: list[_Candidate] = []
    widest: list[str] = []
    parsed = {delimiter: _records(text, delimiter) for delimiter in DELIMITERS}
    for order, (delimiter, records) in enumerate(parsed.items()):
        for index, record in enumerate(records[:HEADER_SCAN]):
            if len([c for c in record if c.strip()]) > len([c for c in widest if c.strip()]):
                widest = record
            match = best_match([normalize_header(c) for c in record], LAYOUTS)
            if match is None:
                continue
            # every matching line is a candidate: a report line like "Source,Ahrefs" matches the generic layout
            # before the real header; among equals the earliest wins (two exports pasted together). A line that
            # repeats an earlier candidate's header is no candidate at all: it is the second export's header, and
            # its rows' better fit (the first export has a row with an unquoted comma) must not make the first
            # export's rows a preamble to skip.
            if any(c.delimiter == delimiter and c.header == record for c in candidates):
                continue
            consistency = _consistency(len(record), records[index + 1: index + 1 + CONSISTENCY_SCAN])
            key = (consistency >= 0.5, match.score, consistency, len(record), -order, -index)
            candidates.append(_Candidate(key, delimiter, index, record, match))
    if not candidates:
        for delimiter, records in parsed.items():
            match = _by_shape(records)
            if match is not None:
                return _format(match, records[0], sniffed.encoding, delimiter, 0, bom=sniffed.bom)
        raise _unknown(name, widest)
    best = max(candidates, key=lambda c: c.key)
    _refuse(best.match.layout, name)
    found = _format(best.match, best.header, sniffed.encoding, best.delimiter, best.header_row, bom=sniffed.bom)
    rows = parsed[best.delimiter][best.header_row + 1:]
    return replace(found, decimal_comma=best.delimiter == ";" or _writes_decimal_commas(found, rows),
                   wide_rows=best.key[2] < 0.5)


_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d+,(?:\d{1,2}|\d{4,})|\d{1,3}(?:\.\d{3})+,\d+)%?")
_POINT_DECIMAL = re.compile(r"[+-]?(?:\d+\.(?:\d{1,2}|\d{4,})|\d{1,3}(?:,\d{3})+\.\d+)%?")


def _writes_decimal_commas(fmt: ExportFormat, rows: Sequence[Sequence[str]]) -> bool:
    """Whether the metric cells of the sampled rows hold numbers with a decimal comma ("15,3": a thousands comma
    groups three digits) and none with a decimal point."""
    metrics = [i for i, (_, field) in enumerate(fmt.columns) if field.startswith("export_")]
    cells = [row[i].strip() for row in rows for i in metrics if i < len(row)]
    return any(_COMMA_DECIMAL.fullmatch(c) for c in cells) and not any(_POINT_DECIMAL.fullmatch(c) for c in cells)


#: what any known layout calls the target column
_TARGET_NAMES = frozenset(normalize_header(name) for layout in LAYOUTS for name in layout.fields.get("target_url", ()))


def _by_shape(records: Sequence[Sequence[object]]) -> Match | None:
    """A Search Console links download in a language the header table lacks (header on the first line)."""
    if not records:
        return None
    header = [cell_text(c) for c in records[0]]
    if header and normalize_header(header[0]) in _TARGET_NAMES:
        return None  # a column of targets ("target_url") is no list of linking pages: "no source column" says why
    layout = by_shape(header, records[1:1 + CONSISTENCY_SCAN])
    if layout is None:
        return None
    return best_match([normalize_header(c) for c in header], [layout])


def _records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # "": \r-only (old Mac) lines too
    records = []
    try:
        for record in islice(reader, HEADER_SCAN + CONSISTENCY_SCAN + 1):
            records.append(record)
    except csv.Error:
        pass  # a wrong delimiter or a cut-off record: judge on what parsed
    return records


def _consistency(width: int, rows: Sequence[list[str]]) -> float:
    """Share of rows that fit under the header: a wrong delimiter splits rows into more cells than it has names."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return 1.0
    fitting = 0
    for row in rows:
        extent = max((i + 1 for i, c in enumerate(row) if c.strip()), default=0)
        fitting += extent <= width
    return fitting / len(rows)


def _detect_xlsx(path: str | os.PathLike, name: str) -> ExportFormat:
    """The workbook's export: the visible sheet with the most specific header, the first among equals.

    The first sheet holding any known header was read before: a "Summary" sheet in front of the export, whose
    "url | https://client.example/" line passed for a one-column header, gave 0 rows or the client's own home page
    as the only backlink, and a stale hidden sheet was read instead of the visible one."""
    from linktriage.ingest._xlsx import open_workbook, worksheet_rows

    widest: list[str] = []
    scanned: list[tuple[str, bool, list[tuple]]] = []  # (title, visible, first rows) per sheet
    best = None
    with open_workbook(path, name) as workbook:
        for position, sheet in enumerate(workbook.worksheets):
            rows = list(worksheet_rows(sheet, name, last=HEADER_SCAN))
            visible = getattr(sheet, "sheet_state", "visible") == "visible"
            scanned.append((sheet.title, visible, rows))
            found: list[tuple[tuple, Match, list[str], int]] = []
            for index, header in enumerate([cell_text(c) for c in row] for row in rows):
                if len([c for c in header if c]) > len([c for c in widest if c]):
                    widest = header
                if any(is_link(c) for c in header):  # a line of values ("url | https://..."), not column names
                    continue
                match = best_match([normalize_header(c) for c in header], LAYOUTS)
                if match is not None:  # the most specific header of the sheet, the earliest among equals
                    found.append(((match.score, -index), match, header, index))
            if found:
                (score, _), match, header, index = max(found, key=lambda f: f[0])
                if best is None or (visible, score, -position) > best[0]:
                    best = ((visible, score, -position), match, header, index, position)
    if best is None:  # no known header anywhere: a Search Console download in another language, by its shape
        for position, (_, _, rows) in sorted(enumerate(scanned), key=lambda s: not s[1][1]):
            match = _by_shape(rows)
            if match is not None:
                best = (None, match, [cell_text(c) for c in rows[0]], 0, position)
                break
    if best is None:
        raise _unknown(name, widest)
    _, match, header, index, position = best
    _refuse(match.layout, name)
    fmt = _format(match, header, "xlsx", "", index, sheet=scanned[position][0])
    return replace(fmt, unread_sheets=_unread_sheets(scanned, position, index))


def _unread_sheets(scanned: list[tuple[str, bool, list[tuple]]], read: int, header_row: int) -> tuple[str, ...]:
    """The sheets holding something that are not read: all but the sheet read and the later ones that repeat its
    header (a table that goes on in the next sheet is read whole: _xlsx.sheet_rows, by the same comparison)."""
    from linktriage.ingest._xlsx import header_cells

    header = header_cells(scanned[read][2][header_row])
    unread = []
    for position, (title, _, rows) in enumerate(scanned):
        goes_on = position > read and len(rows) > header_row and header_cells(rows[header_row]) == header
        if position != read and not goes_on and any(cell_text(c) for row in rows for c in row):
            unread.append(title)
    return tuple(unread)


def _refuse(layout: Layout, name: str) -> None:
    if layout.refuse:
        raise InputError(f"{name} is a {layout.name} export: it {layout.refuse}")


#: the column that names the linking site in referring-domains reports (Ahrefs, Semrush and Majestic "Domain", Moz
#: "Root Domain"), which list sites, not the pages that link
_DOMAIN_COLUMNS = frozenset({"domain", "root domain", "referring domain", "linking domain", "ref domain"})


def _unknown(name: str, header: Sequence[str]) -> UnknownFormatError:
    found = [cell_text(c).lstrip("\ufeff") for c in header if cell_text(c)]
    if not found:
        return UnknownFormatError(f"{name}: no header row found in its first {HEADER_SCAN} lines; "
                                  "a backlink export needs a header with a source URL column (e.g. source_url)")
    if is_link(found[0]):
        return UnknownFormatError(f"{name}: its first line is a link, not a header ({found[0][:80]!r}): add a first "
                                  "line naming the columns, e.g. source_url,target_url,anchor")
    domain = next((c for c in found if normalize_header(c) in _DOMAIN_COLUMNS), None)
    if domain is not None:
        # a referring-domains report: the closest layout's advice ("rename ... to source_url") would have scored
        # each linking site's home page as if it were the page that links
        return UnknownFormatError(
            f"{name} lists referring domains (its {domain!r} column, one row per linking site), not the pages that "
            "link to you: export the backlinks report instead (Ahrefs and Majestic: Backlinks; Semrush: Backlinks; "
            "Moz: Inbound links), which names each linking page")
    layout, expects = closest_layout([normalize_header(c) for c in found], LAYOUTS)
    shown = ", ".join(repr(c) for c in found[:12]) + (f" and {len(found) - 12} more" if len(found) > 12 else "")
    return UnknownFormatError(
        f"{name}: unknown export layout; columns found: {shown}; closest known format: {layout.name} "
        f"(expects {', '.join(repr(e) for e in expects)}); rename the linking page's URL column to source_url "
        "or see docs/formats.md")


def _format(match: Match, header: Sequence[str], encoding: str, delimiter: str, header_row: int, *,
            bom: bool = False, sheet: str = "") -> ExportFormat:
    columns: list[tuple[str, str]] = []
    used: set[str] = set()
    for index, raw in enumerate(header):
        raw = cell_text(raw).lstrip("\ufeff")
        normalized = normalize_header(raw)
        assigned = match.assigned.get(index)
        if assigned in ROLES:
            name = assigned
        elif normalized == "label" and "label" not in used:
            name = "label"
        elif assigned:
            name = f"export_{assigned}"
        elif normalized in _DROPPED:
            name = ""
        else:
            name = f"export_{snake_case(raw) or f'column_{index + 1}'}"
        if name and name in used:
            suffix = 2
            while f"{name}_{suffix}" in used:
                suffix += 1
            name = f"{name}_{suffix}"
        used.add(name)
        columns.append((raw, name))
    layout = match.layout
    return ExportFormat(layout.vendor, layout.variant, encoding, delimiter, header_row, tuple(columns), bom=bom,
                        sheet=sheet, target_is_site=layout.target_is_site, layout=layout)
