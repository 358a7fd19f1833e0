"""Read linktriage output files back (for ``linktriage disavow`` and other after-the-fact jobs).

A predictions file is what ``linktriage score`` wrote: CSV, JSONL, Parquet or an Excel workbook, possibly reviewed
by a person in between (a spreadsheet may have re-saved the CSV with semicolons, UTF-16 or decimal commas, or as a
workbook). The format is told from the content, not the name: Parquet and workbooks (ZIP) by their magic bytes,
JSON lines by a leading ``{``, a JSON array by ``[``, anything else is read as delimited text.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

from linktriage._exceptions import InputError
from linktriage._paths import is_stream
from linktriage._records import LABELS, canonical_label
from linktriage.ingest._values import parse_flag

#: half a UTF-16 pair, which JSON can hold and UTF-8 cannot
_SURROGATE = re.compile("[\ud800-\udfff]")

#: the columns every consumer of predictions needs
REQUIRED_COLUMNS: tuple[str, ...] = ("source_url", "label", "confidence")
_NUMERIC: tuple[str, ...] = ("confidence", "relevance", *(f"p_{label}" for label in LABELS), "http_status")


def read_predictions(paths: Iterable[str | os.PathLike]) -> Iterator[dict]:
    """Yield the rows of linktriage output files, in order, with typed values.

    ``confidence``, ``relevance`` and ``p_*`` become floats (None when empty), ``http_status`` an int,
    ``toxic`` a bool. Raises InputError (one line) for a missing or unreadable file, missing columns
    (``source_url``, ``label``, ``confidence``, in every row), an unknown label, a value that is not a number, or a
    confidence outside [0, 1] (NaN included; an empty confidence is None: not judged).
    """
    for path in paths:
        if not os.fspath(path).strip():  # Path("") is the working folder: the error would name "."
            raise InputError("a predictions file name is empty: give a file written by `linktriage score`")
        yield from _read_one(Path(path))


def _read_one(path: Path) -> Iterator[dict]:
    if os.fspath(path) == "-":
        raise InputError("predictions are read from files, not from standard input: save them to a file (score -o "
                         "scored.csv) and give its name")
    if is_stream(path):
        # a pipe (`disavow <(...)`): its head is read to tell the format, then the whole file again, which a pipe
        # no longer has ("/dev/fd/63 lacks the column(s) ... (found: none)")
        raise InputError(f"{str(path)!r} is not a regular file (a pipe?): save the predictions to a file and give "
                         "its name")
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)  # enough for every signature of COMPRESSIONS
    except FileNotFoundError:
        raise InputError(f"predictions file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{str(path)!r} is a directory: give a predictions file written by `linktriage score`") from None
    except OSError as exc:
        raise InputError(f"cannot read predictions file {str(path)!r}: {exc.strerror or exc}") from None
    from linktriage.ingest._encoding import COMPRESSIONS

    packed = next((kind for magic, kind in COMPRESSIONS if head.startswith(magic)), None)
    if packed:  # `score` writes none, but a file may have been compressed afterwards, as its -o refusal advises
        raise InputError(f"{path.name} is compressed ({packed}): decompress it first and give the file inside")
    has_header = head.startswith((b"PAR1", b"PK\x03\x04"))  # a CSV header or a Parquet schema is checked even when
    # no row follows
    if head.startswith(b"PAR1"):
        raw = _parquet_rows(path)
    elif head.startswith(b"PK\x03\x04"):
        raw = _workbook_rows(path)
    else:
        text = _decode(path)
        first = text.lstrip()[:1]
        has_header = bool(first) and first not in ("{", "[")
        if not first and _empty_jsonl(path):  # nothing to read, and no header to check
            return
        raw = _json_rows(path, text) if first in ("{", "[") else _csv_rows(path, text)
    checked = False
    for number, row in raw:
        if not checked:
            _check_columns(path, list(row))
            checked = True
        yield _typed(path, number, row)
    if not checked and not has_header:
        _check_columns(path, [])  # an empty file is a mistake, not an empty audit (a scored export without rows
        # still has its header)


def _empty_jsonl(path: Path) -> bool:
    """An empty file named as JSON lines is what ``score -o x.jsonl`` writes for an export without rows (JSON lines
    have no header line): an empty audit. An empty CSV is still a mistake (``score > x.csv`` that failed)."""
    from linktriage.output._writers import FORMATS

    return FORMATS.get(path.suffix.lower()) == "jsonl"


def _check_columns(path: Path, columns: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing and any("\x00" in c for c in columns):  # NULs print as nothing: "lacks source_url (found: source_url)"
        raise InputError(f"{path.name}: cannot tell its text encoding (NUL bytes in the header, as in UTF-16 "
                         "without a byte-order mark): save it as UTF-8 CSV")
    if missing:
        raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)} (found: "
                         f"{', '.join(columns[:12]) or 'none'}): give a file written by `linktriage score`")
    # a reviewer's second `label` column beside the first: the last one was read, and which that was went unsaid
    twice = sorted({c for c in columns if c and columns.count(c) > 1 and (c in REQUIRED_COLUMNS or c in _NUMERIC)})
    if twice:
        raise InputError(f"{path.name} has two columns named {', '.join(twice)}: keep one of each (rename or delete "
                         "the other)")


def _decode(path: Path) -> str:
    # the export reader's detection: UTF-16 without BOM (its NULs are valid UTF-8, and gave header names that
    # looked right but matched nothing), UTF-32, and the Windows code page a spreadsheet may re-save in
    from linktriage.ingest._encoding import SAMPLE_BYTES, _encoding, reading_codec

    data = path.read_bytes()
    try:
        encoding, bom = _encoding(data[:SAMPLE_BYTES], path.name)
        return data.decode(reading_codec(encoding, bom))
    except (InputError, UnicodeDecodeError):  # its messages speak of backlink exports: this is a predictions file
        raise InputError(f"{path.name} is neither UTF-8 nor UTF-16 text, JSON lines nor Parquet: "
                         "give a file written by `linktriage score`, or save it as UTF-8 CSV") from None


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict]]:
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # spreadsheets re-save with ; or tabs in some locales
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [name.strip().lower() for name in next(reader, [])]
        _check_columns(path, names)
        for number, values in enumerate(reader, start=2):
            if not values:
                continue
            if len(values) < len(names):  # cut short or a lost separator: the cells no longer match the header
                lost = names[len(values):]
                raise InputError(f"{path.name} row {number} has {len(values)} of the header's {len(names)} fields "
                                 f"(no {', '.join(lost[:5])}{', ...' if len(lost) > 5 else ''}): "
                                 "complete or delete that row")
            if any(value.strip() for value in values[len(names):]):  # trailing empty cells are harmless
                raise InputError(f"{path.name} row {number} has {len(values)} fields, more than the header's "
                                 f"{len(names)}: a value holds a '{delimiter}' without quotes (a decimal comma?); "
                                 "quote that value or delete the row")
            yield number, dict(zip(names, values))
    except csv.Error as exc:
        raise InputError(f"{path.name} line {reader.line_num}: unreadable CSV ({exc})") from None


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, dict]]:
    if text.lstrip().startswith("["):
        try:
            items = _loads(path.name, text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name}: invalid JSON at line {exc.lineno} ({exc.msg})") from None
        numbered = enumerate(items, start=1)
    else:
        # JSON lines end at "\n" only: str.splitlines() also breaks at U+2028, U+0085, ..., which JSON strings
        # (an anchor copied from a page) may hold as they are, and cut such a row in two
        numbered = ((n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip())
    for number, item in numbered:
        if isinstance(item, str):
            try:
                item = _loads(f"{path.name} line {number}", item)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path.name} line {number}: invalid JSON ({exc.msg})") from None
        if not isinstance(item, dict):
            raise InputError(f"{path.name} row {number}: expected a JSON object per row, got {type(item).__name__}")
        yield number, item


def _loads(where: str, text: str) -> object:
    """json.loads, with the two ways valid-looking JSON still fails (other than a syntax error) as InputError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:  # [[[[... thousands deep: Python's parser recurses once per level
        raise InputError(f"{where}: JSON nested too deeply to read: give a file written by `linktriage score`") from None
    except ValueError as exc:  # an integer of over 4,300 digits (Python's int conversion limit)
        raise InputError(f"{where}: unreadable JSON value ({str(exc)[:80]}): give a file written by "
                         "`linktriage score`") from None


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        number = 0
        for batch in parquet.iter_batches(batch_size=4096):
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path.name}: unreadable Parquet file ({str(exc).splitlines()[0]})") from None


