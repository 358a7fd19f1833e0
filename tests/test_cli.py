"""The command line as a user runs it: `linktriage score / train / evaluate / info` in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

from linktriage import LABELS, OUTPUT_COLUMNS

CLI = [sys.executable, "-c", "from linktriage.cli import main; main()"]


@pytest.fixture
def run(capsys):
    """The CLI in this process (one model load for the whole module): returns (exit code, stdout, stderr)."""
    from linktriage.cli import app
    from linktriage.cli._errors import run_app

    def invoke(*args):
        capsys.readouterr()
        code = run_app(app, [str(a) for a in args])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return invoke


def run_process(*args) -> subprocess.CompletedProcess:
    """The CLI exactly as a user starts it (the console entry point), for the tests of its streams."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    out = tmp_path_factory.mktemp("score") / "scored.csv"
    result = run_process("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                         "-o", out, "--table")
    assert result.returncode == 0, result.stderr
    with open(out, newline="", encoding="utf-8") as stream:
        return result, list(csv.DictReader(stream))


def test_score_keeps_every_row_in_order_with_every_column(scored):
    _, rows = scored
    with open(EXAMPLES / "backlinks.csv", newline="", encoding="utf-8") as stream:
        given = list(csv.DictReader(stream))
    assert [(r["source_url"], r["target_url"]) for r in rows] == [(g["source_url"], g["target_url"]) for g in given]
    assert tuple(rows[0])[: len(OUTPUT_COLUMNS)] == OUTPUT_COLUMNS
    assert {"export_domain_rating", "export_url_rating"} <= set(rows[0])


def test_score_statuses_and_probabilities(scored):
    _, rows = scored
    statuses = [r["link_status"] for r in rows]
    assert statuses == ["live"] * 6 + ["missing", "not_fetched"]
    for row in rows[:6]:
        probabilities = [float(row[f"p_{label}"]) for label in LABELS]
        assert sum(round(p * 10_000) for p in probabilities) == 10_000  # DESIGN.md: summing to 1, as written
        assert row["label"] in LABELS and row["confidence"] == row[f"p_{row['label']}"]
        assert row["reasons"]
    for row in rows[6:]:
        assert row["label"] == "" and row["reasons"]  # the reason it could not be judged
    assert rows[0]["position"] == "content" and rows[1]["position"] == "comment"
    assert rows[1]["rel"] == "nofollow ugc"


def test_the_shipped_model_tells_the_example_as_the_quick_start_shows_it(scored):
    """The README's first command shows one link of each label; a retrained model that loses one fails here."""
    _, rows = scored
    with open(EXAMPLES / "labels.csv", newline="", encoding="utf-8") as stream:
        intended = {(r["source_url"], r["target_url"]): r["label"] for r in csv.DictReader(stream)}
    got = {(r["source_url"], r["target_url"]): r["label"] for r in rows if (r["source_url"], r["target_url"]) in intended}
    assert got == intended and set(intended.values()) == set(LABELS)


def test_score_table_and_summary_on_stderr(scored):
    result, _ = scored
    assert "label" in result.stderr and "reasons" in result.stderr
    assert "8 rows: live 6, missing 1, not_fetched 1" in result.stderr


def test_score_to_stdout_is_csv_only(run):
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline")
    assert result.returncode == 0
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert len(rows) == 8


def test_score_to_stdout_with_a_dash(run, tmp_path, monkeypatch):
    # -o - --format jsonl wrote a file named "-" in the current folder and nothing on standard output; -o - alone
    # said "cannot tell the output format of -o '-'".
    monkeypatch.chdir(tmp_path)
    for fmt in ("jsonl", None):
        result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                     "-o", "-", *(["--format", fmt] if fmt else []))
        assert result.returncode == 0, result.stderr
        if fmt == "jsonl":
            assert [json.loads(line)["schema_version"] for line in result.stdout.splitlines()] == ["1.0"] * 8
        else:
            assert len(list(csv.DictReader(result.stdout.splitlines()))) == 8
    assert list(tmp_path.iterdir()) == []


