"""read_predictions: linktriage's own CSV / JSONL / Parquet output, also after a spreadsheet re-saved it."""

from __future__ import annotations

import pytest

from linktriage import InputError
from linktriage._records import OUTPUT_COLUMNS
from linktriage.output import open_writer, read_predictions


def _rows() -> list[dict]:
    rows = []
    for i, (label, confidence) in enumerate([("spam", 0.91), ("editorial", 0.6), (None, None)]):
        row = dict.fromkeys(OUTPUT_COLUMNS)
        row.update(source_url=f"https://s{i}.example.com/p", label=label, confidence=confidence, http_status=200,
                   relevance=0.25 if label else None, toxic=(label == "spam") if label else None,
                   reasons="a; b", link_status="live", export_dr=10 + i)
        rows.append(row)
    return rows


@pytest.mark.parametrize("name", ["p.csv", "p.jsonl", "p.parquet", "no-extension"])
def test_round_trip_every_format(tmp_path, name):
    path = tmp_path / name
    with open_writer(path, "csv" if name == "no-extension" else None) as writer:
        writer.write(_rows())
    got = list(read_predictions([path]))
    assert [r["source_url"] for r in got] == [r["source_url"] for r in _rows()]
    assert [r["label"] for r in got] == ["spam", "editorial", ""]
    assert [r["confidence"] for r in got] == [0.91, 0.6, None]
    assert [r["toxic"] for r in got] == [True, False, None]
    assert got[0]["http_status"] == 200 and got[0]["relevance"] == 0.25 and got[2]["relevance"] is None


def test_a_label_typed_by_a_reviewer_is_the_label(tmp_path):
    """"Spam" or "Link farm" typed into the label column stopped `disavow` (unknown label 'Spam'), while labels
    files and `--labels Spam` read them as the labels."""
    path = tmp_path / "reviewed.csv"
    path.write_text("source_url,label,confidence\nhttps://a.example.com/,Spam,0.9\n"
                    "https://b.example.com/, Link farm ,0.9\nhttps://c.example.com/,Guest-Post,0.5\n", encoding="utf-8")
    assert [r["label"] for r in read_predictions([path])] == ["spam", "link_farm", "guest_post"]


def test_spreadsheet_resaves(tmp_path):
    semicolons = tmp_path / "excel.csv"
    semicolons.write_text("Source_URL;label;confidence\nhttps://a.example.com/;spam;0,85\n", encoding="utf-8-sig")
    assert list(read_predictions([semicolons]))[0]["confidence"] == 0.85
    utf16 = tmp_path / "excel.txt"
    utf16.write_bytes("source_url\tlabel\tconfidence\nhttps://b.example.com/\tlink_farm\t0.9\n".encode("utf-16"))
    assert list(read_predictions([semicolons, utf16]))[1]["label"] == "link_farm"


def test_toxic_as_spreadsheets_write_it(tmp_path):
    """A German Excel re-saves True / False as WAHR / FALSCH; others write 1 / 0 or yes / no. The report counted
    only the cells read as True, so "WAHR" rows were not toxic there."""
    path = tmp_path / "excel.csv"
    cells = ["WAHR", "FALSCH", "1", "0", "yes", "no", "", "maybe"]
    path.write_text("source_url;label;confidence;toxic\n" + "".join(
        f"https://s{i}.example.com/;spam;0,9;{cell}\n" for i, cell in enumerate(cells)), encoding="utf-8-sig")
    assert [r["toxic"] for r in read_predictions([path])] == [True, False, True, False, True, False, None, None]


@pytest.mark.parametrize("content, message", [
    ("url,label\nhttps://a.example.com/,spam\n", "lacks the column\\(s\\) source_url, confidence"),
    ("", "lacks the column"),
    ("source_url,label,confidence\nhttps://a.example.com/,Spam!,0.9\n", "row 2: unknown label 'Spam!'"),
    ("source_url,label,confidence\nhttps://a.example.com/,spam,high\n", "row 2: confidence 'high' is not a number"),
    ('{"source_url": "https://a.example.com/", "label": "spam", "confidence": 0.9}\n{"source_url": \n',
     "line 2: invalid JSON"),
    ('[1, 2]', "expected a JSON object"),
])
def test_bad_files_are_one_line_input_errors(tmp_path, content, message):
    path = tmp_path / "p.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        list(read_predictions([path]))
    assert "\n" not in str(info.value)


