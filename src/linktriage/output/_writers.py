"""Streaming row writers: CSV, JSONL, Parquet (one row group per chunk, fixed schema) and Excel (``_xlsx.py``).

Rows arrive in chunks as the pipeline produces them; a writer never holds more than one chunk.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Sequence

from linktriage._exceptions import InputError
from linktriage._records import OUTPUT_COLUMNS, SCHEMA_VERSION
from linktriage._spreadsheet import formula_safe

if TYPE_CHECKING:
    from linktriage.output._xlsx import XlsxRowWriter

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".xlsx": "xlsx"}


def output_format(path: str | os.PathLike | None, fmt: str | None, option: str = "-o") -> str:
    """csv, jsonl, parquet or xlsx: ``fmt``, else from the file name's extension (CSV for standard output)."""
    if isinstance(fmt, str):
        fmt = fmt.lower()  # as extensions are read: `-o X.CSV` was fine, `--format JSONL` an unknown format
    suffix = Path(path).suffix.lower() if path is not None else ""
    if fmt:
        if fmt not in set(FORMATS.values()):
            raise InputError(f"unknown output format {fmt!r}: choose csv, jsonl, parquet or xlsx")
        if FORMATS.get(suffix, fmt) != fmt:  # Parquet bytes under a .csv name: every reader of it fails
            raise InputError(f"--format {fmt} but {option} {str(path)!r} names a {FORMATS[suffix]} file: "
                             "change one of them (or leave --format out)")
        return fmt
    if path is None:
        return "csv"
    if suffix in (".gz", ".bz2", ".xz", ".zst", ".zip") and Path(path).suffixes[-2:-1]:
        raise InputError(f"{option} {str(path)!r}: compressed outputs are not written; write "
                         f"{Path(path).with_suffix('').name} and compress it afterwards (Parquet and .xlsx are "
                         "compressed already)")
    if suffix not in FORMATS:
        raise InputError(f"cannot tell the output format of {option} {str(path)!r}: use a .csv, .jsonl, .parquet or "
                         ".xlsx name"
                         + (", or --format" if option == "-o" else ""))
    return FORMATS[suffix]