def test_score_to_stdout_is_utf8_whatever_its_encoding(tmp_path):
    # Standard output in a code page (Windows, `linktriage score x.csv > out.csv`): the run stopped at the first
    # anchor the code page cannot hold, "internal error: UnicodeEncodeError", the output cut short.
    import os

    export = tmp_path / "cyrillic.csv"
    export.write_text("source_url,target_url,anchor\nhttps://a.example.com/p,https://t.example/,купить дешево\n",
                      encoding="utf-8")
    done = subprocess.run([*CLI, "score", str(export), "--offline"], capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    assert [r["anchor"] for r in rows] == ["купить дешево"]


@pytest.mark.parametrize("content, expected", [
    (b"\x00\x01\x02 not a csv at all \xff\xfe", "binary file"),
    (b"name,colour\nfoo,blue\n", "source_url"),
])
def test_unreadable_export_exits_2_with_one_line(tmp_path, content, expected):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = run_process("score", path, "--offline")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("linktriage: error:"), result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_a_failed_run_leaves_the_previous_output_as_it_was(tmp_path, run):
    """Outputs are written beside the file and moved into place on success: an export that breaks after its
    first rows must not empty the file the last good run wrote."""
    previous = "source_url,label\nhttps://a.example/,editorial\n"
    good = (EXAMPLES / "backlinks.csv").read_text(encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text(good + '"https://b.example/' + "x" * 200_000 + "\n", encoding="utf-8")  # quote never closed
    out = tmp_path / "scored.csv"
    out.write_text(previous, encoding="utf-8")
    result = run("score", broken, "--offline", "-o", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert out.read_text(encoding="utf-8") == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".partial")] == []


def test_an_output_through_a_link_or_into_a_fifo_keeps_what_the_path_is(tmp_path, run):
    """The finished output was moved onto the path: a symbolic link became a regular file (its target kept the
    old output) and a FIFO or device (-o /dev/null as root) was replaced by a regular file."""
    import os
    import stat
    import threading

    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real)
    assert run("score", EXAMPLES / "backlinks.csv", "--offline", "-o", link).returncode == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("source_url,")
    fifo, received = tmp_path / "fifo", []
    os.mkfifo(fifo)
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("score", EXAMPLES / "backlinks.csv", "--offline", "-o", fifo, "--format", "csv")
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and received[0].startswith(b"source_url,")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device every write to fails as a full disk")
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx", "parquet"])
def test_a_full_disk_is_one_line_in_every_format(fmt):
    """XLSX printed openpyxl's half-closed writers' tracebacks after the error; Parquet an internal AttributeError."""
    result = run_process("score", EXAMPLES / "backlinks.csv", "--offline", "-o", "/dev/full", "--format", fmt)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "No space left on device" in result.stderr, result.stderr


