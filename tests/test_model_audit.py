"""Audit of model files, training and evaluation: what a user met, and what happens now."""

from __future__ import annotations

import copy
import json
import os
import re
import zipfile

import numpy as np
import pytest

from linktriage import ModelError
from linktriage.model import load_model, save_model

from conftest import EXAMPLES
from test_cli import run  # noqa: F401 - the CLI-in-process fixture
from test_input_robustness import _relabelled
from test_model import fitted, synthetic_table  # noqa: F401 - the fixture, shared

PAGES = EXAMPLES / "pages.warc.gz"


def _rewrite_schema(path, old: str, new: str) -> None:
    """Edit a skops file's schema as someone handing out model files could."""
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    schema, count = re.subn(old.encode(), new.encode(), entries["schema.json"])
    assert count, old
    entries["schema.json"] = schema
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)


def test_saved_models_are_compressed_and_predict_the_same(fitted, tmp_path):  # noqa: F811
    """skops writes an uncompressed zip by default: 6 labelled links made a 33 MB model (each of its thousands of
    trees an entry, all named in a JSON schema). Now the entries are deflated: the example's model is ~5 MB."""
    model, X, _ = fitted
    path = tmp_path / "model.skops"
    save_model(model, path)
    with zipfile.ZipFile(path) as saved:
        infos = saved.infolist()
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert os.path.getsize(path) < 0.5 * sum(info.file_size for info in infos)
    assert np.allclose(load_model(path).predict_proba(X), model.predict_proba(X))


def test_a_model_file_naming_a_function_through_a_scikit_learn_module_is_refused(fitted, tmp_path):  # noqa: F811
    """Any name starting with "sklearn." was trusted, but a scikit-learn module also holds what it imports:
    `sklearn.datasets._rcv1.remove` is os.remove. Such a file loaded, and scoring called the function on the
    features. Only classes scikit-learn defines are trusted now."""
    import skops.io as sio
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    hostile = copy.deepcopy(fitted[0])
    hostile.model_ = make_pipeline(FunctionTransformer(func=os.remove), fitted[0].model_)
    path = tmp_path / "hostile.skops"
    sio.dump(hostile, path)
    _rewrite_schema(path, r'("__class__": "remove",\s*"__module__": )"posix"', r'\1"sklearn.datasets._rcv1"')
    with pytest.raises(ModelError, match=r"refusing to load unexpected types \['sklearn.datasets._rcv1.remove'\]"):
        load_model(path)


def test_labels_spelled_with_spaces_hyphens_or_as_plurals_are_the_labels(tmp_path, run):  # noqa: F811
    """'Guest Post', 'guest-post', 'Link Farm' and 'Directories' were unknown labels: those rows were skipped, so a
    labels file typed the way people write the classes lost them. Words that are not a label stay unknown."""
    labels = _relabelled(tmp_path / "labels.csv", {"guest_post": "Guest Post", "directory": "Directories",
                                                   "link_farm": "link-farm", "editorial": " Editorial "},
                         extra=[{"source_url": "http://link-partners.example.biz/links.html",
                                 "target_url": "https://www.alpinetrailco.com/", "anchor": "x", "label": "PBN"}])
    result = run("evaluate", labels, "--pages", PAGES)
    assert result.returncode == 0, result.stderr
    assert "skipped unknown label 'PBN' 1" in result.stderr
    assert result.stderr.count("unknown label") == 1  # the spelled-out labels were all used


def test_a_label_copied_with_invisible_marks_is_the_label():
    """A label copied from a web page or a sheet can carry a zero-width space, a BOM or a direction mark:
    "editorial\u200b" was an unknown label (QA), though URLs had those marks stripped already."""
    from linktriage._records import canonical_label

    assert canonical_label("editorial\u200b") == "editorial"
    assert canonical_label("\ufeffGuest Post\u200e") == "guest_post"
    assert canonical_label("\u2060 link farms\u00a0") == "link_farm"
    assert canonical_label("PB\u200bN") == "pb\u200bn"  # inside a word it is kept: not a label, shown as given