def test_missing_binary_and_broken_parquet(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        list(read_predictions([tmp_path / "nope.csv"]))
    binary = tmp_path / "p.csv"
    binary.write_bytes(b"\x00\xff\xfe\xfa" * 10 + b"\xc3")
    with pytest.raises(InputError, match="neither UTF-8"):
        list(read_predictions([binary]))
    broken = tmp_path / "p.parquet"
    broken.write_bytes(b"PAR1" + b"\x00" * 20)
    with pytest.raises(InputError, match="unreadable Parquet"):
        list(read_predictions([broken]))


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_jsonl_values_holding_unicode_line_separators(tmp_path, separator):
    # An anchor or reason holding U+2028 (copied from a page) made `disavow` stop on the file score had just
    # written: "invalid JSON (Unterminated string)", the row cut in two at the separator.
    import json

    rows = _rows()
    rows[0]["anchor"] = rows[0]["reasons"] = f"cheap{separator}pills"
    written = tmp_path / "p.jsonl"
    with open_writer(written) as writer:
        writer.write(rows)
    lines = written.read_text(encoding="utf-8").splitlines()  # any line reader sees one object per line
    assert len(lines) == 3 and json.loads(lines[0])["anchor"] == f"cheap{separator}pills"
    older = tmp_path / "older.jsonl"  # as earlier versions wrote it: the separator as it is
    older.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for path in (written, older):
        got = list(read_predictions([path]))
        assert len(got) == 3 and got[0]["anchor"] == f"cheap{separator}pills" and got[0]["label"] == "spam"


def test_half_a_utf16_pair_in_json_predictions_becomes_a_replacement_character(tmp_path):
    """JSON can hold a lone surrogate ("\\udc80", a tool that cut a string inside a pair): the disavow file could
    not be written ("internal error: UnicodeEncodeError"). It is read as U+FFFD."""
    from linktriage.output import write_disavow

    path = tmp_path / "p.jsonl"
    path.write_text('{"source_url": "https://evil.example.com/a\\ud800b", "label": "spam", "confidence": 0.9, '
                    '"reasons": "bad \\udc80 reason"}\n', encoding="utf-8")
    (got,) = read_predictions([path])
    assert got["source_url"] == "https://evil.example.com/a\ufffdb" and got["reasons"] == "bad \ufffd reason"
    write_disavow(read_predictions([path]), tmp_path / "d.txt", level="url")
    assert "https://evil.example.com/a\ufffdb" in (tmp_path / "d.txt").read_text(encoding="utf-8")


def test_a_true_or_false_confidence_is_refused_as_no_number(tmp_path):
    """`"confidence": true` read as "not judged": the row silently left out of the disavow file."""
    path = tmp_path / "p.jsonl"
    path.write_text('{"source_url": "https://a.example.com/", "label": "spam", "confidence": true}\n', encoding="utf-8")
    with pytest.raises(InputError, match="row 1: confidence true is not a number"):
        list(read_predictions([path]))


def test_a_workbook_recording_too_small_a_sheet_is_read_whole(tmp_path):
    """Some writers record a sheet's size wrongly (<dimension ref="A1:W5"/> over 18 rows); read-only openpyxl
    believed it: predictions (and exports) lost their rows past it without a word, or their columns."""
    import re
    import zipfile

    rows = [{**_rows()[0], "source_url": f"https://s{i}.example.com/"} for i in range(12)]
    good = tmp_path / "p.xlsx"
    with open_writer(good) as writer:
        writer.write(rows)
    for claim in ("A1:W5", "A1:C2"):
        lying = tmp_path / f"lying-{claim}.xlsx"
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb'<dimension ref="[^"]*"/>', b"", data)  # (openpyxl writes none)
                    data, n = re.subn(rb"</sheetPr>", f'</sheetPr><dimension ref="{claim}"/>'.encode(), data)
                    assert n == 1
                target.writestr(item, data)
        got = list(read_predictions([lying]))
        assert [r["source_url"] for r in got] == [r["source_url"] for r in rows] and got[-1]["confidence"] == 0.91


def test_a_pipe_or_standard_input_is_refused_saying_to_save_a_file(tmp_path):
    """`disavow <(cat scored.csv)` said "63 lacks the column(s) ... (found: none)": the head read to tell the format
    had emptied the pipe. `disavow -` said the file '-' does not exist."""
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"is not a regular file \(a pipe\?\): save the predictions to a file"):
        list(read_predictions([fifo]))  # refused before it is opened: opening a pipe nobody writes to would wait
    with pytest.raises(InputError, match="not from standard input"):
        list(read_predictions(["-"]))


def test_a_compressed_predictions_file_is_refused_saying_to_decompress_it(tmp_path):
    """`score` refuses to write scored.csv.gz and says to compress afterwards; such a file then read as "neither
    UTF-8 nor UTF-16 text, JSON lines nor Parquet"."""
    import gzip

    path = tmp_path / "scored.csv.gz"
    path.write_bytes(gzip.compress(b"source_url,label,confidence\nhttps://a.example.com/,spam,0.9\n"))
    with pytest.raises(InputError, match=r"scored.csv.gz is compressed \(gzip\): decompress it first"):
        list(read_predictions([path]))


def test_two_label_columns_are_refused_instead_of_reading_the_last(tmp_path):
    path = tmp_path / "reviewed.csv"
    path.write_text("source_url,label,confidence,label\nhttps://a.example.com/,spam,0.9,editorial\n", encoding="utf-8")
    with pytest.raises(InputError, match="has two columns named label: keep one of each"):
        list(read_predictions([path]))
