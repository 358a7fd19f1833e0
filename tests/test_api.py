"""The Python API: linktriage.score / train / load_model give the CLI's rows, from files, DataFrames or dicts."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pandas as pd
import pytest
from conftest import EXAMPLES

import linktriage
from linktriage import LABELS, OUTPUT_COLUMNS, InputError
from linktriage.sources.warc import WarcArchive

CLI = [sys.executable, "-c", "from linktriage.cli import main; main()"]
EXPORT = EXAMPLES / "backlinks.csv"
PAGES = EXAMPLES / "pages.warc.gz"


@pytest.fixture(scope="module")
def cli_rows(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("cli") / "scored.csv"
    result = subprocess.run([*CLI, "score", EXPORT, "--pages", PAGES, "--offline", "-o", out],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with open(out, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    return linktriage.score(EXPORT, pages=[PAGES])


def as_cli_cells(frame: pd.DataFrame, columns) -> list[dict]:
    """DataFrame rows as the CLI's CSV writes them (empty for missing, true/false, numbers as Python prints them)."""
    def cell(value):
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    values = frame[list(columns)].astype(object).itertuples(index=False)
    return [{c: cell(v) for c, v in zip(columns, row)} for row in values]


def example_dicts() -> list[dict]:
    archive = WarcArchive([str(PAGES)])
    with open(EXPORT, newline="", encoding="utf-8") as stream:
        links = [{"source_url": r["source_url"], "target_url": r["target_url"], "anchor": r["anchor"]}
                 for r in csv.DictReader(stream)]
    for link in links:
        page = archive.get(link["source_url"])
        if page is not None and page.status == "ok":
            link["html"] = page.body  # bytes, as archived
    return links


def test_score_columns_and_types(scored):
    assert list(scored.columns) == [*OUTPUT_COLUMNS, "export_domain_rating", "export_url_rating"]
    assert len(scored) == 8
    assert str(scored["http_status"].dtype) == "Int64" and str(scored["toxic"].dtype) == "boolean"
    judged = scored[scored["label"].notna()]
    assert set(judged["label"]) <= set(LABELS) and len(judged) == 6
    assert judged[[f"p_{label}" for label in LABELS]].sum(axis=1).round(3).eq(1).all()
    assert scored["link_status"].tolist()[-2:] == ["missing", "not_fetched"]


def test_score_gives_the_cli_rows(scored, cli_rows):
    columns = list(cli_rows[0])
    assert list(scored.columns) == columns
    assert as_cli_cells(scored, columns) == cli_rows


def test_dataframe_and_dicts_give_the_same_rows_as_the_file(scored):
    frame = pd.read_csv(EXPORT)
    from_frame = linktriage.score(frame, pages=PAGES)
    pd.testing.assert_frame_equal(from_frame, scored)
    from_dicts = linktriage.score(frame.to_dict("records"), pages=[str(PAGES)])
    pd.testing.assert_frame_equal(from_dicts, scored)


def test_inline_html_is_judged_without_archives(scored):
    links = example_dicts()
    assert sum("html" in link for link in links) == 7
    inline = linktriage.score(links)  # no pages: every page but the last comes inline
    expected = scored[list(OUTPUT_COLUMNS)].copy()
    # the last page is in neither: without archives, its reason does not speak of them
    assert expected.loc[7, "reasons"] == "not in the archives, and fetching is off"
    expected.loc[7, "reasons"] = "no page given for it (no html, no --pages archive), and fetching is off"
    pd.testing.assert_frame_equal(inline, expected)
    text = [{**link, "html": link["html"].decode("utf-8")} if "html" in link else link for link in links]
    pd.testing.assert_frame_equal(linktriage.score(text), inline)