def test_a_model_using_features_this_version_does_not_compute_is_refused_at_load(fitted, tmp_path):  # noqa: F811
    """A model of another linktriage version (a feature renamed or removed since) loaded, then every `score` failed
    at its first page, after the archive was read, and `serve --model` started and failed each request. Now
    load_model refuses it; a model using only some of today's features (an older version's) still loads."""
    model, X, y = fitted
    renamed = copy.deepcopy(model)
    names = list(renamed.feature_names_in_)
    names[3] = "some_old_feature"
    renamed.feature_names_in_ = np.asarray(names, dtype=object)
    save_model(renamed, tmp_path / "renamed.skops")
    with pytest.raises(ModelError, match=r"does not compute \(some_old_feature\).*retrain it with `linktriage train`"):
        load_model(tmp_path / "renamed.skops")
    damaged = copy.deepcopy(model)
    damaged.feature_names_in_ = damaged.feature_names_in_[:-1]
    save_model(damaged, tmp_path / "damaged.skops")
    fitted_on = len(model.feature_names_in_)
    with pytest.raises(ModelError, match=f"names {fitted_on - 1} features but was fitted on {fitted_on}"):
        load_model(tmp_path / "damaged.skops")
    cut = copy.deepcopy(model)  # the reasons' reference row: an IndexError at the first scored row
    cut.reference_ = cut.reference_[:2]
    save_model(cut, tmp_path / "cut.skops")
    with pytest.raises(ModelError, match=f"reference row for its reasons does not match its {fitted_on} features"):
        load_model(tmp_path / "cut.skops")
    from linktriage.model import LinkClassifier

    _, _, groups = synthetic_table()
    older = LinkClassifier(max_iter=5, cv=2).fit(X.drop(columns=[X.columns[-1]]), y, groups=groups)
    save_model(older, tmp_path / "older.skops")
    assert load_model(tmp_path / "older.skops").predict_proba(X).shape == (len(X), 5)


