"""`linktriage disavow`: exit 0 with a file Google accepts, exit 2 with one line for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linktriage._records import OUTPUT_COLUMNS
from linktriage.cli import app
from linktriage.cli._errors import run_app
from linktriage.output import open_writer

LINKTRIAGE = Path(sys.executable).with_name("linktriage")


@pytest.fixture
def predictions(tmp_path) -> Path:
    rows = []
    for url, label, confidence in [("https://a.spam-one.com/x", "spam", 0.97), ("https://b.spam-one.com/y", "link_farm", 0.9),
                                   ("https://news.example.org/story", "editorial", 0.95),
                                   ("https://dir.listings.net/cat", "directory", 0.85),
                                   ("https://weak.maybe-spam.com/", "spam", 0.6)]:
        row = dict.fromkeys(OUTPUT_COLUMNS)
        row.update(source_url=url, label=label, confidence=confidence, link_status="live", reasons="why")
        rows.append(row)
    path = tmp_path / "scored.jsonl"
    with open_writer(path) as writer:
        writer.write(rows)
    return path


def _entries(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


@pytest.mark.skipif(not LINKTRIAGE.exists(), reason="the linktriage console script is not installed in this venv")
def test_console_script_end_to_end(tmp_path, predictions):
    allow = tmp_path / "allow.txt"
    allow.write_text("listings.net\n", encoding="utf-8")
    done = subprocess.run([str(LINKTRIAGE), "disavow", str(predictions), "-o", str(tmp_path / "d.txt"),
                           "--labels", "spam,link_farm,directory", "--min-confidence", "0.5", "--allow", str(allow)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _entries(tmp_path / "d.txt") == ["domain:maybe-spam.com", "domain:spam-one.com"]
    assert "4 of 5 links meet the rule" in done.stderr and "1 link left out by the allow list" in done.stderr
    bad = subprocess.run([str(LINKTRIAGE), "disavow", str(predictions), "-o", str(tmp_path / "d.csv")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and ".txt" in bad.stderr


def test_defaults_level_url_and_merge(tmp_path, predictions, capsys):
    assert run_app(app, ["disavow", str(predictions), "-o", str(tmp_path / "d.txt")]) == 0
    assert _entries(tmp_path / "d.txt") == ["domain:spam-one.com"]
    assert run_app(app, ["disavow", str(predictions), "-o", str(tmp_path / "u.txt"), "--level", "url",
                         "--merge", str(tmp_path / "d.txt")]) == 0
    # The merged domain: line already covers both spam-one.com pages: nothing new to add.
    assert _entries(tmp_path / "u.txt") == ["domain:spam-one.com"]
    assert "wrote 0 new domain: lines and 0 new URLs" in capsys.readouterr().err


def test_labels_are_read_as_label_files_spell_them(tmp_path, predictions):
    """`--labels "Spam, Link Farm"` was refused, while a label file's "Link Farm" is read as link_farm."""
    assert run_app(app, ["disavow", str(predictions), "-o", str(tmp_path / "d.txt"),
                         "--labels", "Spam, Link Farm,Directories", "--min-confidence", "0.5"]) == 0
    assert run_app(app, ["disavow", str(predictions), "-o", str(tmp_path / "e.txt"),
                         "--labels", "spam,link_farm,directory", "--min-confidence", "0.5"]) == 0
    assert _entries(tmp_path / "d.txt") == _entries(tmp_path / "e.txt") != []


