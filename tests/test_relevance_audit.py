"""Relevance audit: what a user of `--niche` / `--site` ran into, each through the path the user takes.

Fast (seconds), offline (the example archive, or a FaultServer on 127.0.0.1), no corpus.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import numpy as np
import pytest
from conftest import EXAMPLES

import linktriage
from linktriage import InputError, ModelError
from linktriage._records import Backlink
from linktriage.relevance import _embedders, load_embedder
from linktriage.relevance._embedders import MODELS_DIR

BACKLINKS = str(EXAMPLES / "backlinks.csv")
PAGES = str(EXAMPLES / "pages.warc.gz")


def _cli(capsys, *args):
    """`linktriage score` on the example export and archive, in this process: (exit code, rows, stderr)."""
    from linktriage.cli import app
    from linktriage.cli._errors import run_app

    capsys.readouterr()
    code = run_app(app, ["score", *(args or (BACKLINKS,)), "--pages", PAGES, "--offline"] if args[:1] != ("RAW",)
                   else list(args[1:]))
    out, err = capsys.readouterr()
    return code, list(csv.DictReader(io.StringIO(out))), err


# --- the embedder and its files are checked before any page is read ------------------------------------------------

def test_a_missing_embedder_is_found_before_any_page_is_fetched(tmp_path, monkeypatch):
    """Before: the first chunk's pages (up to 2,000) were fetched, then the run stopped on the embedder."""
    from faultserver import FaultServer

    from linktriage.pipeline import ScoreOptions, score_backlinks
    from linktriage.sources.fetch import FetchSettings

    monkeypatch.setattr(_embedders, "MODELS_DIR", tmp_path)  # a damaged install: no models/embedder
    settings = FetchSettings(allow_private=True, progress=False, per_host_delay=0.0)
    with FaultServer() as server:
        links = [Backlink(row=i, source_url=server.url(f"/page/p{i}"), target_url="https://shop.example/")
                 for i in range(3)]
        with pytest.raises(ModelError, match="build_static_embedder.py"):
            list(score_backlinks(links, ScoreOptions(niche="espresso grinders", fetch_settings=settings)))
        assert not [path for path in server.paths() if path.startswith("/page/")]


def test_the_embedder_is_loaded_once_per_process():
    """Before: every run (every HTTP request with a niche) loaded it again: 0.6 s static, 5 s MiniLM."""
    assert load_embedder("static") is load_embedder(" Static ")


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "background.txt").write_text("# nothing left\n"), "fewer than 10"),
    (lambda d: (d / "background.txt").write_bytes(b"\xff\xfe bad bytes\n" * 20), "cannot be read"),
    (lambda d: (d / "calibration.json").write_text(json.dumps(
        {"embedders": {"static": {"slope": "nan", "intercept": 0.0}}})), "not usable"),
    (lambda d: (d / "calibration.json").write_text(json.dumps(
        {"embedders": {"static": {"slope": -2.0, "intercept": 0.0}}})), "not usable"),
])
def test_a_damaged_background_or_calibration_is_one_line_not_an_empty_column(tmp_path, monkeypatch, capsys, damage,
                                                                             message):
    """Before: an emptied background.txt or a NaN slope gave every row an empty relevance, silently (a reversed
    slope ranked off-niche pages first); a background that is not UTF-8 was an 'internal error'."""
    shutil.copytree(MODELS_DIR / "embedder", tmp_path / "embedder")
    damage(tmp_path / "embedder")
    monkeypatch.setattr(_embedders, "MODELS_DIR", tmp_path)
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", "trail running shoes")
    assert code != 0 and rows == []
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "build_static_embedder.py" in lines[0], err


# --- --niche given a URL -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("niche", ["https://www.alpinetrailco.com", " www.alpinetrailco.com/ ",
                                   "alpinetrailco.com/shoes"])
def test_a_url_as_niche_is_a_one_line_error(capsys, niche):
    """Before: the URL was embedded as if it described the niche; every page scored 0.5-0.95, no word said why."""
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 2 and rows == []
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "is a URL" in lines[0] and "--site" in lines[0], err
    with pytest.raises(InputError, match="is a URL"):
        linktriage.score(BACKLINKS, pages=PAGES, offline=True, niche=niche)


@pytest.mark.parametrize("niche", ["node.js tutorials", "asp.net", "shoes.com reviews of trail shoes", "C++ / Rust"])
def test_a_niche_that_merely_contains_dots_or_slashes_is_scored(capsys, niche):
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 0 and len(rows) == 8 and sum(bool(r["relevance"]) for r in rows) >= 5, err
