"""Retraining inputs found mishandled by an audit, each through the command a user runs."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from test_cli import run  # noqa: F401 - the CLI-in-process fixture
from test_input_robustness import _relabelled

PAGES = EXAMPLES / "pages.warc.gz"


@pytest.mark.parametrize("mapping, message", [
    ({"guest_post": "Sponsored", "directory": "listing", "link_farm": ""}, "too few labelled links"),
    ({"guest_post": "Sponsored", "directory": "listing", "link_farm": "", "editorial": "Spam"},
     "all usable labelled links are spam"),
])
def test_a_refusal_for_too_few_links_names_the_rows_left_out(tmp_path, run, mapping, message):  # noqa: F811
    """The refusal said only what was left ("label more links"): a user whose labels were mostly spelled
    'Sponsored' or left blank could not tell that those rows were skipped, nor why."""
    labels = _relabelled(tmp_path / "labels.csv", mapping)
    result = run("train", labels, "--pages", PAGES, "-o", tmp_path / "m.skops", "--cv", "2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    for skipped in ("unknown label 'Sponsored': 1", "unknown label 'listing': 1", "no label: 1"):
        assert skipped in result.stderr


@pytest.mark.parametrize("given", ["labels", "pages", "cache"])
def test_train_refuses_to_write_the_model_over_one_of_its_inputs(tmp_path, run, given):  # noqa: F811
    """`-o` naming the labels file, a --pages archive or the --cache replaced it with the model, after training,
    with exit 0: the labels or the archived pages were lost."""
    labels, pages, cache = tmp_path / "labels.csv", tmp_path / "pages.warc.gz", tmp_path / "cache.sqlite"
    labels.write_bytes((EXAMPLES / "labels.csv").read_bytes())
    pages.write_bytes(PAGES.read_bytes())
    output = {"labels": labels, "pages": pages, "cache": cache}[given]
    before = output.read_bytes() if output.exists() else None
    result = run("train", labels, "--pages", pages, "--cache", cache, "-o", output, "--cv", "2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "same file" in result.stderr and str(output) in result.stderr
    assert (output.read_bytes() if output.exists() else None) == before


def test_a_model_trained_on_a_table_does_not_name_a_temporary_file(tmp_path):
    """linktriage.train writes a DataFrame to a temporary CSV to read it like a file; the model card (shown by
    `linktriage info`) named that file, deleted once training ended, as what the model was trained from."""
    import pandas as pd

    import linktriage

    model = linktriage.train(pd.read_csv(EXAMPLES / "labels.csv"), pages=PAGES, cv=2)
    assert model.card_["trained_from"] == ["(a DataFrame of 6 rows given to linktriage.train)"]
    model = linktriage.train([EXAMPLES / "labels.csv"], pages=PAGES, cv=2, seed=7)
    assert model.card_["trained_from"] == [str(EXAMPLES / "labels.csv")]
    assert (model.card_["seed"], model.card_["cv_folds"]) == (7, 2)  # what rebuilds it, in the card


@pytest.mark.parametrize("command", [["train", "-o", "memory://bucket/m.skops"],
                                     ["evaluate", "--report", "memory://bucket/eval"]])
def test_a_model_or_report_given_as_a_url_is_refused_not_written_beside(tmp_path, run, monkeypatch, command):  # noqa: F811
    """`-o s3://bucket/m.skops` (or `--report s3://...`) was read as a local path: the model went to a folder named
    's3:' under the current directory and the run said 'wrote s3:/bucket/m.skops', exit 0, as if uploaded."""
    monkeypatch.chdir(tmp_path)
    name, option, url = command
    result = run(name, EXAMPLES / "labels.csv", "--pages", PAGES, option, url)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert url in result.stderr and "local" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_empty_report_directory_is_refused(tmp_path, run, monkeypatch):  # noqa: F811
    """`--report "$UNSET"` was the current folder: REPORT.md, metrics.json and the diagrams were written there."""
    monkeypatch.chdir(tmp_path)
    result = run("evaluate", EXAMPLES / "labels.csv", "--pages", PAGES, "--report", "")
    assert result.returncode == 2 and "--report is empty" in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_model_path_naming_a_folder_that_does_not_exist_yet_is_refused(tmp_path, run):  # noqa: F811
    """`-o models/` (a folder, to be created) wrote the model as a file named `models` and said 'wrote models/'."""
    output = f"{tmp_path / 'models'}/"
    result = run("train", EXAMPLES / "labels.csv", "--pages", PAGES, "-o", output, "--cv", "2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"{output} names a folder" in result.stderr and "model.skops" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_many_different_unknown_labels_are_counted_without_naming_each(tmp_path, run):  # noqa: F811
    """A label column of free-text notes named every distinct value in the skipped counts: one line of hundreds
    of kilobytes on stderr (and in the model card and REPORT.md) for a file of some thousand rows."""
    extra = [{"source_url": "https://summitnotes.example.org/2025/03/ten-years-of-mountain-running",
              "target_url": f"https://x.example/{i}", "anchor": "x", "label": f"note {i}: checked"} for i in range(30)]
    labels = _relabelled(tmp_path / "labels.csv", {}, extra=extra)
    result = run("evaluate", labels, "--pages", PAGES)
    assert result.returncode == 0, result.stderr
    skipped = next(line for line in result.stderr.splitlines() if line.startswith("linktriage: skipped"))
    assert "unknown label 'note 0: checked' 1" in skipped and "unknown label 'note 9: checked' 1" in skipped
    assert "note 10:" not in skipped and "unknown label, other values 20" in skipped


def test_with_shipped_without_the_shipped_table_says_so_before_any_work(tmp_path, run, monkeypatch):  # noqa: F811
    """The shipped table lives in the source checkout's models/ folder; where it is missing (an installed copy
    without it), --with-shipped ended, after the labels' pages were analysed, with 'linktriage: error: None: None'."""
    from linktriage import learn

    monkeypatch.setattr(learn, "SHIPPED_TABLE_PATH", tmp_path / "missing" / "training-table.parquet")
    missing_labels = tmp_path / "not-read.csv"  # the table is checked first: the labels are never read
    result = run("train", missing_labels, "--pages", PAGES, "-o", tmp_path / "m.skops", "--with-shipped")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "--with-shipped" in result.stderr and "training-table.parquet" in result.stderr
    assert "None" not in result.stderr