def test_on_a_terminal_the_row_counter_is_cleared_before_the_table_and_summary(tmp_path):
    """The counter ("\\rlinktriage: 8 rows scored") was left unended: the summary and the table's top border were
    printed on its line."""
    import os
    import pty

    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    done = subprocess.run([*CLI, "score", str(EXAMPLES / "backlinks.csv"), "--pages", str(EXAMPLES / "pages.warc.gz"),
                           "--offline", "-o", str(tmp_path / "out.csv"), "--table"],
                          stderr=follower, stdout=subprocess.DEVNULL, timeout=300, env={**os.environ, "COLUMNS": "60"})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert done.returncode == 0 and "rows scored" in text, text
    counter_end = text.rindex("rows scored") + len("rows scored")
    assert text[counter_end:].startswith("\r\x1b[K"), text[counter_end:counter_end + 40]
    plain = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text.replace("\r\n", "\n"))  # colours take no column
    table = [line for line in plain.split("\n") if "│" in line]
    assert table and max(len(line) for line in table) <= 60  # the terminal's width (it was 140 at least)


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "is for the Dask engine: add --engine dask"),
    (["--embedder", "bert"], "--embedder bert: unknown embedder"),
])
def test_options_that_cannot_work_are_refused(run, args, message):
    result = run("score", EXAMPLES / "backlinks.csv", "--offline", *args)
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_output_paths_are_checked_before_any_work(tmp_path, run):
    out = tmp_path / "scored.csv"
    result = run("score", EXAMPLES / "backlinks.csv", "--offline", "-o", out, "--report", tmp_path / "no" / "r.html")
    assert result.returncode == 2 and "--report" in result.stderr and "does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
    (tmp_path / "file").write_text("not a folder")
    result = run("evaluate", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz", "--report", tmp_path / "file")
    assert result.returncode == 2 and "is a file: give a directory" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _read_only_folder(tmp_path):
    """A folder this process cannot create files in: a chmod 555 folder, or /sys for root (root ignores modes)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):
        try:
            (candidate / "probe").touch()
        except OSError:
            return candidate
        (candidate / "probe").unlink()
    pytest.skip("no folder here refuses this process's files")


def test_an_output_in_a_read_only_folder_is_refused_before_any_work(tmp_path, run):
    # --report and --domains in a read-only folder failed once every row was scored (the -o output lost with the
    # run), naming the hidden '.partial-NNN-r.html'.
    folder = _read_only_folder(tmp_path)
    out = tmp_path / "scored.csv"
    for option in ("--report", "--domains", "-o"):
        target = folder / ("r.html" if option == "--report" else "d.csv")
        args = ["-o", out] if option != "-o" else []
        result = run("score", EXAMPLES / "backlinks.csv", "--offline", *args, option, target)
        assert result.returncode == 2 and f"cannot write in the folder {folder}" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and ".partial" not in result.stderr
        assert not out.exists()


def test_an_output_file_that_cannot_be_replaced_is_refused_before_any_work(tmp_path, run):
    """An immutable (or, for a user, read-only) -o / --report / --domains file was found only once every row was
    scored, and the run's rows were lost with it."""
    import shutil
    import subprocess as sp

    if not shutil.which("chattr"):
        pytest.skip("no chattr here to make a file immutable")
    out, kept = tmp_path / "scored.csv", tmp_path / "kept.csv"
    kept.write_text("old\n")
    if sp.run(["chattr", "+i", str(kept)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem does not make files immutable")
    try:
        for option, named in (("-o", "--output"), ("--domains", "--domains")):
            args = ["-o", out] if option != "-o" else []
            result = run("score", EXAMPLES / "backlinks.csv", "--offline", *args, option, kept)
            assert result.returncode == 2, result.stderr
            assert f"{named} {kept}: the file cannot be replaced" in result.stderr and not out.exists()
    finally:
        sp.run(["chattr", "-i", str(kept)])
    assert kept.read_text() == "old\n"


def test_train_refuses_a_model_file_that_cannot_be_replaced_before_training(tmp_path, run, monkeypatch):
    """An immutable -o model file was found when saving, after the minutes of training it was to keep."""
    import shutil
    import subprocess as sp

    import linktriage.learn

    if not shutil.which("chattr"):
        pytest.skip("no chattr here to make a file immutable")
    kept = tmp_path / "kept.skops"
    kept.write_bytes(b"old")
    if sp.run(["chattr", "+i", str(kept)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem does not make files immutable")
    trained = []
    monkeypatch.setattr(linktriage.learn, "build_training_table", lambda *a, **k: trained.append(1))
    try:
        result = run("train", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz", "-o", kept)
    finally:
        sp.run(["chattr", "-i", str(kept)])
    assert result.returncode == 2 and f"-o {kept}: the file cannot be replaced" in result.stderr, result.stderr
    assert not trained and kept.read_bytes() == b"old"


def test_table_says_how_many_rows_it_leaves_out(tmp_path, run):
    """--table shows the first 200 rows; the line saying how many more there are never printed, as the rows kept
    for it stop at 200."""
    export = tmp_path / "many.csv"
    export.write_text("source_url,target_url\n" + "".join(f"https://s{i}.example.org/p,https://shop.example.com/\n"
                                                        for i in range(205)), encoding="utf-8")
    result = run("score", export, "--offline", "--table", "-o", tmp_path / "out.csv")
    assert result.returncode == 0, result.stderr
    assert "... 5 more rows in the output file" in result.stderr and "s199.example.org" in result.stderr
    assert "s200.example.org" not in result.stderr


def test_format_is_read_in_any_case_as_extensions_are(run):
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                 "--format", "JSONL")
    assert result.returncode == 0, result.stderr  # was "unknown output format 'JSONL'", while -o X.JSONL was read
    assert [json.loads(line)["source_url"] for line in result.stdout.splitlines()][:1] == [
        "https://summitnotes.example.org/2025/03/ten-years-of-mountain-running"]


def test_a_report_on_standard_output_is_refused(tmp_path, run, monkeypatch):
    """-o - is standard output, --domains - was refused; --report - wrote a file named "-" in the working folder."""
    monkeypatch.chdir(tmp_path)
    result = run("score", EXAMPLES / "backlinks.csv", "--offline", "-o", "out.csv", "--report", "-")
    assert result.returncode == 2 and "the report is an HTML file" in result.stderr, result.stderr
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("args, says", [
    (("score", "", "--offline"), "an export's file name is empty"),
    (("fetch", "", "-o", "pages.warc.gz"), "an export's file name is empty"),
    (("train", "", "-o", "model.skops"), "an export's file name is empty"),
    (("disavow", "", "-o", "disavow.txt"), "a predictions file name is empty"),
    (("disavow", "PREDICTIONS", "-o", ""), "-o is empty: give a file name"),
    (("disavow", "PREDICTIONS", "-o", "disavow.txt", "--merge", ""), "--merge is empty"),
    (("disavow", "PREDICTIONS", "-o", "disavow.txt", "--allow", ""), "--allow is empty"),
])
def test_an_empty_file_name_is_named_empty_not_the_working_folder(tmp_path, run, args, says):
    """typer read "" as Path(""), the working folder: the errors said ". is a directory" or "cannot read disavow
    file to merge '.'", which names nothing the user typed (an unset shell variable)."""
    predictions = tmp_path / "scored.csv"
    predictions.write_text("source_url,label,confidence\nhttps://a.example/p,spam,0.9\n", encoding="utf-8")
    result = run(*[predictions if arg == "PREDICTIONS" else arg for arg in args])
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and "'.'" not in result.stderr and "Traceback" not in result.stderr


def test_an_empty_output_name_is_refused_not_skipped(tmp_path, run):
    """`--report "$REPORT"` with the variable unset wrote no report and said nothing (exit 0), while
    `evaluate --report ""` and `--cache ""` were refused; an empty -o wrote to standard output."""
    for option in ("--report", "--domains", "--archive", "-o"):
        result = run("score", EXAMPLES / "backlinks.csv", "--offline", option, "")
        assert result.returncode == 2, (option, result.stderr)
        assert "is empty: give a file name" in result.stderr and result.stdout == ""


def test_an_archive_in_a_missing_folder_is_refused_as_the_other_outputs(tmp_path, run):
    # it was "No such file or directory: /nonexist/a.warc.gz" when the first page was fetched, and nothing at all
    # with --offline
    result = run("score", EXAMPLES / "backlinks.csv", "--offline", "--archive", tmp_path / "no" / "a.warc.gz")
    assert result.returncode == 2 and f"the folder {tmp_path / 'no'} does not exist" in result.stderr, result.stderr


def test_two_outputs_naming_one_file_are_refused(tmp_path, run):
    """`-o x.csv --domains x.csv` exited 0 with x.csv holding the domain view: the scored rows were lost."""
    same = tmp_path / "same.csv"
    for first, second in [("-o", "--domains"), ("-o", "--report"), ("--report", "--domains")]:
        result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                     first, same, second, same)
        assert result.returncode == 2, result.stderr
        assert f"{second} and {'--output' if first == '-o' else first} are the same file" in result.stderr
        assert not same.exists()


def test_an_output_naming_a_file_the_run_reads_is_refused_and_the_file_kept(tmp_path, run):
    import shutil

    from linktriage.model import DEFAULT_MODEL_PATH

    export = shutil.copy(EXAMPLES / "backlinks.csv", tmp_path / "backlinks.csv")
    archive = shutil.copy(EXAMPLES / "pages.warc.gz", tmp_path / "pages.warc.gz")
    model = shutil.copy(DEFAULT_MODEL_PATH, tmp_path / "mine.skops")
    before = {path: open(path, "rb").read() for path in (export, archive, model)}
    # --model too: `-o mine.skops --format csv` replaced the model with the scored rows
    for option, path, says in [("-o", export, "--output and the export"), ("--domains", archive, "--domains and --pages"),
                               ("--report", export, "--report and the export"), ("-o", model, "--output and --model")]:
        result = run("score", export, "--pages", archive, "--offline", "--model", model, "--format", "csv",
                     option, path)
        assert result.returncode == 2 and says in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert {path: open(path, "rb").read() for path in (export, archive, model)} == before


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_an_export_without_rows_gives_an_output_with_the_columns(tmp_path, run, suffix):
    export = tmp_path / "empty.csv"
    export.write_text("source_url,target_url,anchor\n", encoding="utf-8")
    out = tmp_path / f"scored{suffix}"
    result = run("score", export, "--offline", "-o", out)
    assert result.returncode == 0, result.stderr
    if suffix == ".csv":
        assert out.read_text(encoding="utf-8").strip().split(",") == list(OUTPUT_COLUMNS)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.num_rows == 0 and set(OUTPUT_COLUMNS) <= set(table.column_names)
    else:
        assert out.exists() and out.read_text(encoding="utf-8") == ""


def test_missing_files_exit_2(tmp_path, run):
    result = run("score", tmp_path / "nope.csv", "--offline")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", tmp_path / "nope.warc.gz", "--offline")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_pages_given_as_fsspec_urls(tmp_path, run, scored):
    """Archives on object stores (s3://, gs://) go through fsspec; its in-memory filesystem stands in here."""
    import fsspec

    fsspec.filesystem("memory").pipe("/archives/pages.warc.gz", (EXAMPLES / "pages.warc.gz").read_bytes())
    out = tmp_path / "scored.csv"
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", "memory://archives/pages.warc.gz", "--offline",
                 "-o", out)
    assert result.returncode == 0, result.stderr
    with open(out, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["link_status"], r["label"]) for r in rows] == [(r["link_status"], r["label"]) for r in scored[1]]
    for pages in ("memory://archives/absent.warc.gz", "nosuchscheme://bucket/pages.warc.gz"):
        result = run("score", EXAMPLES / "backlinks.csv", "--pages", pages, "--offline")
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert pages in result.stderr


def test_outputs_given_as_fsspec_urls(run, scored):
    """The output, the domain view and the report go to an object store once written (memory:// stands in)."""
    import fsspec

    memory = fsspec.filesystem("memory")
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                 "-o", "memory://results/scored.jsonl", "--domains", "memory://results/domains.csv",
                 "--report", "memory://results/report.html")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in memory.cat("/results/scored.jsonl").decode().splitlines()]
    assert [(r["source_url"], r["label"]) for r in rows] == [(r["source_url"], r["label"] or None) for r in scored[1]]
    domains = list(csv.DictReader(io.StringIO(memory.cat("/results/domains.csv").decode())))
    assert {d["source_domain"] for d in domains} == {r["source_domain"] for r in scored[1]}
    assert memory.cat("/results/report.html").startswith(b"<!DOCTYPE html>")
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                 "-o", "nosuchscheme://bucket/scored.csv")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "--output nosuchscheme://bucket/scored.csv" in result.stderr