def test_rows_in_rows_out_for_bad_links():
    frame = linktriage.score([{"source_url": "not a url"}, {"source_url": "https://a.example/x"},
                              {"source_url": "ftp://a.example/"}])
    assert frame["link_status"].tolist() == ["error", "error", "error"]
    assert frame["reasons"][0] == "not a URL (contains spaces)"
    assert frame["reasons"][1].startswith("empty target URL")  # a dict naming no target


@pytest.mark.parametrize("as_frame", [False, True])
def test_rows_without_any_value_come_back_as_error_rows(as_frame):
    """A CSV reader skips blank lines; a caller lining results up with its own rows needs one result per row."""
    rows = [{"source_url": "https://a.example/x", "target_url": "https://t.example/"},
            {"source_url": None, "target_url": None}, {"source_url": "", "target_url": "  "},
            {"source_url": "https://b.example/y", "target_url": "https://t.example/"}]
    frame = linktriage.score(pd.DataFrame(rows) if as_frame else rows, offline=True)
    assert frame["source_url"].tolist() == ["https://a.example/x", "", "", "https://b.example/y"]
    assert frame["link_status"].tolist() == ["not_fetched", "error", "error", "not_fetched"]
    assert frame["reasons"].tolist()[1:3] == ["empty source URL"] * 2  # was "not a URL (contains spaces)"


def test_html_with_lone_surrogates_is_read(scored):
    html = '<p>caf\ud800 <a href="https://t.example/">shop</a></p>'  # what a lenient JSON decoder can hand over
    frame = linktriage.score([{"source_url": "https://a.example/x", "target_url": "https://t.example/", "html": html}])
    assert frame["link_status"].tolist() == ["live"]


@pytest.mark.parametrize("as_frame", [False, True])
def test_urls_given_as_bytes_are_read_as_utf8_and_html_bytes_keep_their_charset(scored, as_frame):
    """URLs read from a database as bytes came back as the text "b'https://..." with an error status."""
    html = '<meta charset="windows-1252"><p>Café <a href="https://t.example/">the shop</a></p>'.encode("cp1252")
    rows = [{"source_url": "https://a.example/é".encode(), "target_url": bytearray(b"https://t.example/"),
             "html": html}]
    frame = linktriage.score(pd.DataFrame(rows) if as_frame else rows)
    assert frame["source_url"].tolist() == ["https://a.example/é"]
    assert frame["target_url"].tolist() == ["https://t.example/"]
    assert frame["link_status"].tolist() == ["live"] and frame["anchor"].tolist() == ["the shop"]


def test_empty_input_gives_an_empty_frame():
    frame = linktriage.score([])
    assert list(frame.columns) == list(OUTPUT_COLUMNS) and frame.empty


def test_model_argument_accepts_a_path_or_a_model(scored):
    from linktriage.model import DEFAULT_MODEL_PATH

    pd.testing.assert_frame_equal(linktriage.score(EXPORT, pages=PAGES, model=str(DEFAULT_MODEL_PATH)), scored)
    pd.testing.assert_frame_equal(linktriage.score(EXPORT, pages=PAGES, model=linktriage.load_model()), scored)


def test_options_reach_the_pipeline(scored):
    flagged = linktriage.score(EXPORT, pages=PAGES, toxic_threshold=0.0)
    judged = flagged["label"].notna()
    assert flagged.loc[judged, "toxic"].tolist() == flagged.loc[judged, "label"].isin(["spam", "link_farm"]).tolist()
    with_niche = linktriage.score(EXPORT, pages=PAGES, niche="trail running shoes")
    assert with_niche.loc[judged, "relevance"].between(0, 1).all() and scored["relevance"].isna().all()


