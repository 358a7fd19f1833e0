"""Excel output (-o scored.xlsx, --domains domains.xlsx) and reading it back (disavow)."""

from __future__ import annotations

import csv
import math

import openpyxl
import pytest
from conftest import EXAMPLES

from linktriage import InputError
from linktriage._records import OUTPUT_COLUMNS
from linktriage.cli import app
from linktriage.cli._errors import run_app
from linktriage.output import _xlsx, open_writer, read_predictions, write_disavow


def sheet_rows(path, sheet=None) -> list[list]:
    book = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in (book[sheet] if sheet else book.worksheets[0]).iter_rows()]


def row(i: int, **values) -> dict:
    out = dict.fromkeys(OUTPUT_COLUMNS)
    out.update({"source_url": f"https://s{i}.example.org/p", "target_url": "https://t.example/", "label": "spam",
                "confidence": 0.9, "p_spam": 0.9, "p_editorial": 0.1, "link_status": "live", "toxic": True,
                "http_status": 200, "export_domain_rating": 12.0, **values})
    return out


def test_score_writes_the_same_rows_to_a_workbook_as_to_a_csv(tmp_path, capsys):
    common = ["score", str(EXAMPLES / "backlinks.csv"), "--pages", str(EXAMPLES / "pages.warc.gz"), "--offline"]
    assert run_app(app, [*common, "-o", str(tmp_path / "scored.csv")]) == 0
    assert run_app(app, [*common, "-o", str(tmp_path / "scored.xlsx"),
                         "--domains", str(tmp_path / "domains.xlsx")]) == 0
    with open(tmp_path / "scored.csv", newline="", encoding="utf-8") as stream:
        expected = list(csv.reader(stream))
    book = openpyxl.load_workbook(tmp_path / "scored.xlsx")
    assert book.sheetnames == ["backlinks"]
    sheet = book["backlinks"]
    got = [[c.value for c in r] for r in sheet.iter_rows()]
    assert got[0] == expected[0] and len(got) == len(expected) == 9
    for values, texts in zip(got[1:], expected[1:]):
        for name, value, text in zip(expected[0], values, texts):
            if name == "toxic":
                assert value is {"true": True, "false": False, "": None}[text]
            elif isinstance(value, (int, float)):  # typed: a number in the workbook, its digits in the CSV
                assert math.isclose(value, float(text)), name
            else:
                assert ("" if value is None else str(value)) == text, name
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(got[0]))}9"
    domains = sheet_rows(tmp_path / "domains.xlsx", "domains")
    assert domains[0][:2] == ["source_domain", "links"] and sum(r[1] for r in domains[1:]) == 8


def test_text_from_pages_is_text_and_fits_excel(tmp_path):
    hostile = row(0, anchor='=HYPERLINK("http://evil.example/","click")', reasons="bell\x07 and NUL\x00 gone",
                  export_domain_rating=float("nan"), http_status=2**60, source_domain="\ud800lone",
                  target_domain="x" * 40_000)
    with open_writer(tmp_path / "o.xlsx") as writer:
        writer.write([hostile])
    book = openpyxl.load_workbook(tmp_path / "o.xlsx")
    header, cells = list(book.worksheets[0].iter_rows())
    by_name = {h.value: c for h, c in zip(header, cells)}
    assert by_name["anchor"].value.startswith("=HYPERLINK") and by_name["anchor"].data_type == "s"  # not a formula
    assert by_name["reasons"].value == "bell and NUL gone"
    assert by_name["export_domain_rating"].value is None
    assert by_name["http_status"].value == str(2**60)  # a double would lose its last digits
    assert by_name["source_domain"].value == "?lone"
    assert len(by_name["target_domain"].value) == _xlsx.MAX_CELL_CHARS
    assert by_name["target_domain"].value.endswith("…")


def test_rows_past_a_sheet_go_on_in_the_next_and_read_back_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(_xlsx, "MAX_SHEET_ROWS", 3)  # the header and two rows a sheet
    path = tmp_path / "scored.xlsx"
    with open_writer(path) as writer:
        writer.write([row(i) for i in range(3)])
        writer.write([row(i) for i in range(3, 5)])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["backlinks", "backlinks 2", "backlinks 3"]
    assert all(book[name]["A1"].value == "source_url" for name in book.sheetnames)
    read = list(read_predictions([path]))
    assert [r["source_url"] for r in read] == [f"https://s{i}.example.org/p" for i in range(5)]
    assert read[0]["confidence"] == 0.9 and read[0]["toxic"] is True and read[0]["http_status"] == 200


def test_a_run_without_rows_is_a_workbook_with_its_header(tmp_path):
    with open_writer(tmp_path / "o.xlsx") as writer:
        writer.write([])
    assert sheet_rows(tmp_path / "o.xlsx") == [list(OUTPUT_COLUMNS)]


def test_disavow_reads_a_workbook_as_it_reads_the_csv(tmp_path):
    rows = [row(0), row(1, label="editorial", confidence=0.95, toxic=False),
            row(2, source_url="https://spam.example.net/x", confidence=0.97)]
    for name in ("scored.csv", "scored.xlsx"):
        with open_writer(tmp_path / name) as writer:
            writer.write(rows)
    for name in ("from-csv.txt", "from-xlsx.txt"):
        source = tmp_path / ("scored.csv" if "csv" in name else "scored.xlsx")
        write_disavow(read_predictions([source]), tmp_path / name)
    lines = {name: [line for line in (tmp_path / name).read_text().splitlines() if not line.startswith("#")]
             for name in ("from-csv.txt", "from-xlsx.txt")}
    assert lines["from-csv.txt"] == lines["from-xlsx.txt"] and "domain:example.net" in lines["from-csv.txt"]


def test_a_workbook_without_the_columns_is_refused_in_one_line(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["url", "notes"])
    book.active.append(["https://a.example.org/", "looks fine"])
    book.save(tmp_path / "review.xlsx")
    with pytest.raises(InputError, match=r"review\.xlsx lacks the column\(s\) source_url, label, confidence"):
        list(read_predictions([tmp_path / "review.xlsx"]))


def test_a_workbook_cannot_go_to_standard_output(capsys):
    code = run_app(app, ["score", str(EXAMPLES / "backlinks.csv"), "--offline", "--format", "xlsx"])
    assert code == 2
    assert "an Excel workbook cannot go to standard output: give an output file with -o" in capsys.readouterr().err