def test_train_then_score_and_evaluate_with_the_new_model(tmp_path, run):
    model = tmp_path / "mine.skops"
    trained = run("train", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz", "-o", model, "--cv", "2")
    assert trained.returncode == 0, trained.stderr
    assert "macro-F1" in trained.stderr and model.is_file()
    info = run("info", "--model", model)
    assert info.returncode == 0 and "labels.csv" in info.stdout
    # a readable card, as the shipped model's (it printed the JSON --json prints)
    assert info.stdout.startswith("# linktriage model card") and "by `linktriage train`" in info.stdout
    assert "Cross-validated, 2 folds grouped by site" in info.stdout and "## Versions" in info.stdout
    assert json.loads(run("info", "--model", model, "--json").stdout)["n_links"] == 6
    assert "folds asked" not in trained.stderr
    # more folds than sites: said when it happens (only the card said it), and the metrics are of one site per fold
    fewer = run("train", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz", "-o", tmp_path / "m10.skops",
                "--cv", "10")
    assert fewer.returncode == 0, fewer.stderr
    assert ("warning: 10 folds asked (--cv), but the labelled links come from 5 sites: cross-validation uses 5 "
            "folds of one site each") in fewer.stderr
    out = tmp_path / "scored.jsonl"
    scored = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                 "--model", model, "-o", out)
    assert scored.returncode == 0, scored.stderr
    assert len(out.read_text().splitlines()) == 8
    report = tmp_path / "report"
    evaluated = run("evaluate", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz", "--model", model,
                    "--report", report)
    assert evaluated.returncode == 0, evaluated.stderr
    # the tables are evaluate's result, on stdout (they were on stderr, and `> scores.txt` kept nothing);
    # what it wrote and skipped stays on stderr
    assert "macro-F1" in evaluated.stdout and "confusion" in evaluated.stdout and "macro-F1" not in evaluated.stderr
    assert "wrote" in evaluated.stderr and "wrote" not in evaluated.stdout
    assert (report / "REPORT.md").is_file() and list(report.glob("reliability-*.png"))
    assert "confusion" in (report / "REPORT.md").read_text().lower()


