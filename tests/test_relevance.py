"""Relevance: the shipped static embedder, chunked pooling, niche profiles, calibrated scores, site texts, errors.

Runs without the corpus: small hand-written texts and the model in models/embedder (no torch on this path).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import EXAMPLES

from linktriage import InputError, ModelError
from linktriage.relevance import (
    NicheProfile, RelevanceScorer, build_niche_profile, chunk_text, collect_site_texts, embed_document,
    embed_documents, load_embedder,
)
from linktriage.relevance._embedders import MODELS_DIR
from linktriage.relevance._profile import PROFILE_KINDS

COFFEE = "Specialty coffee blog: brewing guides, espresso machine reviews and coffee bean roasting."
COFFEE_PAGE = ("How to dial in your espresso grinder. Start with 18 grams of freshly roasted coffee beans, grind fine, "
               "and aim for a 36 gram shot in about 28 seconds. If the espresso tastes sour, grind finer; if bitter, "
               "grind coarser. A good burr grinder matters more than the espresso machine itself.")
TAX_PAGE = ("Filing your income tax return: deadlines, deductions and credits. Self-employed workers must pay "
            "estimated taxes each quarter and keep receipts for business expenses, mileage and home office costs.")
GARDEN_PAGE = ("Growing tomatoes from seed: sow indoors six weeks before the last frost, transplant seedlings into "
               "rich compost, water at the base and stake the plants as they grow. Prune suckers for bigger fruit.")


@pytest.fixture(scope="module")
def embedder():
    return load_embedder()


@pytest.fixture(scope="module")
def coffee_scorer(embedder):
    return RelevanceScorer(embedder, build_niche_profile(embedder, niche=COFFEE))


def test_static_embedder_rows_are_unit_float32(embedder):
    vectors = embedder.encode(["espresso machine", "tax return deadline", ""])
    assert embedder.name == "static" and vectors.shape == (3, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert not np.any(vectors[2])  # an empty text stays a zero vector, never NaN
    assert embedder.encode([]).shape == (0, embedder.dim)


def test_default_embedder_does_not_import_torch():
    code = ("import sys; from linktriage.relevance import load_embedder, build_niche_profile; "
            "e = load_embedder(); build_niche_profile(e, niche='coffee'); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_in_niche_page_outranks_off_niche_pages(coffee_scorer):
    scores = coffee_scorer.score([COFFEE_PAGE, TAX_PAGE, GARDEN_PAGE], ["", "", ""], ["", "", ""])
    assert scores.relevance[0] > scores.relevance[1] and scores.relevance[0] > scores.relevance[2]
    assert scores.page_similarity[0] > scores.page_similarity[1]
    assert np.all((scores.relevance >= 0) & (scores.relevance <= 1))
    # calibrated: a clear in-niche page reads as relevant, a clear off-niche page does not
    assert scores.relevance[0] > 0.5 > scores.relevance[1]


def test_context_and_anchor_similarities(coffee_scorer):
    scores = coffee_scorer.score([TAX_PAGE, TAX_PAGE],
                                 ["our favourite espresso beans and pour-over kettles", "read the tax code"],
                                 ["best espresso grinder", "click here"])
    assert scores.context_similarity[0] > scores.context_similarity[1]
    assert scores.anchor_similarity[0] > scores.anchor_similarity[1]
    assert scores.page_similarity[0] == scores.page_similarity[1]  # same page, same (cached) vector


def test_empty_page_text_gives_nan_not_a_score(coffee_scorer):
    scores = coffee_scorer.score(["", "   "], ["", ""], ["", ""])
    assert np.isnan(scores.relevance).all() and np.isnan(scores.anchor_similarity).all()


def test_scorer_caches_page_embeddings(embedder, monkeypatch):
    scorer = RelevanceScorer(embedder, build_niche_profile(embedder, niche=COFFEE))
    calls: list[int] = []
    original = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts: calls.append(len(texts)) or original(texts))
    scorer.score([COFFEE_PAGE, COFFEE_PAGE, TAX_PAGE], ["", "", ""], ["", "", ""])
    first = sum(calls)
    scorer.score([TAX_PAGE, COFFEE_PAGE], ["", ""], ["", ""])
    assert first == 2 and sum(calls) == first  # two distinct chunks embedded once; the second call hits the cache


def test_scores_need_one_entry_per_link(coffee_scorer):
    with pytest.raises(ValueError):
        coffee_scorer.score([COFFEE_PAGE], [], [])


def test_chunks_respect_size_and_paragraphs():
    text = "\n\n".join(f"Paragraph {i}. " + "word " * 60 for i in range(20))
    chunks = chunk_text(text, chunk_chars=500)
    assert all(len(c) <= 500 for c in chunks) and len(chunks) > 5
    assert all(c.startswith("Paragraph") for c in chunks)  # cut between paragraphs, not inside them
    long_sentence = "x" * 2500
    assert [len(c) for c in chunk_text(long_sentence, chunk_chars=1000)] == [1000, 1000, 500]
    assert chunk_text("") == [] and chunk_text(" \n\n ") == []
    many = chunk_text("\n\n".join("y" * 900 for _ in range(100)), max_chunks=10)
    assert len(many) == 10


def test_pooling_covers_text_beyond_the_first_chunk(embedder):
    """A long page about taxes whose end is about espresso must move towards coffee: nothing is cut off."""
    filler = "\n\n".join([TAX_PAGE] * 12)  # far beyond 256 tokens
    tail = "\n\n".join([COFFEE_PAGE] * 12)
    coffee = build_niche_profile(embedder, niche=COFFEE).vector
    only_tax = embed_document(embedder, filler)
    tax_then_coffee = embed_document(embedder, filler + "\n\n" + tail)
    assert len(chunk_text(filler + "\n\n" + tail)) > 2
    assert tax_then_coffee @ coffee > only_tax @ coffee + 0.1
    assert np.isclose(np.linalg.norm(tax_then_coffee), 1.0, atol=1e-5)
    assert not np.any(embed_document(embedder, ""))
    assert embed_documents(embedder, [COFFEE_PAGE, ""]).shape == (2, embedder.dim)


def test_profile_from_niche_site_both_or_neither(embedder):
    niche_only = build_niche_profile(embedder, niche=COFFEE)
    site_only = build_niche_profile(embedder, site_texts=[COFFEE_PAGE, "", GARDEN_PAGE])
    both = build_niche_profile(embedder, niche=COFFEE, site_texts=[COFFEE_PAGE])
    assert isinstance(niche_only, NicheProfile) and niche_only.site_pages == 0 and niche_only.niche == COFFEE
    assert site_only.niche is None and site_only.site_pages == 2  # the empty page is ignored
    assert both.niche == COFFEE and both.site_pages == 1
    for profile in (niche_only, site_only, both):
        assert np.isclose(np.linalg.norm(profile.vector), 1.0, atol=1e-5) and profile.embedder == "static"
    # "both" lies between its two parts
    page = embed_document(embedder, COFFEE_PAGE)
    assert niche_only.vector @ page < both.vector @ page
    assert build_niche_profile(embedder) is None
    assert build_niche_profile(embedder, niche="   ", site_texts=["", " "]) is None


def test_unknown_embedder_lists_choices():
    with pytest.raises(InputError, match="static, minilm"):
        load_embedder("bert-huge")


def test_missing_model_files_say_how_to_rebuild(tmp_path):
    with pytest.raises(ModelError, match="build_static_embedder.py"):
        load_embedder("static", models_dir=tmp_path)


def test_missing_calibration_says_how_to_rebuild(tmp_path, embedder):
    folder = tmp_path / "embedder"
    shutil.copytree(MODELS_DIR / "embedder", folder)
    (folder / "calibration.json").unlink()
    local = load_embedder("static", models_dir=tmp_path)
    profile = build_niche_profile(local, niche=COFFEE)
    with pytest.raises(ModelError, match="build_static_embedder.py"):
        RelevanceScorer(local, profile)


SITE = {
    "https://beans.example/": """<html><head><title>Bean There: espresso at home</title>
        <meta name="description" content="Espresso recipes, grinder reviews and roasting notes."></head><body>
        <nav><a href="/grinders/">Grinders</a> <a href="/roasting">Roasting</a> <a href="/privacy">Privacy</a></nav>
        <h1>Espresso at home</h1><p>We test espresso machines and grinders so you can pull a better shot.</p>
        <a href="https://other.example/x">elsewhere</a> <a href="/logo.png">logo</a> <a href="/brew-ratios">ratios</a>
        <a href="https://shop.beans.example/">shop</a></body></html>""",
    "https://beans.example/grinders/": "<html><head><title>Grinder reviews</title></head><body>"
                                       "<h2>Burr grinders</h2><p>Conical and flat burr grinders compared for "
                                       "espresso and filter coffee.</p></body></html>",
    "https://beans.example/roasting": "<html><head><title>Roasting notes</title></head><body>"
                                      "<p>Light roasts keep the origin's acidity.</p></body></html>",
    "https://beans.example/brew-ratios": "<html><head><title>Brew ratios</title></head><body>"
                                         "<p>1:2 for espresso.</p></body></html>",
}


def test_collect_site_texts_follows_nav_links_first():
    asked: list[str] = []

    def get_html(url):
        asked.append(url)
        page = SITE.get(url)
        return (url, page.encode()) if page else None

    texts = collect_site_texts("beans.example", get_html, max_pages=3)
    assert asked[:3] == ["https://beans.example/", "https://beans.example/grinders/", "https://beans.example/roasting"]
    assert len(texts) == 3 and "Bean There" in texts[0] and "Espresso recipes" in texts[0]
    assert "Burr grinders" in texts[1] and "Roasting notes" in texts[2]
    assert not any("privacy" in u or "other.example" in u or u.endswith(".png") for u in asked)

    everything = collect_site_texts("https://beans.example/", get_html, max_pages=10)
    assert len(everything) == 4  # home and 3 internal pages; the shop subdomain (same registrable domain) is asked too,
    # but it answers nothing, so it adds no text
    assert any("shop.beans.example" in u for u in asked)


def test_collect_site_texts_when_home_page_is_unreadable():
    assert collect_site_texts("https://gone.example/", lambda url: None) == []


def test_shipped_calibration_covers_every_embedder():
    from linktriage.relevance import EMBEDDERS, load_calibration
    from linktriage.relevance._scorer import background_texts

    for name in EMBEDDERS:
        for kind in PROFILE_KINDS:
            calibration = load_calibration(MODELS_DIR, name, kind)
            assert calibration.slope > 0  # closer to the niche than the background must mean more relevant
            assert calibration.apply(np.array([-50.0]))[0] < 0.01 < 0.99 < calibration.apply(np.array([50.0]))[0]
    assert len(background_texts(MODELS_DIR)) >= 50


def test_text_that_is_not_valid_unicode_is_embedded_not_an_error(coffee_scorer):
    """`--niche $'caf\\xe9'` from a Latin-1 terminal reaches Python with a lone surrogate (surrogateescape)."""
    import linktriage

    frame = linktriage.score(str(EXAMPLES / "backlinks.csv"), pages=str(EXAMPLES / "pages.warc.gz"),
                             niche="caf\udce9 espresso grinder")
    values = frame["relevance"].dropna()
    assert len(values) >= 5 and values.between(0, 1).all()
    scores = coffee_scorer.score([COFFEE_PAGE + " \udcff"], ["espresso \ud800"], ["\udce9"])
    assert 0 <= scores.relevance[0] <= 1 and np.isfinite(scores.context_similarity[0])


def _score_cli(capsys, *options):
    """`linktriage score` on the offline example, in this process: (exit code, relevance column, stderr)."""
    import csv
    import io

    from linktriage.cli import app
    from linktriage.cli._errors import run_app

    capsys.readouterr()
    code = run_app(app, ["score", str(EXAMPLES / "backlinks.csv"), "--pages", str(EXAMPLES / "pages.warc.gz"),
                         *options])
    out, err = capsys.readouterr()
    return code, [row["relevance"] for row in csv.DictReader(io.StringIO(out))], err


@pytest.mark.parametrize("niche", ["", "   \t", "☕🍵🔥", "\x00\x01\x02"])
def test_niche_with_nothing_to_embed_leaves_relevance_empty_with_a_note(capsys, niche):
    code, relevance, err = _score_cli(capsys, "--offline", "--niche", niche)
    assert code == 0 and len(relevance) == 8 and not any(relevance)
    notes = [line for line in err.splitlines() if line.startswith("linktriage: warning: --niche")]
    assert len(notes) == 1 and "relevance stays empty" in notes[0], err


@pytest.mark.parametrize("path, allow_private, reason", [
    ("/page/home", False, "use --allow-private"),  # a private address, refused
    ("/pdf", True, "not HTML"),
    ("/loop/a", True, "redirect loop"),
    (None, True, "connection"),  # nothing listens there
])
def test_unreadable_site_leaves_relevance_to_the_niche_with_a_note(capsys, path, allow_private, reason):
    from faultserver import FaultServer

    with FaultServer() as server:
        site = server.url(path) if path else "http://127.0.0.1:1/"
        private = ["--allow-private"] if allow_private else []
        code, relevance, err = _score_cli(capsys, "--site", site, *private, "--niche", COFFEE)
        assert code == 0 and len(relevance) == 8 and sum(bool(r) for r in relevance) >= 5
        assert all(0 <= float(r) <= 1 for r in relevance if r)
        notes = [line for line in err.splitlines() if line.startswith("linktriage: warning: --site")]
        assert len(notes) == 1 and reason in notes[0] and "--niche only" in notes[0], err

        code, relevance, err = _score_cli(capsys, "--site", site, *private)
        assert code == 0 and not any(relevance)
        assert "relevance stays empty" in err and reason in err


def test_each_kind_of_profile_is_scored_with_its_own_calibration(embedder):
    """A profile of the site's pages sits closer to every page than a one-line description: scored with the one-line
    calibration, 26 of 27 off-niche pages came out above 0.5 against a coffee shop's site (19 above 0.8)."""
    from linktriage.relevance import load_calibration

    site = [COFFEE_PAGE, "Espresso machines compared: boilers, pumps and steam wands for home baristas.",
            "Roasting coffee at home: first crack, second crack and how long to rest the beans."]
    profiles = {"niche": build_niche_profile(embedder, niche=COFFEE),
                "site": build_niche_profile(embedder, site_texts=site),
                "niche_and_site": build_niche_profile(embedder, niche=COFFEE, site_texts=site)}
    calibrations = {kind: load_calibration(MODELS_DIR, "static", kind) for kind in PROFILE_KINDS}
    assert len({(c.slope, c.intercept) for c in calibrations.values()}) == 3
    for kind, profile in profiles.items():
        scorer = RelevanceScorer(embedder, profile)
        assert profile.kind == kind and scorer.calibration == calibrations[kind]
        tax, garden = scorer.relevance([TAX_PAGE, GARDEN_PAGE])
        assert tax < 0.5 and garden < 0.5, (kind, tax, garden)
    one_line = RelevanceScorer(embedder, profiles["site"], calibration=calibrations["niche"])
    assert one_line.relevance([TAX_PAGE])[0] > RelevanceScorer(embedder, profiles["site"]).relevance([TAX_PAGE])[0]


def test_a_calibration_file_without_the_site_profiles_is_refused_before_the_run(tmp_path, monkeypatch):
    import json

    import linktriage.relevance._embedders as embedders
    from linktriage.relevance import check_relevance

    folder = tmp_path / "embedder"
    shutil.copytree(MODELS_DIR / "embedder", folder)
    calibration = json.loads((folder / "calibration.json").read_text())
    del calibration["embedders"]["static"]["site"]
    (folder / "calibration.json").write_text(json.dumps(calibration))
    monkeypatch.setattr(embedders, "MODELS_DIR", tmp_path)
    with pytest.raises(ModelError, match=r"'static' embedder \(site profiles\).*build_static_embedder.py"):
        check_relevance(None, "https://beans.example/", "static")