@pytest.mark.parametrize("call, message", [
    (lambda: linktriage.score(EXPORT, colour="blue"), "unknown option(s) colour"),
    (lambda: linktriage.score(42), "links must be"),
    (lambda: linktriage.score({"source_url": "https://a.example/"}), "links must be"),
    (lambda: linktriage.score(["https://a.example/", 3]), "links[0] is a str"),
    (lambda: linktriage.score(pd.DataFrame({"name": ["x"], "colour": ["blue"]})), "links"),
    (lambda: linktriage.score([{"source_url": "https://a.example/", "html": "<p>1</p>"},
                               {"source_url": "https://a.example/", "html": "<p>2</p>"}]), "two different html"),
    (lambda: linktriage.score(EXPORT, model=3), "model must be"),
    (lambda: linktriage.score(EXPORT, niche=5), "niche must be text, got int"),
    (lambda: linktriage.score([{"source_url": "https://a.example/", "html": 5}]), "html of row 0 has type int"),
])
def test_bad_arguments_raise_input_error_in_one_line(call, message):
    with pytest.raises(InputError) as caught:
        call()
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert "linktriage-" not in str(caught.value)  # no temporary file names


def test_import_stays_light():
    code = ("import sys, linktriage; "
            "heavy = [m for m in ('pandas', 'fastapi', 'torch', 'sklearn') if m in sys.modules]; print(heavy); assert callable(linktriage.score) and callable(linktriage.train)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    """The example labels: six links on five sites, every label."""
    return pd.read_csv(EXAMPLES / "labels.csv")


@pytest.mark.slow  # ~45 s on a busy machine: skops takes ~25 s to write the model and ~10 s to read it back
def test_train_save_load_round_trip(labelled, tmp_path):
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime, so that the limit below applies to it)
    from threadpoolctl import threadpool_limits

    # One OpenMP thread: on six links, gradient boosting's threads only spin, and on a busy machine they make the
    # fit and the predictions 40 times slower (200 s instead of 5 s).
    with threadpool_limits(1):
        model = linktriage.train(labelled.to_dict("records"), pages=PAGES, cv=2)
        assert model.card_["n_links"] == 6 and model.card_["n_sites"] == 5
        path = tmp_path / "mine.skops"
        model.save(path)
        loaded = linktriage.load_model(path)
        assert loaded.card_["n_links"] == 6
        mine = linktriage.score(EXPORT, pages=PAGES, model=path)
        pd.testing.assert_frame_equal(mine, linktriage.score(EXPORT, pages=PAGES, model=model))
    probabilities = mine[[f"p_{label}" for label in LABELS]].dropna()
    assert len(probabilities) == 6 and probabilities.sum(axis=1).round(3).eq(1).all()


def test_labelled_tables_are_read_like_the_labelled_file(labelled):
    from dataclasses import replace

    from linktriage.api import _as_files
    from linktriage.ingest import read_exports

    expected = list(read_exports(EXAMPLES / "labels.csv"))
    for table in (labelled, labelled.to_dict("records")):
        with _as_files(table) as paths:
            got = [replace(b, export_file=str(EXAMPLES / "labels.csv")) for b in read_exports(paths)]
        assert got == expected and {b.label for b in got} == set(LABELS)


def test_train_on_one_site_says_what_is_missing(labelled):
    one_site = labelled[labelled["source_url"].str.contains("summitnotes")]
    with pytest.raises(InputError, match="at least 2 sites") as caught:
        linktriage.train(one_site, pages=PAGES)
    # the pages were given: the advice is another site's labels or --with-shipped, not "add --pages"
    assert "add --pages" not in str(caught.value) and "--with-shipped" in str(caught.value)


@pytest.mark.parametrize("options, message", [
    ({"cv": 0}, "cv must be a whole number of folds from 2 to 20, got 0"),
    ({"cv": "2"}, "cv must be a whole number"), ({"cv": 2.5}, "cv must be a whole number"),
    ({"cv": None}, "cv must be a whole number"), ({"seed": -1}, "seed must be a whole number"),
    ({"seed": 2**40}, "seed must be a whole number"),
    # with_shipped="no" was true (training on the whole shipped set), cache=5 a TypeError
    ({"with_shipped": "no"}, "with_shipped must be True or False, got 'no'"),
    ({"offline": "yes"}, "offline must be True or False"), ({"cache": 5}, "cache must be a path as text, got int"),
])
def test_train_arguments_are_checked_before_any_work(labelled, options, message):
    """They were raised from scikit-learn (TypeError, 'number of folds must be of Integral type') or named the
    wrong cause ('needs labelled links from at least 2 sites' for cv=1)."""
    with pytest.raises(InputError, match=re.escape(message)):
        linktriage.train(labelled, pages=PAGES, **options)


@pytest.mark.parametrize("options, message", [
    ({"offline": "no"}, "offline must be True or False, got 'no'"), ({"cache": 5}, "cache must be a path as text"),
])
def test_evaluate_arguments_are_checked_before_any_work(labelled, options, message):
    with pytest.raises(InputError, match=re.escape(message)):
        linktriage.evaluate(labelled, pages=PAGES, **options)


def test_evaluate_reports_rows_marked_generated_apart(labelled):
    """The label file's `generated` column was read as an export column: generated pages counted as real ones and
    the "generated pages" section the docs promise never came."""
    marked = labelled.assign(generated=[("WAHR", "x")[i] if i < 2 else "FALSCH" for i in range(len(labelled))])
    evaluation = linktriage.evaluate(marked, pages=PAGES)
    assert set(evaluation.metrics) == {"real pages", "generated pages"}
    assert evaluation.metrics["generated pages"].n == 2
    assert evaluation.metrics["real pages"].n == len(labelled) - 2
    assert set(linktriage.evaluate(labelled, pages=PAGES).metrics) == {"real pages"}


def test_train_tables_are_named_as_given(labelled):
    with pytest.raises(InputError) as unlabelled:
        linktriage.train(labelled.drop(columns=["label"]), pages=None)  # pages=None: no archives, no TypeError
    assert "labelled links" in str(unlabelled.value) and "linktriage-" not in str(unlabelled.value)


def test_train_takes_pages_inline_as_score_does(labelled):
    """An html column was silently ignored by train (every row not_fetched) while score used it."""
    from linktriage.sources import WarcArchive

    archive = WarcArchive([PAGES])
    inline = labelled.assign(html=[archive.get(url).body.decode("utf-8") for url in labelled["source_url"]])
    with pytest.raises(InputError, match="page not in --pages: 6"):  # without the html, nothing to train on
        linktriage.train(labelled, pages=None)
    model = linktriage.train(inline, pages=None, cv=2)
    assert model.card_["n_links"] == 6 and model.card_["n_sites"] == 5


LINK = [{"source_url": "https://a.example/", "target_url": "https://t.example/",
         "html": "<p>A shop: <a href='https://t.example/'>shop</a></p>"}]


@pytest.mark.parametrize("options, message", [
    ({"chunk_size": 0}, "chunk_size must be a whole number of at least 1, got 0"),  # was: no rows at all
    ({"chunk_size": -1}, "chunk_size must be"), ({"chunk_size": 2.5}, "chunk_size must be"),
    ({"workers": -1}, "workers must be"), ({"workers": "2"}, "workers must be"),
    ({"toxic_threshold": "0.5"}, "toxic_threshold must be a number from 0 to 1, got '0.5'"),
    ({"toxic_threshold": float("nan")}, "toxic_threshold must be"), ({"toxic_threshold": 80}, "toxic_threshold must be"),
    ({"toxic_labels": "spam"}, "toxic_labels must be"), ({"toxic_labels": ["spam", "junk"]}, "labels ['junk']"),
    ({"fetch_settings": {"concurrency": 1}}, "fetch_settings must be a linktriage.sources.fetch.FetchSettings"),
    ({"scheduler": 8786, "engine": "dask"}, "scheduler must be"),
    ({"embedder": 5}, "embedder must be a name as text, got int"), ({"engine": 1}, "engine must be a name"),
    ({"cache": 3}, "cache must be"), ({"archive": 3}, "archive must be"),
    ({"offline": "no"}, "offline must be True or False, got 'no'"),
    ({"pages": 5}, "pages must be"), ({"pages": ["a.warc.gz", None]}, "pages must be"),
])
def test_option_values_are_checked_as_the_cli_checks_them(options, message):
    """Values the CLI's option parser refuses reached the pipeline: chunk_size=0 returned an empty frame for one
    link, the others failed deep in the run (TypeError from islice, ProcessPoolExecutor, a comparison) or were
    taken silently (toxic_labels="spam" as the letters s, p, a, m; offline="no" as offline)."""
    with pytest.raises(InputError) as caught:
        linktriage.score(LINK, **options)
    assert message in str(caught.value) and "\n" not in str(caught.value)


PAGE = "<article><p>Trail shoes that grip on wet rock: <a href='https://t.example/'>a shop</a> sells them.</p></article>"


@pytest.mark.parametrize("links, statuses", [
    ([{}, {}], ["error", "error"]),
    ([{"html": PAGE}], ["error"]),
    (pd.DataFrame(index=range(3)), ["error"] * 3),
])
def test_rows_without_any_column_come_back_as_error_rows(links, statuses):
    """Dicts with no key but html (or none at all) made a table without columns, read as zero rows: rows vanished."""
    frame = linktriage.score(links)
    assert frame["link_status"].tolist() == statuses
    assert frame["source_url"].tolist() == [""] * len(statuses)
    assert frame["reasons"].tolist() == ["empty source URL"] * len(statuses)


@pytest.mark.parametrize("target", [None, "", float("nan")])
def test_a_link_without_a_target_is_an_error_row_not_a_lost_backlink(target):
    frame = linktriage.score([
        {"source_url": "https://blog.example/a", "target_url": target, "html": PAGE},
        {"source_url": "https://blog.example/a", "target_url": "https://t.example/", "html": PAGE}])
    assert frame["link_status"].tolist() == ["error", "live"]
    assert frame["reasons"][0].startswith("empty target URL")


@pytest.mark.parametrize("missing", [pd.NA, pd.NaT, None, float("nan")])
def test_missing_html_in_any_column_type_means_no_page(missing):
    """pd.NA (a nullable string column, as convert_dtypes makes) and NaT were refused as html 'of type NAType'."""
    column = pd.array([PAGE, missing], dtype="string") if missing is pd.NA else [PAGE, missing]
    links = pd.DataFrame({"source_url": ["https://a.example/", "https://b.example/"],
                          "target_url": "https://t.example/", "html": column})
    assert linktriage.score(links)["link_status"].tolist() == ["live", "not_fetched"]


def test_html_column_is_found_whatever_its_case():
    """Other columns are matched case-insensitively; "HTML" was read as an export column (export_html, the pages
    copied into every row) and the pages were not judged."""
    links = pd.DataFrame({"source_url": ["https://a.example/"], "target_url": "https://t.example/", "HTML": [PAGE]})
    frame = linktriage.score(links)
    assert frame["link_status"].tolist() == ["live"] and list(frame.columns) == list(OUTPUT_COLUMNS)
    with pytest.raises(InputError, match=r"2 html columns \('html', 'HTML'\): keep one"):
        linktriage.score(links.assign(html=PAGE)[["source_url", "target_url", "html", "HTML"]])
    with pytest.raises(InputError, match="2 html columns"):  # a DataFrame's frame["html"] would be a DataFrame
        linktriage.score(pd.DataFrame([["https://a.example/", PAGE, PAGE]], columns=["source_url", "html", "html"]))


@pytest.mark.parametrize("as_frame", [False, True])
def test_a_carriage_return_in_a_cell_keeps_its_row(as_frame):
    """A lone "\\r" (old Mac line ends, text pasted from a page) was written unquoted to the table's CSV, which reads
    it as a line break: one row became two, and the inline pages after it went to the wrong links."""
    links = [{"source_url": "https://a.example/", "target_url": "https://t.example/", "anchor": "two\rlines"},
             {"source_url": "https://b.example/", "target_url": "https://t.example/", "html": PAGE}]
    frame = linktriage.score(pd.DataFrame(links) if as_frame else links)
    assert frame["source_url"].tolist() == ["https://a.example/", "https://b.example/"]
    assert frame["link_status"].tolist() == ["not_fetched", "live"]


@pytest.mark.parametrize("as_frame", [False, True])
@pytest.mark.parametrize("odd", ["caf\udce9", "nul\x00byte"])
def test_cells_the_csv_cannot_carry_keep_their_row(as_frame, odd):
    """The table goes through a UTF-8 CSV: a lone surrogate in a DataFrame cell ended in UnicodeEncodeError (dicts
    were already cleaned), and a NUL anywhere made the whole table 'a binary file, not a backlink export'."""
    links = [{"source_url": "https://a.example/", "target_url": "https://t.example/", "anchor": odd},
             {"source_url": "https://b.example/", "target_url": "https://t.example/", "html": PAGE}]
    frame = linktriage.score(pd.DataFrame(links, dtype=object) if as_frame else links)  # object: str cannot hold it
    assert frame["link_status"].tolist() == ["not_fetched", "live"]
    assert frame["anchor"][0] == odd.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def test_errors_found_while_reading_a_table_do_not_name_its_temporary_file():
    """Errors raised once reading had begun (not when the file was opened) named /tmp/linktriage-.../links.csv."""
    with pytest.raises(InputError) as caught:
        linktriage.score([{"source_url": "https://a.example/", "anchor": "x" * 200_000}])
    assert str(caught.value).startswith("links: ") and "linktriage-" not in str(caught.value)


def test_an_unfitted_model_object_is_a_model_error():
    """It reached the first judged link and raised scikit-learn's NotFittedError from deep inside."""
    from linktriage import ModelError
    from linktriage.model import LinkClassifier

    links = [{"source_url": "https://a.example/", "target_url": "https://t.example/", "html": PAGE}]
    with pytest.raises(ModelError, match="not fitted"):
        linktriage.score(links, model=LinkClassifier())


@pytest.mark.parametrize("url, html", [("https://a.example/", 5), ("https://a.example/", None),
                                       ("https://a.example/", [60, 112]), (5, "<p>x</p>")])
def test_inline_page_refuses_what_is_not_a_page(url, html):
    """bytes(html) made 5 into five NUL bytes and a list of ints into a page; None was a TypeError."""
    from linktriage.api import inline_page

    with pytest.raises(InputError, match="inline_page"):
        inline_page(url, html)


def test_an_export_whose_name_starts_with_linktriage_keeps_its_name_in_errors(tmp_path):
    """Errors renamed any path holding "linktriage-" (meant for the temporary CSV a table is written to): a missing
    linktriage-backlinks.csv was reported as "links: no such file"."""
    missing = tmp_path / "linktriage-backlinks.csv"
    with pytest.raises(InputError, match=re.escape(f"{missing}: no such file")):
        linktriage.score(missing)
    with pytest.raises(InputError, match=re.escape(str(missing))):
        linktriage.train(missing, pages=None)


def test_a_table_refused_after_it_was_written_leaves_no_temporary_folder(tmp_path, monkeypatch):
    """Two different html values for one source_url: the InputError left /tmp/linktriage-XXXX (the table's CSV)
    behind for as long as the exception lived (a notebook keeps it), until a ResourceWarning at collection."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    links = [{"source_url": "https://a.example/", "target_url": "https://t.example/", "html": "<p>one</p>"},
             {"source_url": "https://a.example/", "target_url": "https://t.example/", "html": "<p>two</p>"}]
    with pytest.raises(linktriage.InputError) as caught:
        linktriage.score(links)
    assert caught.value is not None and not list(tmp_path.glob("linktriage-*"))


def test_a_table_row_that_repeats_the_column_names_is_a_row_and_pages_stay_with_their_rows():
    """The reader skips a row equal to the header (in a file, a second export pasted on): a table's such row
    vanished, and every later row's inline html was paired with the row before it (judged from the wrong page)."""
    def page(letter: str) -> str:
        return (f"<html><body><article><p>{'A long review of trail shoes. ' * 20}"
                f"<a href='https://shop.example.com/{letter}'>shop {letter}</a></p></article></body></html>")

    rows = [{"source_url": "source_url", "target_url": "target_url", "html": page("a")},
            {"source_url": "https://b.example.org/", "target_url": "https://shop.example.com/b", "html": page("b")}]
    frame = linktriage.score(rows)
    assert frame["source_url"].tolist() == ["source_url", "https://b.example.org/"]
    assert frame["link_status"].tolist() == ["error", "live"] and frame["anchor"][1] == "shop b"
    labelled = [{"source_url": f"https://s{i}.site{i}.org/x", "target_url": f"https://shop.example.com/{i}",
                 "label": "editorial", "html": page(str(i))} for i in range(4)]
    header_like = {"source_url": "source_url", "target_url": "target_url", "label": "label", "html": page("x")}
    assert linktriage.evaluate([header_like, *labelled]).skipped == {"unknown label 'label'": 1}


def test_links_without_rows_give_the_export_columns_too(tmp_path):
    """The CLI's output of an export with a header only has its export_* columns; the API's frame ended at toxic."""
    export = tmp_path / "empty.csv"
    export.write_text("source_url,target_url,anchor,Domain rating\n", encoding="utf-8")
    for links in (str(export), pd.DataFrame({"source_url": [], "target_url": [], "Domain rating": []})):
        frame = linktriage.score(links)
        assert list(frame.columns) == [*OUTPUT_COLUMNS, "export_domain_rating"] and frame.empty


def test_train_alone_warns_of_labels_the_labels_lack():
    """README: "train warns when your labels hold none of one"; it did only with --with-shipped, and the model
    trained alone silently never predicted the label."""
    rows = [{"source_url": f"https://s{i}.example{i}.org/x", "target_url": f"https://shop.example.com/{i}",
             "label": ("editorial", "spam", "guest_post")[i % 3],
             "html": f"<p>{'Trail shoes, reviewed. ' * 10}<a href='https://shop.example.com/{i}'>shop</a></p>"}
            for i in range(12)]
    with pytest.warns(UserWarning, match="no link of yours is labelled directory or link_farm: a model trained on "
                                         "your labels alone never predicts them"):
        linktriage.train(rows, cv=2)


def test_a_frame_keeps_its_index_and_text_columns_have_one_type_whatever_the_rows_hold():
    """`df["label"] = scored["label"]` aligns on the index: a 0..n-1 index gave a frame indexed [5, 2] NaN labels.
    And `label` was an object column of None when no row was judged, a string column otherwise."""
    given = pd.DataFrame({"source_url": ["https://blog.example/a", "https://blog.example/b"],
                          "target_url": ["https://t.example/"] * 2, "html": [PAGE, PAGE]}, index=[5, 2])
    scored = linktriage.score(given)
    assert scored.index.tolist() == [5, 2]
    given["label"] = scored["label"]
    assert given["label"].notna().all()
    unjudged = linktriage.score([{"source_url": "https://blog.example/a", "target_url": "https://t.example/"}])
    text = [name for name in OUTPUT_COLUMNS if scored[name].dtype == scored["source_url"].dtype]
    assert {"label", "position", "rel", "anchor_type", "reasons"} <= set(text)
    assert all(unjudged[name].dtype == scored[name].dtype for name in OUTPUT_COLUMNS)