def test_train_refuses_unlabelled_files_and_unknown_labels(tmp_path, run):
    result = run("train", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "-o", tmp_path / "m")
    assert result.returncode == 2 and "label" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("source_url,target_url,anchor,label\nhttps://a.example/,https://b.example/,x,toxic\n")
    result = run("train", bad, "-o", tmp_path / "m")
    assert result.returncode == 2 and "'toxic'" in result.stderr and "link_farm" in result.stderr


def test_train_counts_unusable_labels_instead_of_failing(tmp_path, run):
    labels = tmp_path / "labels.csv"
    extra = ("https://summitnotes.example.org/2025/03/ten-years-of-mountain-running,https://x.example/,x,toxic\n"
             "https://not-archived.example/,https://x.example/,x,spam\n")
    labels.write_text((EXAMPLES / "labels.csv").read_text() + extra)
    result = run("train", labels, "--pages", EXAMPLES / "pages.warc.gz", "-o", tmp_path / "m.skops", "--cv", "2")
    assert result.returncode == 0, result.stderr
    assert "unknown label 'toxic' 1" in result.stderr and "page not in --pages 1" in result.stderr


def test_train_says_why_a_page_or_row_could_not_be_used(tmp_path, run):
    """A page that `--fetch` could not read was counted as "page not readable" and a row without a usable source
    URL likewise: the user had to score the file to learn whether to retry, allow an address or fix the export."""
    labels = tmp_path / "labels.csv"
    extra = ("http://127.0.0.1:9/guest-post,https://www.alpinetrailco.com/,x,spam\n"  # loopback: refused
             "not a url at all,https://www.alpinetrailco.com/,x,spam\n")
    labels.write_text((EXAMPLES / "labels.csv").read_text() + extra)
    result = run("train", labels, "--pages", EXAMPLES / "pages.warc.gz", "--fetch", "-o", tmp_path / "m.skops",
                 "--cv", "2")
    assert result.returncode == 0, result.stderr
    assert "page not readable (refused: non-public address) 1" in result.stderr
    assert "row not usable: not a URL (contains spaces) 1" in result.stderr


def test_train_checks_its_output_path_before_training(tmp_path, run):
    """It was checked when saving, after minutes of training, and a file in the way was Errno 17 and exit 1."""
    (tmp_path / "afile").write_text("x")
    missing = tmp_path / "labels-not-read-yet.csv"  # the -o error comes first: nothing else was done
    for output, message in [(tmp_path / "afile" / "m.skops", "afile is a file, not a folder"),
                            (tmp_path, "is a directory")]:
        result = run("train", missing, "-o", output)
        assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_linktriage_alone_prints_the_help_without_an_empty_error(run):
    """With no command the help is shown (exit 2, as click does); it was followed by the empty line
    "linktriage: error:  (see `linktriage --help`)"."""
    result = run()
    assert result.returncode == 2
    assert "Usage:" in result.stdout and "score" in result.stdout
    assert "error" not in result.stderr, result.stderr


def test_info_prints_the_versions_and_the_label_set(run):
    """`info --help` and DESIGN.md promise the card, versions and label set; for the shipped model (whose card is
    markdown) only the card was printed, without any version."""
    import sklearn

    from linktriage import __version__

    result = run("info")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# linktriage model card")
    assert (f"running linktriage {__version__} with scikit-learn {sklearn.__version__}" in result.stdout
            and "Model written by linktriage " in result.stdout), result.stdout[-500:]
    assert "Labels: editorial, guest_post, directory, spam, link_farm." in result.stdout