def _workbook_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """Every sheet whose header holds the required columns, in order (``score -o x.xlsx`` goes on in a second
    sheet past Excel's 1,048,576 rows; a sheet a reviewer added, of notes or a pivot table, is not rows)."""
    from linktriage.ingest._xlsx import open_workbook, worksheet_rows

    first: list[str] | None = None  # the first sheet's header, named when no sheet has the columns
    read = False
    with open_workbook(path, path.name) as workbook:
        for sheet in workbook.worksheets:
            rows = worksheet_rows(sheet, path.name)
            names = [str(name or "").strip().lower() for name in next(rows, ())]
            first = names if first is None else first
            if any(c not in names for c in REQUIRED_COLUMNS):
                continue
            read = True
            for number, values in enumerate(rows, start=2):
                if any(v is not None and str(v).strip() for v in values):
                    yield number, dict(zip(names, values))
    if not read:
        _check_columns(path, first or [])


def _typed(path: Path, number: int, row: dict) -> dict:
    # the file's columns were checked on its first row; a later JSON object can still lack some
    missing = [c for c in REQUIRED_COLUMNS if c not in row]
    if missing:
        raise InputError(f"{path.name} row {number} has no {', '.join(missing)}: every row needs source_url, label "
                         "and confidence (null label and confidence for a link that was not judged)")
    # JSON can hold half a UTF-16 pair ("\udc80", from a tool that cut a string inside one): no UTF-8 file can,
    # so writing it stopped the disavow file with an internal error
    out = {key: _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value for key, value in row.items()}
    for key in _NUMERIC:
        if key in row:
            out[key] = _number(path, number, key, row[key], integer=key == "http_status",
                               probability=key == "confidence")
    if "toxic" in row:
        out["toxic"] = parse_flag(row["toxic"])
    out["source_url"] = str(out["source_url"] or "").strip()
    # a reviewer typing "Spam" or "Link farm" into the label column means the label, as in a labels file
    written = str(out["label"] or "").strip()
    label = canonical_label(written) or ""
    if label and label not in LABELS:
        raise InputError(f"{path.name} row {number}: unknown label {written!r}: use one of {', '.join(LABELS)} "
                         "or leave it empty")
    out["label"] = label
    return out


