"""The dev set stays unseen: no label file row and no generated page's text comes from a dev-set site or page.

Built on a small made-up corpus (manifest, one multilingual WARC, a dev set), so these run without ../shared; the last
test checks the shipped label files against the real dev set and skips without it.
"""
from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from conftest import write_warc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
from generator.text import load_corpus  # noqa: E402
from labelling.build_labels import label_rows  # noqa: E402
from labelling.corpus import DEVSET, held_out  # noqa: E402

PARAGRAPHS = [
    "The council said that the new library would open in the spring and that the old building was to be sold.",
    "Residents of the town were asked for their views on the plans, and most of them said that they were glad.",
    "The work on the roof is to be finished before the winter, and the cost was met from the reserve of the town.",
]
DEV_PAGE = "https://news.devsite.org/2025/a-story"


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        (DEV_PAGE, "A story only the dev set has", "dev page"),
        ("hard::devsite.copy.html", "A story only the dev set has", "its copy under another name"),
        ("https://www.devsite.org/other-page", "Another page of the site", "same site"),
        ("https://elsewhere.example/post", "An unrelated post", "kept"),
    ]
    with gzip.open(corpus / "manifest.jsonl.gz", "wt", encoding="utf-8") as stream:
        for uri, title, marker in rows:
            text = "\n".join(f"{p} ({marker})" for p in PARAGRAPHS)
            stream.write(json.dumps({"uri": uri, "warc": "wcxb-dev.warc.gz", "title": title,
                                     "gold_main_text": text}) + "\n")
    page = "<html><head><title>{0}</title></head><body>" + "".join(f"<p>{p} ({{0}})</p>" for p in PARAGRAPHS)
    write_warc(corpus / "trafilatura-eval.warc.gz", {
        "https://blog.devsite.org/x": page.format("dev site, multilingual archive"),
        "https://kept.example/y": page.format("kept, multilingual archive")})
    devset = tmp_path / "devset.csv"
    with open(devset, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=["source_url", "target_url", "anchor", "label"])
        writer.writeheader()
        writer.writerow({"source_url": DEV_PAGE, "target_url": "https://t.example/", "anchor": "t",
                         "label": "editorial"})
    return corpus, devset


def test_held_out_names_the_dev_sites_and_the_copies_of_dev_pages(tmp_path):
    corpus, devset = _corpus(tmp_path)
    held = held_out(corpus, devset)
    assert held.holds(DEV_PAGE)
    assert held.holds("https://www.devsite.org/other-page")  # every page of a dev-set site, not only its dev pages
    assert held.holds("hard::devsite.copy.html")  # the same page under another name, by its title
    assert held.holds("urn:dragnet:R1", site="devsite.org")  # a page whose site is known from its canonical URL
    assert not held.holds("https://elsewhere.example/post")
    assert not held_out(corpus, tmp_path / "no-devset.csv").holds(DEV_PAGE)  # users have no dev set


def test_generated_pages_take_no_text_from_held_out_pages(tmp_path):
    corpus, devset = _corpus(tmp_path)
    everything = "\n".join(p for docs in load_corpus(corpus).values() for d in docs for p in d.paragraphs)
    assert "(dev page)" in everything and "(dev site, multilingual archive)" in everything  # the fixture is read
    docs = load_corpus(corpus, held_out(corpus, devset).holds)
    text = "\n".join(p for docs_ in docs.values() for d in docs_ for p in d.paragraphs)
    assert "(kept)" in text and "(kept, multilingual archive)" in text
    for marker in ("dev page", "its copy under another name", "same site", "dev site, multilingual archive"):
        assert f"({marker})" not in text


def test_label_rows_leave_out_held_out_pages(tmp_path, monkeypatch):
    import labelling.build_labels as build_labels

    corpus, devset = _corpus(tmp_path)
    link = SimpleNamespace(href="https://t.example/", anchor="t")
    pages = [(SimpleNamespace(uri=uri, site=site, warc="x.warc.gz"), [link])
             for uri, site in [(DEV_PAGE, "devsite.org"), ("urn:dragnet:R7", "devsite.org"),
                               ("https://elsewhere.example/post", "elsewhere.example")]]
    # every link is judged editorial: what is left out is the held-out filter's doing
    monkeypatch.setattr(build_labels, "apply_functions", lambda page, link: ("editorial", "editorial_in_body"))
    rows = label_rows(pages, held_out(corpus, devset))
    assert [row["source_url"] for row in rows] == ["https://elsewhere.example/post"]
    assert len(label_rows(pages)) == 3


def test_training_refuses_labels_on_dev_set_sites(tmp_path):
    import train_model

    corpus, devset = _corpus(tmp_path)
    labels = tmp_path / "real_links.csv"
    pd.DataFrame([
        {"source_url": "https://elsewhere.example/post", "target_url": "https://b.example/", "label": "editorial",
         "generated": "false", "site": "elsewhere.example"},
        {"source_url": "https://www.devsite.org/other-page", "target_url": "https://b.example/", "label": "spam",
         "generated": "false", "site": "devsite.org"}]).to_csv(labels, index=False)
    with pytest.raises(SystemExit, match="1 labelled links are on dev-set pages or sites .*devsite.org/other-page"):
        train_model.load_labels([labels], held=held_out(corpus, devset))
    assert len(train_model.load_labels([labels], held=held_out(corpus, tmp_path / "none.csv"))) == 2


@pytest.mark.corpus
@pytest.mark.skipif(not DEVSET.is_file(), reason=f"dev set not found at {DEVSET}")
def test_shipped_label_files_hold_no_dev_set_site():
    import train_model

    train_model.load_labels(train_model.LABEL_FILES)  # exits when a row is on a dev-set page or site