def test_a_model_from_another_scikit_learn_warns_in_one_line(tmp_path, run):
    import copy

    import skops.io as sio

    from linktriage.model import load_model

    model = copy.deepcopy(load_model())  # load_model's object is cached and shared: not changed in place
    model.card_ = {**model.card_, "sklearn_version": "0.1"}
    sio.dump(model, tmp_path / "old.skops")
    result = run("info", "--model", tmp_path / "old.skops")
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert result.returncode == 0 and warnings == [
        f"linktriage: warning: {tmp_path / 'old.skops'} was saved with scikit-learn 0.1, running "
        f"{__import__('sklearn').__version__}: predictions may differ slightly"], result.stderr


def test_evaluate_without_pages_says_what_to_add(run):
    result = run("evaluate", EXAMPLES / "labels.csv")
    assert result.returncode == 2 and "--pages" in result.stderr


def test_damaged_model_file_exits_2(tmp_path, run):
    bad = tmp_path / "model.skops"
    bad.write_bytes(b"not a zip")
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                 "--model", bad)
    assert result.returncode == 2 and "not a linktriage model file" in result.stderr


def test_usage_errors_exit_2_in_one_line():
    """Click printed four lines (usage, "Try ... --help", a blank line, the error); the contract is one."""
    for args, message in [(["fetch"], "Missing argument 'exports'. (see `linktriage fetch --help`)"),
                          (["score", EXAMPLES / "backlinks.csv", "--bogus"], "No such option: --bogus"),
                          (["train", "x.csv", "-o", "m.skops", "--cv", "0"], "Invalid value for '--cv'"),
                          (["scor"], "No such command 'scor'. Did you mean 'score'? (see `linktriage --help`)")]:
        result = run_process(*args)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("linktriage: error: ") and result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr


def test_a_link_labelled_two_ways_is_skipped_and_counted(tmp_path, run):
    """Two rows giving one link different labels were both used (trained on, or scored against), silently."""
    labels = tmp_path / "labels.csv"
    rows = (EXAMPLES / "labels.csv").read_text().splitlines()
    first = rows[1].rsplit(",", 1)[0]
    labels.write_text("\n".join([*rows, f"{first},guest_post"]) + "\n")
    result = run("evaluate", labels, "--pages", EXAMPLES / "pages.warc.gz")
    assert result.returncode == 0, result.stderr
    assert "real pages: 5 links" in result.stdout and "one link labelled differently in two rows 2" in result.stderr


def test_a_link_spelled_two_ways_is_one_link(tmp_path, run):
    """Two exports of the same links spell their URLs differently (www, a trailing slash, the host's case): the
    archive and the locator took both rows for one link, but the check for labels given twice compared the URLs as
    written, so a second label went in as a second link with the same features."""
    rows = (EXAMPLES / "labels.csv").read_text().splitlines()
    source, target, rest = rows[1].split(",", 2)
    respelled = f"{source.replace('summitnotes', 'SummitNotes')},{target.replace('www.', '')}/"
    conflicting, alike = tmp_path / "conflicting.csv", tmp_path / "alike.csv"
    conflicting.write_text("\n".join([*rows, f"{respelled},{rest.rsplit(',', 1)[0]},guest_post"]) + "\n")
    alike.write_text("\n".join([*rows, f"{respelled},{rest}"]) + "\n")
    result = run("evaluate", conflicting, "--pages", EXAMPLES / "pages.warc.gz")
    assert result.returncode == 0, result.stderr
    assert "real pages: 5 links" in result.stdout and "one link labelled differently in two rows 2" in result.stderr
    result = run("evaluate", alike, "--pages", EXAMPLES / "pages.warc.gz")
    assert result.returncode == 0, result.stderr
    assert "real pages: 6 links" in result.stdout and "same link labelled in an earlier row 1" in result.stderr


def test_training_on_a_scored_file_says_its_labels_are_the_predictions(tmp_path, run):
    """A scored file's `label` column is the model's prediction: `evaluate` on it scored the model against itself
    (macro-F1 1.000) without a word, while the labels of the file that was scored sat in export_label."""
    scored = tmp_path / "scored.csv"
    assert run("score", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
               "-o", scored).returncode == 0
    result = run("evaluate", scored, "--pages", EXAMPLES / "pages.warc.gz")
    assert result.returncode == 0, result.stderr
    assert f"warning: {scored} is a linktriage output" in result.stderr
    assert "its export_label column: give that file instead" in result.stderr
    plain = run("evaluate", EXAMPLES / "labels.csv", "--pages", EXAMPLES / "pages.warc.gz")
    assert plain.returncode == 0 and "linktriage output" not in plain.stderr