def _number(path: Path, number: int, key: str, value: object, *, integer: bool = False,
            probability: bool = False) -> float | int | None:
    """A cell as a number (None when empty); ``probability``: in [0, 1], the one column disavow decides on."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # JSON true, an Excel TRUE: read as "not judged", the row silently left out
        raise InputError(f"{path.name} row {number}: {key} {str(value).lower()} is not a number")
    text = str(value).strip()
    if isinstance(value, (int, float)):
        parsed = value
    elif not text:
        return None
    else:
        try:
            parsed = float(text.replace(",", ".") if "." not in text else text)  # decimal commas from spreadsheets
        except ValueError:
            raise InputError(f"{path.name} row {number}: {key} {text[:40]!r} is not a number") from None
    if parsed != parsed and not probability:  # NaN from pandas-written files: empty
        return None
    if integer:
        # 1e400 reads as inf, 200.5 is no status: both as unusable as a word in that cell
        if isinstance(parsed, float) and not parsed.is_integer():
            raise InputError(f"{path.name} row {number}: {key} {text[:40]!r} is not a whole number: "
                             "write the HTTP status (200, 404, ...) or leave the cell empty")
        return int(parsed)
    try:
        parsed = float(parsed)
    except OverflowError:  # a JSON integer beyond any float
        parsed = math.inf
    if probability and not 0.0 <= parsed <= 1.0:
        # 85 (a percentage), -3, NaN: a confidence no rule can be applied to. Empty stays "not judged"; NaN does
        # not, as pandas and linktriage write a missing value as empty or null, never NaN.
        raise InputError(f"{path.name} row {number}: {key} {text[:40]!r} is not a probability between 0 and 1: "
                         "write it as 0.85, not 85, or leave it empty for a link that was not judged")
    if math.isinf(parsed):  # 1e309, Infinity: no column of a scored row can hold an infinite value
        raise InputError(f"{path.name} row {number}: {key} {text[:40]!r} is infinite or too large: fix the cell or "
                         "leave it empty")
    return parsed