@pytest.mark.parametrize("args, message", [
    (["--labels", "spam,bogus"], "unknown or empty disavow labels"),
    (["--level", "page"], "choose domain or url"),
    (["--min-confidence", "2"], "between 0 and 1"),
    (["--merge", "missing.txt"], "does not exist"),
    (["--allow", "missing-allow.txt"], "does not exist"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, predictions, capsys, args, message):
    assert run_app(app, ["disavow", str(predictions), "-o", str(tmp_path / "d.txt"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("linktriage: error:")
    assert not (tmp_path / "d.txt").exists()


def test_bad_predictions_exit_2(tmp_path, capsys):
    wrong = tmp_path / "backlinks.csv"
    wrong.write_text("source_url,target_url\nhttps://a.example.com/,https://me.example/\n", encoding="utf-8")
    for path in (wrong, tmp_path / "absent.csv"):
        assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and ("lacks the column(s) label, confidence" in err or "does not exist" in err)


def test_a_scored_export_without_rows_gives_an_empty_disavow_file(tmp_path, capsys):
    """`score` on an export with a header only writes the output's header: an empty audit, not a wrong file."""
    scored = tmp_path / "scored.csv"
    with open_writer(scored) as writer:
        writer.write([])
    assert run_app(app, ["disavow", str(scored), "-o", str(tmp_path / "d.txt")]) == 0
    assert _entries(tmp_path / "d.txt") == []
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")  # a file without even a header is still a mistake
    assert run_app(app, ["disavow", str(empty), "-o", str(tmp_path / "e.txt")]) == 2


def test_a_jsonl_output_without_rows_is_an_empty_audit_too(tmp_path, capsys):
    """JSON lines have no header: `score -o x.jsonl` on an export without rows writes an empty file, which
    docs/outputs.md says `disavow` reads as an empty audit (it was refused for lacking the columns)."""
    export = tmp_path / "export.csv"
    export.write_text("source_url,target_url,anchor\n", encoding="utf-8")
    scored = tmp_path / "scored.jsonl"
    assert run_app(app, ["score", str(export), "--offline", "-o", str(scored)]) == 0
    assert scored.read_bytes() == b""
    assert run_app(app, ["disavow", str(scored), "-o", str(tmp_path / "d.txt")]) == 0, capsys.readouterr().err
    assert _entries(tmp_path / "d.txt") == []


@pytest.mark.parametrize("name, content, message", [
    ("short_row.csv", "source_url,label,confidence\nhttps://spam.example.com/a,spam,0.95\nhttps://x.example.net/\n",
     "short_row.csv row 3 has 1 of the header's 3 fields (no label, confidence)"),
    ("moved.csv", "label,confidence,source_url\nspam,0.95,https://spam.example.com/a\nspam,0.9\n",
     "moved.csv row 3 has 2 of the header's 3 fields (no source_url)"),
    ("no_label.jsonl", '{"source_url":"https://spam.example.com/a","label":"spam","confidence":0.95}\n'
     '{"source_url":"https://x.example.net/"}\n', "no_label.jsonl row 2 has no label, confidence"),
    ("no_url.jsonl", '{"source_url":"https://spam.example.com/a","label":"spam","confidence":0.95}\n'
     '{"label":"spam","confidence":0.99}\n', "no_url.jsonl row 2 has no source_url"),
    # an unquoted decimal comma: "0,95" read as confidence 0 and the link silently not disavowed
    ("long_row.csv", "source_url,label,confidence\nhttps://spam.example.com/a,spam,0,95\n",
     "long_row.csv row 2 has 4 fields, more than the header's 3: a value holds a ',' without quotes"),
])
def test_a_row_without_the_needed_fields_is_named(tmp_path, capsys, name, content, message):
    """Only the first row's columns used to be checked: a later short row was an internal KeyError (exit 1)."""
    _refused_in_one_line(tmp_path, capsys, name, content, message)


def _refused_in_one_line(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("linktriage: error:")
    assert not (tmp_path / "d.txt").exists()


_ROW = '"source_url":"https://spam.example.com/a","label":"spam","confidence":0.95'


@pytest.mark.parametrize("name, content, message", [
    ("status.csv", "source_url,label,confidence,http_status\nhttps://spam.example.com/a,spam,0.95,1e400\n",
     "status.csv row 2: http_status '1e400' is not a whole number"),
    ("status.jsonl", "{" + _ROW + ',"http_status":Infinity}\n', "status.jsonl row 1: http_status 'inf' is not a whole"),
    ("half.jsonl", "{" + _ROW + ',"http_status":200.5}\n', "half.jsonl row 1: http_status '200.5' is not a whole"),
    ("rank.jsonl", "{" + _ROW + ',"relevance":1' + "0" * 400 + "}\n", "rank.jsonl row 1: relevance '1000"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "deep.json: JSON nested too deeply"),
    ("deep.jsonl", "{" + _ROW + ',"x":' + "[" * 100_000 + "]" * 100_000 + "}\n", "deep.jsonl line 1: JSON nested"),
    ("digits.jsonl", "{" + _ROW + ',"http_status":1' + "0" * 5000 + "}\n", "digits.jsonl line 1: unreadable JSON"),
])
def test_values_python_cannot_hold_are_one_line(tmp_path, capsys, name, content, message):
    """An infinite http_status was an OverflowError, a deeply nested JSON file a RecursionError (internal errors)."""
    _refused_in_one_line(tmp_path, capsys, name, content, message)


@pytest.mark.parametrize("cell, shown", [("85", "'85'"), ("-3", "'-3'"), ("inf", "'inf'"), ("1e309", "'1e309'"),
                                         ("nan", "'nan'"), ("Infinity", "'Infinity'"), ("1.01", "'1.01'")])
def test_a_confidence_outside_0_1_is_refused(tmp_path, capsys, cell, shown):
    """Out-of-range confidences were read as they were: 85 and inf met the rule, the file said 'confidence up to inf'."""
    path = tmp_path / "conf.csv"
    path.write_text(f"source_url,label,confidence\nhttps://a.example.com/,spam,0.95\nhttps://b.example.com/,spam,{cell}\n",
                    encoding="utf-8")
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 2
    err = capsys.readouterr().err
    assert f"conf.csv row 3: confidence {shown} is not a probability between 0 and 1" in err and err.count("\n") == 1
    assert not (tmp_path / "d.txt").exists()


@pytest.mark.parametrize("value", ["Infinity", "NaN", "-0.5", "3"])
def test_a_json_confidence_outside_0_1_is_refused(tmp_path, capsys, value):
    path = tmp_path / "conf.jsonl"
    path.write_text('{"source_url":"https://a.example.com/","label":"spam","confidence":%s}\n' % value, encoding="utf-8")
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 2
    err = capsys.readouterr().err
    assert "conf.jsonl row 1: confidence" in err and "not a probability between 0 and 1" in err
    assert err.count("\n") == 1


def test_an_empty_confidence_is_a_link_not_judged_unless_a_reviewer_labelled_it(tmp_path, capsys):
    """The model never gives a label without its confidence: `spam` with an empty confidence is a reviewer's label
    on a link the model could not judge, and was silently left out ("change a label ... and the next disavow run
    follows", docs/outputs.md)."""
    path = tmp_path / "scored.csv"
    path.write_text("source_url,label,confidence\nhttps://a.example.org/,spam,\nhttps://b.example.com/,,\n"
                    "https://c.example.net/,spam,1\nhttps://d.example.com/,spam,0\n", encoding="utf-8")
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 0
    assert _entries(tmp_path / "d.txt") == ["domain:example.net", "domain:example.org"]  # 0 and 1 are probabilities
    assert "2 of 4 links meet the rule" in capsys.readouterr().err
    assert "# example.org: 1 link (spam 1), all labelled by hand" in (tmp_path / "d.txt").read_text()


def test_a_label_changed_by_a_reviewer_is_followed_whatever_its_confidence(tmp_path, capsys):
    """An editorial link at 0.6 changed to spam kept the model's 0.6 (its confidence in editorial), under the
    rule's 0.8, and was left out without a word; a spam link at 0.95 changed to editorial is an acceptable link."""
    path = tmp_path / "reviewed.csv"
    header = "source_url,label,confidence,p_editorial,p_guest_post,p_directory,p_spam,p_link_farm\n"
    header = header.replace("\n", ",reasons\n")
    path.write_text(header + "https://a.example.org/,spam,0.6,0.6,0.1,0.1,0.1,0.1,byline and date\n"
                    "https://b.example.com/x,editorial,0.95,0.01,0.01,0.01,0.95,0.02,spam words\n"
                    "https://b.example.com/y,spam,0.9,0.04,0.02,0.02,0.9,0.02,spam words\n", encoding="utf-8")
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 0
    assert _entries(tmp_path / "d.txt") == ["https://b.example.com/y", "domain:example.org"]
    # the model's reasons were for its editorial label: not shown as the reasons for the reviewer's spam
    assert "# example.org: 1 link (spam 1), all labelled by hand\n" in (tmp_path / "d.txt").read_text()
    assert "2 of 3 links meet the rule" in capsys.readouterr().err


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le", "cp1252"])
def test_spreadsheet_encodings_without_bom_are_read(tmp_path, capsys, codec):
    """UTF-16 without BOM was decoded as UTF-8 with NULs: 'lacks the column(s) source_url, ... (found: source_url, ...)'."""
    path = tmp_path / "resaved.csv"
    path.write_bytes("source_url,anchor,label,confidence\nhttps://spam.example.com/a,café crème,spam,0.95\n"
                     .encode(codec))
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 0, capsys.readouterr().err
    assert _entries(tmp_path / "d.txt") == ["domain:example.com"]


def test_a_header_with_nul_bytes_says_the_encoding_is_unknown(tmp_path, capsys):
    # UTF-16 without BOM whose sample is mostly CJK text: the NUL pattern is too faint to detect it
    path = tmp_path / "mixed.csv"
    path.write_bytes(("source_url,label,confidence\nhttps://x.example.com/" + "日本語" * 3000 + ",spam,0.9\n")
                     .encode("utf-16-be"))
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 2
    err = capsys.readouterr().err
    assert "mixed.csv: cannot tell its text encoding" in err and "save it as UTF-8" in err and err.count("\n") == 1


def test_trailing_empty_cells_are_not_extra_fields(tmp_path, capsys):
    """Spreadsheets save a trailing separator ("...,0.95,"): harmless, unlike a value split by an unquoted comma."""
    path = tmp_path / "trailing.csv"
    path.write_text("source_url,label,confidence\nhttps://spam.example.com/a,spam,0.95,,\n", encoding="utf-8")
    assert run_app(app, ["disavow", str(path), "-o", str(tmp_path / "d.txt")]) == 0, capsys.readouterr().err
    assert "domain:example.com" in (tmp_path / "d.txt").read_text()


def test_the_output_never_replaces_an_input(tmp_path, predictions, capsys):
    # -o partners.txt --allow partners.txt replaced the allow list with disavow entries (exit 0), and a predictions
    # file saved as .txt was replaced by its own disavow file; --merge X -o X stays allowed (that is its use).
    allow = tmp_path / "partners.txt"
    allow.write_text("listings.net\n", encoding="utf-8")
    scored = tmp_path / "scored.txt"
    scored.write_bytes(predictions.read_bytes())
    for args, says in [(["-o", str(allow), "--allow", str(allow)], "-o and --allow are the same file"),
                       (["-o", str(scored)], "-o and the predictions file")]:
        before = {path: path.read_bytes() for path in (allow, scored)}
        capsys.readouterr()
        assert run_app(app, ["disavow", str(scored), *args]) == 2
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1
        assert {path: path.read_bytes() for path in (allow, scored)} == before
    merged = tmp_path / "d.txt"
    assert run_app(app, ["disavow", str(predictions), "-o", str(merged)]) == 0
    assert run_app(app, ["disavow", str(predictions), "-o", str(merged), "--merge", str(merged)]) == 0


def test_a_file_given_twice_counts_once_and_a_reviewed_copy_beside_its_original_is_warned_about(tmp_path, capsys):
    """One file given three times said "3 links (spam 3)" and "9 of 24 links"; `disavow scored.csv reviewed.csv`,
    where the reviewer cleared a label, still disavowed the link, without a word."""
    scored, reviewed = tmp_path / "scored.csv", tmp_path / "reviewed.csv"
    header = "source_url,target_url,anchor,label,confidence\n"
    rows = ["https://spam.example.com/a,https://me.example/,cheap pills,spam,0.95",
            "https://fine.example.org/b,https://me.example/,a review,editorial,0.9"]
    scored.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    assert run_app(app, ["disavow", str(scored), str(scored), str(scored), "-o", str(tmp_path / "d.txt")]) == 0
    err = capsys.readouterr().err
    assert "1 of 2 links meet the rule" in err and "4 rows repeated a link of an earlier row" in err
    assert "# example.com: 1 link (spam 1)" in (tmp_path / "d.txt").read_text()
    reviewed.write_text(header + rows[0].replace("spam,0.95", ",0.95") + "\n" + rows[1] + "\n", encoding="utf-8")
    assert run_app(app, ["disavow", str(scored), str(reviewed), "-o", str(tmp_path / "d2.txt")]) == 0
    err = capsys.readouterr().err
    assert ("warning: 1 link labelled differently in two rows (first: https://spam.example.com/a): a toxic row "
            "among them is followed; give only the reviewed file") in err