def test_python_dash_m_runs_the_same_command_line():
    result = subprocess.run([sys.executable, "-m", "linktriage", "score", EXAMPLES / "backlinks.csv", "--engine",
                             "bogus"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.startswith("linktriage: error: --engine bogus"), result.stderr


def test_interrupted_run_exits_130_not_0(run, monkeypatch):
    """Ctrl-C mid-run: typer turns KeyboardInterrupt into an exit code it returns; it must not become success."""
    import linktriage.pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(linktriage.pipeline, "score_export", interrupted)
    result = run("score", EXAMPLES / "backlinks.csv", "--offline")
    assert result.returncode == 130 and result.stderr.strip() == "linktriage: interrupted", result


@pytest.mark.parametrize("option, says", [("-o", "-o 'scored.xls': use a .csv, .jsonl, .parquet or .xlsx name, or --format"),
                                          ("--domains", "--domains 'scored.xls': use a .csv, .jsonl, .parquet or .xlsx name")])
def test_an_output_of_unknown_format_is_named_as_given_before_any_work(tmp_path, option, says, monkeypatch, run):
    import linktriage.pipeline as pipeline

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "score_backlinks", lambda *a, **k: pytest.fail("scored before the check"))
    result = run("score", EXAMPLES / "backlinks.csv", "--offline", option, "scored.xls")
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert ".partial" not in result.stderr and not list(tmp_path.iterdir())


def test_a_file_error_raised_with_a_message_only_is_said_as_such(run, monkeypatch):
    import linktriage.pipeline as pipeline

    def missing(*args, **kwargs):
        raise FileNotFoundError("the shipped table went missing")

    monkeypatch.setattr(pipeline, "score_export", missing)
    result = run("score", EXAMPLES / "backlinks.csv", "--offline")
    assert result.returncode == 2 and result.stderr.strip() == "linktriage: error: the shipped table went missing"


def test_an_export_with_a_header_only_says_so(run, tmp_path):
    """The summary line ended in '0 rows: ' with nothing after it."""
    export = tmp_path / "empty.csv"
    export.write_text("source_url,target_url,anchor\n", encoding="utf-8")
    out = tmp_path / "scored.csv"
    result = run("score", export, "--offline", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "0 rows: the exports hold a header but no backlink rows" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("source_url,target_url,anchor,")


@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx"])
def test_an_export_without_rows_gives_its_metric_columns_too(run, tmp_path, suffix):
    """A weekly job's empty export wrote only the contract's columns: its Parquet file no longer read as one dataset
    with the other weeks', and a CSV's columns changed from week to week."""
    import pandas as pd

    export = tmp_path / "empty.csv"
    export.write_text("source_url,target_url,anchor,Domain rating,UR\n", encoding="utf-8")
    out = tmp_path / f"scored.{suffix}"
    assert run("score", export, "--offline", "-o", out).returncode == 0
    read = {"csv": pd.read_csv, "parquet": pd.read_parquet, "xlsx": pd.read_excel}[suffix]
    columns = [c for c in read(out).columns if c != "schema_version"]
    assert columns == [*OUTPUT_COLUMNS, "export_domain_rating", "export_url_rating"]


def test_scoring_a_labelled_file_keeps_the_users_labels_beside_the_predictions(run, tmp_path):
    """A hand-labelled sample scored to compare the model with the labels lost its `label` column: it was read as the
    label for training and dropped, the only export column a score did not keep."""
    with open(EXAMPLES / "backlinks.csv", newline="", encoding="utf-8") as stream:
        given = list(csv.DictReader(stream))
    labelled = tmp_path / "labelled.csv"
    with open(labelled, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["source_url", "target_url", "Label", "DR"])
        writer.writerows([g["source_url"], g["target_url"], f"Mine {i}", 40] for i, g in enumerate(given))
    out = tmp_path / "scored.csv"
    assert run("score", labelled, "--pages", EXAMPLES / "pages.warc.gz", "--offline", "-o", out).returncode == 0
    with open(out, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0])[len(OUTPUT_COLUMNS):] == ["export_label", "export_domain_rating"]
    assert [r["export_label"] for r in rows] == [f"Mine {i}" for i in range(len(given))]


def test_scoring_a_scored_file_again_says_its_predictions_are_kept_as_export_columns(run, tmp_path):
    """Re-scoring its own output worked, but silently nested the old predictions (export_confidence,
    export_export_domain_rating, ...): the user did not learn that the original export was the file to give."""
    first = tmp_path / "scored.csv"
    assert run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
               "-o", first).returncode == 0
    again = run("score", first, "--pages", EXAMPLES / "pages.warc.gz", "--offline", "-o", tmp_path / "again.csv")
    assert again.returncode == 0
    assert f"{first} is a linktriage output" in again.stderr and "score the original export" in again.stderr
    # of several exports, the message names the one that is an output
    both = run("score", EXAMPLES / "backlinks.csv", first, "--pages", EXAMPLES / "pages.warc.gz", "--offline",
               "-o", tmp_path / "both.csv")
    assert both.returncode == 0
    assert f"warning: {first} is a linktriage output" in both.stderr
    assert str(EXAMPLES / "backlinks.csv") not in both.stderr
    plain = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                "-o", tmp_path / "plain.csv")
    assert "linktriage output" not in plain.stderr


