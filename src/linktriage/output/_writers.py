"""Streaming row writers: CSV and JSONL (Parquet is still to do, see issue 7).

Rows arrive in chunks as the pipeline produces them; a writer never holds more than one chunk.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import IO, Sequence

from linktriage._exceptions import InputError
from linktriage._records import OUTPUT_COLUMNS, SCHEMA_VERSION

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _format_for(path: str | os.PathLike | None, fmt: str | None) -> str:
    if fmt:
        if fmt not in set(FORMATS.values()):
            raise InputError(f"unknown output format {fmt!r}: choose csv or jsonl")
        return fmt
    if path is None:
        return "csv"
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot tell the output format of {str(path)!r}: use a .csv or .jsonl name, or --format")
    return FORMATS[suffix]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class RowWriter:
    """Write row chunks to CSV or JSONL; a context manager. Columns: OUTPUT_COLUMNS then the first chunk's export_*."""

    def __init__(self, stream: IO[str], fmt: str, *, owns_stream: bool) -> None:
        self._stream, self._fmt, self._owns = stream, fmt, owns_stream
        self._csv: csv.DictWriter | None = None

    def write(self, rows: Sequence[dict]) -> None:
        if not rows:
            return
        if self._fmt == "jsonl":
            for row in rows:
                self._stream.write(json.dumps({"schema_version": SCHEMA_VERSION, **row}, ensure_ascii=False) + "\n")
            return
        if self._csv is None:
            exports = [key for key in rows[0] if key.startswith("export_")]
            # Later chunks' unseen export columns are dropped: a CSV header cannot grow after it is written.
            self._csv = csv.DictWriter(self._stream, [*OUTPUT_COLUMNS, *exports], extrasaction="ignore")
            self._csv.writeheader()
        self._csv.writerows({key: _cell(value) for key, value in row.items()} for row in rows)

    def close(self) -> None:
        self._stream.flush()
        if self._owns:
            self._stream.close()

    def __enter__(self) -> "RowWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_writer(path: str | os.PathLike | None, fmt: str | None = None, *, stream: IO[str] | None = None) -> RowWriter:
    """Open a writer for ``path`` (None: CSV to stdout, or to ``stream``); format from ``fmt`` or the extension."""
    kind = _format_for(path, fmt)
    if path is None:
        return RowWriter(stream or sys.stdout, kind, owns_stream=False)
    return RowWriter(open(path, "w", encoding="utf-8", newline=""), kind, owns_stream=True)