#: JSON leaves these unescaped inside strings, but some line readers (Python's str.splitlines, some editors)
#: end a line at them: escaped, each row stays on one line for every reader.
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _json_value(value: object) -> object:
    """JSON has no NaN or infinity (json.dumps writes the bare words NaN / Infinity, which jq, JavaScript and
    pandas' strict readers refuse): such a value (an export cell of 1e400) is missing, null."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def output_columns(rows: Sequence[dict], export_columns: Sequence[str] = ()) -> list[str]:
    """The columns of a rows output: OUTPUT_COLUMNS, then the export_* columns of its first chunk (``rows``), or
    ``export_columns`` when there is none (an export with a header and no rows). Later chunks' unseen export
    columns are dropped: a header or schema cannot grow once written."""
    return [*OUTPUT_COLUMNS, *((key for key in rows[0] if key.startswith("export_")) if rows else export_columns)]


def _cell(value: object, escape_formulas: bool = False) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return formula_safe(value) if escape_formulas else value


class RowWriter:
    """Write row chunks to CSV or JSONL; a context manager. Columns: OUTPUT_COLUMNS then the first chunk's export_*.

    CSV cells that a spreadsheet would run as a formula start with ' unless ``escape_formulas`` is False (JSONL
    always holds the values as they are).
    """

    def __init__(self, stream: IO[str], fmt: str, *, owns_stream: bool, escape_formulas: bool = True,
                 export_columns: Sequence[str] = ()) -> None:
        self._stream, self._fmt, self._owns = stream, fmt, owns_stream
        self._escape, self._export_columns = escape_formulas, export_columns
        self._csv: csv.DictWriter | None = None

    def write(self, rows: Sequence[dict]) -> None:
        if not rows:
            return
        if self._fmt == "jsonl":
            for row in rows:
                values = {key: _json_value(value) for key, value in row.items()}
                line = json.dumps({"schema_version": SCHEMA_VERSION, **values}, ensure_ascii=False, allow_nan=False)
                self._stream.write(line.translate(_LINE_BREAKS) + "\n")
            return
        if self._csv is None:
            self._csv = csv.DictWriter(self._stream, output_columns(rows), extrasaction="ignore")
            self._csv.writeheader()
        self._csv.writerows({key: _cell(value, self._escape) for key, value in row.items()} for row in rows)

    def close(self, *, complete: bool = True) -> None:
        if self._csv is None and self._fmt == "csv" and complete:  # no rows at all: still a CSV with its header
            csv.DictWriter(self._stream, output_columns([], self._export_columns)).writeheader()
        self._stream.flush()
        if self._owns:
            self._stream.close()

    def __enter__(self) -> "RowWriter":
        return self

    def __exit__(self, exc_type, *exc: object) -> None:
        # A run that failed before its first row writes no header: on stdout it would read as an empty result.
        self.close(complete=exc_type is None)


def open_writer(path: str | os.PathLike | None, fmt: str | None = None, *, stream: IO[str] | None = None,
                escape_formulas: bool = True, export_columns: Sequence[str] = ()
                ) -> "RowWriter | ParquetRowWriter | XlsxRowWriter":
    """Open a writer for ``path`` (None: CSV to stdout, or to ``stream``); format from ``fmt`` or the extension.

    ``escape_formulas``: CSV only, see RowWriter. ``export_columns``: the export's columns, for an output
    without rows (see output_columns).
    """
    kind = output_format(path, fmt)
    if kind == "parquet":
        if path is None:
            raise InputError("Parquet cannot go to standard output: give an output file with -o")
        return ParquetRowWriter(path, export_columns)
    if kind == "xlsx":
        if path is None:
            raise InputError("an Excel workbook cannot go to standard output: give an output file with -o")
        from linktriage.output._xlsx import XlsxRowWriter

        # (its text is never a formula: escape_formulas does not apply)
        return XlsxRowWriter(path, lambda rows: output_columns(rows, export_columns), sheet="backlinks")
    if path is None:
        return RowWriter(stream or sys.stdout, kind, owns_stream=False, escape_formulas=escape_formulas,
                         export_columns=export_columns)
    return RowWriter(open(path, "w", encoding="utf-8", newline=""), kind, owns_stream=True,
                     escape_formulas=escape_formulas, export_columns=export_columns)


def _arrow_type(name: str):
    """A column's Parquet type, from its name alone: a schema that depends on the first chunk's values would be
    string where a metric happens to be empty in the first 2,000 rows (double in the next file: the two cannot
    be read as one dataset), and a double column stopped the run at the first later text cell ("-", "n/a")."""
    import pyarrow as pa

    from linktriage.ingest._values import NUMERIC  # the export metrics linktriage always reads as numbers

    if name == "http_status":
        return pa.int64()
    if name == "toxic":
        return pa.bool_()
    if name in ("confidence", "relevance") or name.startswith("p_"):
        return pa.float64()
    if name.startswith("export_") and name.removeprefix("export_") in NUMERIC:
        return pa.float64()
    return pa.string()  # other export columns hold numbers or text, cell by cell: text keeps both


def _double(value: object) -> float | None:
    """A value for a double column: pyarrow refuses ints it cannot hold exactly (beyond 2**53)."""
    if not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer of 309+ digits
        return math.inf if value > 0 else -math.inf


class ParquetRowWriter:
    """Parquet with a fixed schema (types from the column names, see _arrow_type); export columns from the first
    chunk, later chunks' unseen export columns are dropped."""

    def __init__(self, path: str | os.PathLike, export_columns: Sequence[str] = ()) -> None:
        self._path, self._writer, self._schema = path, None, None
        self._export_columns = export_columns

    def write(self, rows: Sequence[dict]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not rows and self._schema is not None:
            return
        if self._schema is None:
            fields = [pa.field("schema_version", pa.string())]
            fields += [pa.field(name, _arrow_type(name)) for name in output_columns(rows, self._export_columns)]
            schema = pa.schema(fields)
            self._writer = pq.ParquetWriter(self._path, schema)  # first: if it fails, close() has nothing to close
            self._schema = schema
        columns = {}
        for f in self._schema:
            if f.name == "schema_version":
                columns[f.name] = [SCHEMA_VERSION] * len(rows)
            elif pa.types.is_string(f.type):
                columns[f.name] = [None if r.get(f.name) is None else str(r.get(f.name)) for r in rows]
            elif pa.types.is_floating(f.type):
                columns[f.name] = [_double(r.get(f.name)) for r in rows]
            else:
                columns[f.name] = [r.get(f.name) for r in rows]
        self._writer.write_table(pa.Table.from_pydict(columns, schema=self._schema))

    def close(self) -> None:
        if self._writer is None:  # no rows at all: still a Parquet file, with the output's columns
            self.write([])
        self._writer.close()

    def __enter__(self) -> "ParquetRowWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