def test_a_failed_evaluate_leaves_no_empty_report_folder(tmp_path, run):
    """The folder was created before the labels were read, and stayed behind, empty, when the run failed."""
    labels = tmp_path / "labels.csv"
    labels.write_text("source_url,target_url,label\nhttps://nowhere.example/a,https://t.example/,editorial\n",
                      encoding="utf-8")
    report = tmp_path / "eval" / "run-1"
    result = run("evaluate", labels, "--pages", EXAMPLES / "pages.warc.gz", "--report", report)
    assert result.returncode == 2 and "none of the labelled links could be judged" in result.stderr, result.stderr
    assert not report.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.md").write_text("mine", encoding="utf-8")
    assert run("evaluate", labels, "--pages", EXAMPLES / "pages.warc.gz", "--report", kept).returncode == 2
    assert (kept / "notes.md").read_text(encoding="utf-8") == "mine"  # a folder that was there stays


@pytest.mark.parametrize("name", ["rep.md", "rr.csv", "report"])
def test_a_report_not_named_as_html_is_refused_before_scoring(tmp_path, name, run):
    """`--report rep.md` wrote an HTML page under that name, where -o and --domains check theirs."""
    result = run("score", EXAMPLES / "backlinks.csv", "--offline", "-o", tmp_path / "out.csv", "--report",
                 tmp_path / name)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert f"the report is an HTML page; name it like {name.split('.')[0]}.html" in result.stderr
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / name).exists()
    ok = run("score", EXAMPLES / "backlinks.csv", "--offline", "-o", tmp_path / "out.csv", "--report",
             tmp_path / "Report.HTM")
    assert ok.returncode == 0 and (tmp_path / "Report.HTM").read_text(encoding="utf-8").lstrip().startswith("<!")


def test_a_reader_that_stops_early_ends_the_run_quietly_with_141(tmp_path):
    """`score -o - | head -1`: click exits 1 on the broken pipe, which DESIGN.md reserves for internal errors. It is
    141 (128 + SIGPIPE, as a program the signal stopped) and nothing on stderr."""
    import subprocess
    import sys

    export = tmp_path / "big.csv"
    export.write_text("source_url,target_url,anchor\n" + "".join(
        f"https://site{i}.example.com/page,https://target.example/,anchor {i}\n" for i in range(20_000)))
    process = subprocess.Popen([sys.executable, "-m", "linktriage", "score", str(export), "--offline", "-o", "-"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith(b"source_url,target_url,anchor")
    process.stdout.close()  # as head does after its line
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 141 and stderr == "", stderr


def test_evaluate_into_a_closed_pipe_ends_with_141_too():
    """evaluate's tables go to stdout through rich, which on a broken pipe exits 1 by itself: an internal error."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "linktriage", "evaluate", str(EXAMPLES / "labels.csv"),
                                "--pages", str(EXAMPLES / "pages.warc.gz")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # before it has written anything: its first table meets a closed pipe
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 141 and stderr == "", stderr


def test_a_row_without_a_target_is_an_error_not_a_lost_backlink(run, tmp_path):
    """A row whose target_url is empty was looked for on its page and reported `missing` ("no link to the target
    on the page"), which an audit counts as a lost backlink."""
    export = tmp_path / "export.csv"
    page = "https://summitnotes.example.org/2025/03/ten-years-of-mountain-running"
    export.write_text(f"source_url,target_url,anchor\n{page},,guide\n"
                      f"{page},https://www.alpinetrailco.com/guides/choosing-trail-shoes,guide\n")
    out = tmp_path / "out.csv"
    assert run("score", export, "--pages", EXAMPLES / "pages.warc.gz", "--offline", "-o", out).returncode == 0
    with open(out, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert rows[0]["link_status"] == "error" and rows[0]["reasons"].startswith("empty target URL")
    assert rows[0]["source_domain"] == rows[1]["source_domain"] == "example.org"  # the source is still a site
    assert rows[1]["link_status"] == "live"
    with_site = run("score", export, "--pages", EXAMPLES / "pages.warc.gz", "--offline", "--site",
                    "https://www.alpinetrailco.com/", "-o", out)
    assert with_site.returncode == 0
    with open(out, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert rows[0]["target_url"] == "https://www.alpinetrailco.com/" and rows[0]["link_status"] == "live"


@pytest.mark.parametrize("name, says", [("-", "--archive -: a WARC archive is written to a file, not to standard"),
                                        ("arch.csv", "--archive arch.csv: name the WARC archive like arch.warc.gz")])
def test_score_refuses_an_archive_not_named_as_a_warc(tmp_path, run, monkeypatch, name, says):
    """`--archive -` wrote a file named "-" where -o - is standard output, and `--archive arch.csv` an
    uncompressed WARC under a table's name."""
    monkeypatch.chdir(tmp_path)
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--archive", name,
                 "-o", tmp_path / "out.csv")
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert not (tmp_path / name).exists() and not (tmp_path / "out.csv").exists()


def test_score_says_an_archive_is_not_written_offline(tmp_path, run):
    """With --offline nothing is fetched, so --archive wrote no file, and nothing said so."""
    result = run("score", EXAMPLES / "backlinks.csv", "--pages", EXAMPLES / "pages.warc.gz", "--offline",
                 "--archive", tmp_path / "new.warc.gz", "-o", tmp_path / "out.csv")
    assert result.returncode == 0, result.stderr
    assert "--archive" in result.stderr and "with --offline: no page is fetched, so none is archived" in result.stderr