def test_evaluate_model_takes_its_report_directory_as_a_path(tmp_path):
    from linktriage.pipeline import evaluate_model

    evaluate_model([str(EXAMPLES / "labels.csv")], pages=[str(PAGES)], report=tmp_path / "eval")
    assert (tmp_path / "eval" / "REPORT.md").is_file()


def test_labels_without_any_target_say_which_column_to_add(tmp_path, run):  # noqa: F811
    labels = tmp_path / "labels.csv"
    labels.write_text("source_url,label\nhttps://a.example/post,editorial\nhttps://b.example/post,spam\n")
    for command in (["train", labels, "-o", tmp_path / "m.skops"], ["evaluate", labels]):
        result = run(*command, "--pages", PAGES)
        assert result.returncode == 2 and "add a `target_url` column" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_long_unknown_label_is_named_by_its_start(tmp_path, run):  # noqa: F811
    """Ten notes of 5 KB each still made a 50 KB line (and a 50 KB REPORT.md): the count of values was capped,
    not their length."""
    extra = [{"source_url": "https://summitnotes.example.org/2025/03/ten-years-of-mountain-running",
              "target_url": f"https://x.example/{i}", "anchor": "x", "label": f"note {i} " + "very long " * 500}
             for i in range(12)]
    labels = _relabelled(tmp_path / "labels.csv", {}, extra=extra)
    result = run("evaluate", labels, "--pages", PAGES)
    assert result.returncode == 0, result.stderr
    skipped = next(line for line in result.stderr.splitlines() if line.startswith("linktriage: skipped"))
    assert len(skipped) < 1_000 and "unknown label 'note 0 very long very long very long ve…' 1" in skipped
