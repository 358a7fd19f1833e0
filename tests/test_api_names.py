"""linktriage.train / evaluate on a table: what the user keeps names the table, never the temporary CSV it was read
through (gone once the call returns): the model card, REPORT.md, metrics.json, the warnings."""

from __future__ import annotations

import json
import re
import tempfile
import warnings
import zipfile

import pandas as pd
import pytest
from conftest import EXAMPLES

import linktriage
from linktriage.pipeline import model_info

PAGES = EXAMPLES / "pages.warc.gz"


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """The folder temporary files go to during the test, so that the test knows the path none may name."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return str(folder)


def assert_unnamed(text: str, scratch: str) -> None:
    """No trace of the temporary CSV (/tmp/linktriage-*/links.csv) in ``text``; a failure shows where."""
    for trace in (scratch, "linktriage-", "links.csv"):
        at = text.find(trace)
        assert at < 0, text[max(0, at - 100):at + 100]


@pytest.mark.slow  # skops takes ~20 s to write the model and read it back
def test_a_model_trained_on_a_dataframe_names_it(tmp_path, scratch):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = linktriage.train(pd.read_csv(EXAMPLES / "labels.csv"), pages=PAGES, cv=2)
    assert caught and all(scratch not in str(w.message) for w in caught)  # (at least: "only 6 usable ...")
    model.save(tmp_path / "mine.skops")
    with zipfile.ZipFile(tmp_path / "mine.skops") as saved:  # nothing in the file names the temporary CSV
        assert_unnamed("".join(saved.read(name).decode("utf-8", "replace") for name in saved.namelist()), scratch)
    card = model_info(str(tmp_path / "mine.skops"))  # as `linktriage info` shows it
    assert card["trained_from"] == ["(a DataFrame of 6 rows given to linktriage.train)"]


def test_an_evaluation_of_dicts_names_them_and_of_a_file_names_the_file(tmp_path, scratch):
    links = pd.read_csv(EXAMPLES / "labels.csv").to_dict("records")
    links[0]["label"] = "PBN"  # one skipped row: its reason goes into the report and a warning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = linktriage.evaluate(links, pages=PAGES, report=tmp_path / "eval")
    assert all(scratch not in str(w.message) for w in caught)
    report = result.report.read_text(encoding="utf-8")
    for written in (report, (tmp_path / "eval" / "metrics.json").read_text(encoding="utf-8"), repr(result)):
        assert_unnamed(written, scratch)
    assert re.search(r"Model `shipped` \(linktriage [^)]*sha256 [0-9a-f]{16}\) on \(a list of 6 rows given to "
                     r"linktriage.evaluate\): 5 links judged", report)
    assert "unknown label 'PBN': 1" in report
    json.loads((tmp_path / "eval" / "metrics.json").read_text(encoding="utf-8"))

    linktriage.evaluate(EXAMPLES / "labels.csv", pages=PAGES, report=tmp_path / "file")  # a file: named as given
    assert f") on {EXAMPLES / 'labels.csv'}: 6 links" in (tmp_path / "file" / "REPORT.md").read_text()


def test_tables_are_named_by_kind_and_rows_and_files_as_given():
    from linktriage.api import _as_files

    for value, name in (([{"source_url": "https://a.example/"}], "(a list of 1 row given to linktriage.evaluate)"),
                        (pd.DataFrame({"source_url": ["https://a.example/"] * 3}),
                         "(a DataFrame of 3 rows given to linktriage.evaluate)"),
                        ([EXAMPLES / "labels.csv"], str(EXAMPLES / "labels.csv"))):
        files = _as_files(value, given_to="linktriage.evaluate")
        with files:
            assert files.names == [name]