@pytest.mark.parametrize("given, message", [
    ("https://example.com/m.skops", "https://example.com/m.skops: models are read from a local file"),
    ("s3://bucket/m.skops", "s3://bucket/m.skops: models are read from a local file"),
    ("{tmp}", "is a folder: give the model file in it, e.g. {tmp}/mine.skops"),
    ("{tmp}/empty", "is a folder: give a model file written by `linktriage train`"),
    # (an unset variable, --model "$MODEL"): as a path it was ".", "is a folder"; the shipped model is never meant
    ("", "the model path is empty: give a model file, or none at all for the shipped model"),
])
def test_a_model_given_as_a_url_or_a_folder_says_so(tmp_path, run, given, message):  # noqa: F811
    """`--model https://host/m.skops` said 'no model file at https:/host/m.skops' (pathlib had eaten a slash), and
    `--model models/` said there was no model file at that folder."""
    (tmp_path / "mine.skops").write_bytes(b"")
    (tmp_path / "empty").mkdir()
    result = run("evaluate", EXAMPLES / "labels.csv", "--pages", PAGES, "--model", given.format(tmp=tmp_path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert message.format(tmp=tmp_path) in result.stderr


def test_evaluate_shows_undefined_precision_and_recall_as_not_available(tmp_path, run):  # noqa: F811
    """Labels with no link_farm row printed and reported 'link_farm 0.000 0.000 0.000 0': read as a model that
    misses every link farm. Recall and F1 of a label no link has, and precision of a label never predicted, are
    'n/a' now, and null in metrics.json (it wrote 0.0 there)."""
    labels = _relabelled(tmp_path / "labels.csv", {"link_farm": ""})
    result = run("evaluate", labels, "--pages", PAGES, "--report", tmp_path / "eval")
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "eval" / "REPORT.md").read_text()
    assert "| link_farm | n/a | n/a | n/a | 0 |" in report
    assert "| spam | 1.000 | 1.000 | 1.000 | 2 |" in report
    assert re.search(r"link_farm\s*│\s*n/a\s*│\s*n/a\s*│\s*n/a\s*│\s*0", result.stdout), result.stdout
    written = json.loads((tmp_path / "eval" / "metrics.json").read_text())["real pages"]
    assert (written["precision"]["link_farm"], written["recall"]["link_farm"], written["f1"]["link_farm"]) == (
        None, None, None)
    assert written["recall"]["spam"] == 1.0


def test_evaluate_into_an_old_report_folder_leaves_only_this_reports_diagrams(tmp_path, run):  # noqa: F811
    """A report folder used again kept the diagrams of sections the new REPORT.md no longer has. Now only this
    report's diagrams are left, and files that are not linktriage diagrams are not touched."""
    folder = tmp_path / "eval"
    folder.mkdir()
    (folder / "reliability-generated-pages-of-an-older-run.png").write_bytes(b"old")
    (folder / "notes.txt").write_text("mine")
    result = run("evaluate", EXAMPLES / "labels.csv", "--pages", PAGES, "--report", folder)
    assert result.returncode == 0, result.stderr
    shown = set(re.findall(r"\((reliability-[^)]+\.png)\)", (folder / "REPORT.md").read_text()))
    assert shown and {path.name for path in folder.glob("reliability-*.png")} == shown
    assert (folder / "notes.txt").read_text() == "mine"


def test_the_python_api_evaluates_a_model_as_the_cli_does(tmp_path):
    """`linktriage.evaluate` did not exist (AttributeError): a notebook could train a model but not measure it
    without the CLI. It takes files or a table, a model object or file, and reports the skipped rows."""
    import pandas as pd

    import linktriage

    frame = pd.read_csv(EXAMPLES / "labels.csv")
    frame.loc[0, "label"] = "PBN"
    result = linktriage.evaluate(frame, pages=PAGES, report=tmp_path / "eval")
    assert result.metrics["real pages"].n == 5 and result.skipped == {"unknown label 'PBN'": 1}
    assert result.report == tmp_path / "eval" / "REPORT.md"
    assert ") on (a DataFrame of 6 rows given to linktriage.evaluate)" in result.report.read_text()
    linktriage.evaluate(frame, pages=PAGES, report=tmp_path / "eval", model=linktriage.load_model())
    assert "Model `(a model given to linktriage.evaluate)`" in result.report.read_text()
    model = linktriage.load_model()
    same = linktriage.evaluate(EXAMPLES / "labels.csv", pages=PAGES, model=model)
    assert same.metrics["real pages"].n == 6 and same.skipped == {} and same.report is None
    with pytest.raises(linktriage.InputError, match="model must be a model file's path or a LinkClassifier"):
        linktriage.evaluate(EXAMPLES / "labels.csv", pages=PAGES, model=3)


def test_the_same_training_gives_the_same_model_file(tmp_path):
    """`--seed` promises 'same data + seed = same model', but two runs wrote different bytes (skops names entries
    by memory address and stamps the time): a checksum could not tell whether a model had changed."""
    from linktriage.model import LinkClassifier

    X, y, groups = synthetic_table(n_per_label=8)
    for name in ("first.skops", "second.skops"):
        save_model(LinkClassifier(max_iter=10, cv=2).fit(X, y, groups=groups), tmp_path / name, card={"seed": 0})
    assert (tmp_path / "first.skops").read_bytes() == (tmp_path / "second.skops").read_bytes()
    loaded = load_model(tmp_path / "first.skops")
    assert np.allclose(loaded.predict_proba(X), LinkClassifier(max_iter=10, cv=2).fit(X, y, groups=groups).predict_proba(X))


def test_a_link_labelled_twice_alike_counts_once(tmp_path, run):  # noqa: F811
    """Two label files that overlap (or a pasted row): the same link with the same label was evaluated (and
    trained on) twice, so `evaluate` said 8 links for 6 and weighed those twice. Now the repeats are skipped and
    counted; the anchor's case and spaces do not make another link."""
    import csv

    with open(EXAMPLES / "labels.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    repeat = {**rows[3], "anchor": "  VISIT website "}
    labels = _relabelled(tmp_path / "labels.csv", {}, extra=[rows[0], repeat])
    result = run("evaluate", labels, "--pages", PAGES)
    assert result.returncode == 0, result.stderr
    assert "real pages: 6 links" in result.stdout
    assert "same link labelled in an earlier row 2" in result.stderr


def test_the_python_train_says_which_labelled_links_it_skipped(tmp_path):
    """`linktriage train` prints the rows it skipped (unknown labels, missing pages); `linktriage.train` returned the
    model silently, so a notebook never learned that a misspelled label had been left out."""
    import pandas as pd

    import linktriage

    frame = pd.read_csv(EXAMPLES / "labels.csv")
    frame.loc[len(frame)] = [frame.source_url[0], "https://www.alpinetrailco.com/other", "other", "PBN"]
    with pytest.warns(UserWarning, match=r"used 6 labelled links and skipped 1: unknown label 'PBN' 1"):
        model = linktriage.train(frame, pages=PAGES, cv=2)
    assert model.card_["skipped"] == {"unknown label 'PBN'": 1}


def test_skipped_links_say_why_in_words_not_status_names(tmp_path):
    """A page not in --pages was counted as "link not usable: not_fetched", a link not on its page as "link not
    usable: missing": read beside each other, "missing" looked like the missing pages."""
    import pandas as pd

    import linktriage

    frame = pd.read_csv(EXAMPLES / "labels.csv")
    frame.loc[len(frame)] = ["https://not-archived.example/post", "https://www.alpinetrailco.com/", "x", "spam"]
    frame.loc[len(frame)] = [frame.source_url[0], "https://www.alpinetrailco.com/not-linked", "x", "spam"]
    with pytest.warns(UserWarning):
        model = linktriage.train(frame, pages=PAGES, cv=2)
    assert model.card_["skipped"] == {"page not in --pages": 1, "link not found on its page": 1}


def test_evaluating_a_model_trained_without_some_labels_says_it_never_predicts_them(tmp_path, run):  # noqa: F811
    """A model trained on two labels, evaluated on links of all five, showed recall 0 for the other three and
    nothing more: read as a model that misses them, not one that cannot name them at all."""
    from linktriage.model import LinkClassifier

    X, y, groups = synthetic_table(n_per_label=8)
    two = np.isin(y, ["editorial", "spam"])
    save_model(LinkClassifier(max_iter=10, cv=2).fit(X[two], y[two], groups=groups[two]), tmp_path / "two.skops")
    result = run("evaluate", EXAMPLES / "labels.csv", "--pages", PAGES, "--model", tmp_path / "two.skops",
                 "--report", tmp_path / "eval")
    assert result.returncode == 0, result.stderr
    said = "trained without guest_post, directory, link_farm links and never predicts those labels"
    assert f"linktriage: warning: The model was {said}" in result.stderr
    assert said in (tmp_path / "eval" / "REPORT.md").read_text()


@pytest.mark.parametrize("header, hint", [("Labels", "labels"), ("Link Type", "link_type"), ("Category", "category")])
def test_a_label_column_under_another_name_is_pointed_at(tmp_path, run, header, hint):  # noqa: F811
    """A labels file whose column is 'Labels', 'Link Type' or 'Category' was told to 'add' a label column it
    seemed to have. The message now names the column to rename."""
    text = (EXAMPLES / "labels.csv").read_text(encoding="utf-8")
    labels = tmp_path / "labels.csv"
    labels.write_text(text.replace(",label\n", f",{header}\n", 1), encoding="utf-8")
    result = run("train", labels, "--pages", PAGES, "-o", tmp_path / "m.skops", "--cv", "2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"no `label` column with values (is it the `{hint}` column? rename it to label)" in result.stderr


def test_a_column_of_other_values_is_not_pointed_at_as_the_labels(tmp_path, run):  # noqa: F811
    """Ahrefs' "Link type" holds Dofollow / Nofollow: "is it the `link_type` column? rename it to label" sent the
    user to rename a column of something else (QA). Only a column whose values are labels is named."""
    rows = (EXAMPLES / "labels.csv").read_text(encoding="utf-8").splitlines()
    labels = tmp_path / "labels.csv"
    labels.write_text("\n".join([rows[0].replace(",label", ",Link Type")]
                                 + [row.rsplit(",", 1)[0] + ",Dofollow" for row in rows[1:]]) + "\n", encoding="utf-8")
    result = run("train", labels, "--pages", PAGES, "-o", tmp_path / "m.skops", "--cv", "2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "no `label` column with values; add one" in result.stderr


def test_training_with_the_shipped_labels_says_how_many_links_were_yours(tmp_path, run, monkeypatch):  # noqa: F811
    """`train --with-shipped` on 6 labelled links said 'trained on 24353 links': the user could not tell whether
    their links had been used at all. It now says 6 of theirs and how many shipped ones, as the card does."""
    import pandas as pd

    from linktriage import learn

    sample = pd.read_parquet(learn.SHIPPED_TABLE_PATH).groupby("label").sample(20, random_state=0)
    sample.reset_index(drop=True).to_parquet(tmp_path / "shipped.parquet")
    monkeypatch.setattr(learn, "SHIPPED_TABLE_PATH", tmp_path / "shipped.parquet")
    result = run("train", EXAMPLES / "labels.csv", "--pages", PAGES, "-o", tmp_path / "m.skops", "--cv", "2",
                 "--with-shipped")
    assert result.returncode == 0, result.stderr
    assert "trained on 6 of your links and 100 shipped ones" in result.stderr
    card = load_model(tmp_path / "m.skops").card_
    assert (card["n_links"], card["n_own_links"]) == (106, 6)


def test_rows_skipped_for_an_unknown_label_are_followed_by_the_labels(tmp_path, run):  # noqa: F811
    """'skipped unknown label 'dir' 1' said what was left out, not what it should have been."""
    labels = _relabelled(tmp_path / "labels.csv", {"directory": "dir"})
    result = run("evaluate", labels, "--pages", PAGES)
    assert result.returncode == 0, result.stderr
    assert ("skipped unknown label 'dir' 1; the labels are editorial, guest_post, directory, spam, link_farm "
            "(case, spaces, hyphens and plurals do not matter)") in result.stderr
    result = run("evaluate", EXAMPLES / "labels.csv", "--pages", PAGES)
    assert "the labels are" not in result.stderr


def test_a_pickle_renamed_skops_is_named_as_a_pickle_and_never_unpickled(fitted, tmp_path):  # noqa: F811
    """A model pickled or joblib-dumped (the usual scikit-learn way) and named .skops was 'not a linktriage model
    file (BadZipFile: File is not a zip file)'; an empty file said the same. Now each says what it is."""
    import pickle

    import joblib

    pickle.dump(fitted[0], open(tmp_path / "pickled.skops", "wb"))
    joblib.dump(fitted[0], tmp_path / "joblib.skops")
    for name in ("pickled.skops", "joblib.skops"):
        with pytest.raises(ModelError, match="a pickle or joblib file, not a skops model file"):
            load_model(tmp_path / name)
    (tmp_path / "empty.skops").write_bytes(b"")
    with pytest.raises(ModelError, match="the file is empty"):
        load_model(tmp_path / "empty.skops")


def test_a_report_folder_that_cannot_be_written_is_refused_before_the_evaluation(tmp_path, run, monkeypatch):  # noqa: F811
    """An existing --report folder without write permission failed when REPORT.md was written, after every page
    was analysed, and the metrics were never printed. Refused first now (as root, permissions are simulated)."""
    import linktriage.pipeline as pipeline

    folder = tmp_path / "shared-eval"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(pipeline.os, "access", lambda p, mode: False if os.fspath(p) == str(folder) else real_access(p, mode))
    analysed = []
    monkeypatch.setattr(pipeline, "_labelled_table", lambda *a, **k: analysed.append(a) or 1 / 0)
    result = run("evaluate", EXAMPLES / "labels.csv", "--pages", PAGES, "--report", folder)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"--report {folder}: no permission to write in this directory" in result.stderr
    assert not analysed


def test_a_loaded_model_edited_by_its_caller_leaves_the_next_load_as_the_file_is():
    """load_model handed every caller the one cached object: a caller that edited its card or refit it changed
    what every later load_model (and every default score) got."""
    first = load_model()
    first.card_["note"] = "edited by a caller"
    first.reference_[:] = 0.0
    again = load_model()
    assert "note" not in again.card_ and again.reference_.any()


def test_a_report_names_the_model_it_measured_by_its_card_and_digest(tmp_path):
    """REPORT.md named a model by its path alone ("shipped", "my-model.skops"): two trainings saved at one path, or
    the shipped models of two linktriage versions, gave reports that could not be told apart."""
    import hashlib

    import linktriage

    model = tmp_path / "m.skops"
    trained = linktriage.train(EXAMPLES / "labels.csv", pages=PAGES, cv=2)
    for note in ("first", "second"):  # two models saved at one path: each report names its own file's digest
        trained.card_["note"] = note
        trained.save(model)
        result = linktriage.evaluate(EXAMPLES / "labels.csv", pages=PAGES, model=model, report=tmp_path / "eval")
        digest = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
        intro = result.report.read_text().splitlines()[2]
        assert intro.startswith(f"Model `{model}` (linktriage {linktriage.__version__}, trained ")
        assert f"sha256 {digest})" in intro
    shipped = linktriage.evaluate(EXAMPLES / "labels.csv", pages=PAGES, report=tmp_path / "shipped").report
    card = linktriage.load_model().card_
    assert (f"Model `shipped` (linktriage {card['linktriage_version']}, trained {card['trained']}, design "
            f"{card['design']}, {card['n_links']} training links, sha256 ") in shipped.read_text()
