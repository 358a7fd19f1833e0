"""Relevance on real corpus pages (skipped without ../shared/corpus), and the optional MiniLM embedder (slow)."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from conftest import CORPUS, needs_corpus
from linktriage.extract import extract_page
from linktriage.relevance import RelevanceScorer, build_niche_profile, load_embedder
from linktriage.sources.warc import WarcArchive

GARDENING = "Home gardening blog: growing vegetables, flowers and houseplants, pruning, and natural pest control."
IN_NICHE = ("https://www.almanac.com/vegetable-gardening-for-beginners",
            "https://www.almanac.com/how-we-keep-pests-out-garden")
OFF_NICHE = ("https://www.docker.com/blog/docker-hardened-images-security-independently-validated-by-srlabs/",
             "https://www.iii.org/article/home-buyers-insurance-guide",
             "https://www.quantamagazine.org/the-year-in-mathematics-20251218")


def _texts(uris):
    with gzip.open(CORPUS / "manifest.jsonl.gz", "rt", encoding="utf-8") as stream:
        warcs = {r["uri"]: r["warc"] for r in map(json.loads, stream) if r["uri"] in uris}
    archive = WarcArchive(sorted({str(CORPUS / w) for w in warcs.values()}))
    texts = []
    for uri in uris:
        info = extract_page(archive.get(uri)).info
        texts.append("\n".join(p for p in (info.title, info.description, info.main_text) if p))
    return texts


@pytest.mark.corpus
@needs_corpus
def test_real_gardening_pages_outrank_off_niche_pages():
    embedder = load_embedder()
    scorer = RelevanceScorer(embedder, build_niche_profile(embedder, niche=GARDENING))
    texts = _texts(IN_NICHE + OFF_NICHE)
    scores = scorer.score(texts, [""] * len(texts), [""] * len(texts))
    inside, outside = scores.relevance[:len(IN_NICHE)], scores.relevance[len(IN_NICHE):]
    assert inside.min() > outside.max()
    assert inside.min() > 0.5 and outside.max() < 0.5


@pytest.mark.slow
def test_minilm_embedder_ranks_and_calibrates():
    pytest.importorskip("sentence_transformers")
    embedder = load_embedder("minilm")
    assert embedder.name == "minilm" and embedder.dim == 384
    vectors = embedder.encode(["espresso grinder settings", ""])
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-5) and not np.any(vectors[1])
    scorer = RelevanceScorer(embedder, build_niche_profile(embedder, niche=GARDENING))
    scores = scorer.score(["Sow tomato seeds indoors, transplant seedlings and mulch the vegetable bed.",
                           "Quarterly earnings beat analyst expectations as the bank raised its dividend."],
                          ["", ""], ["", ""])
    assert scores.relevance[0] > 0.5 > scores.relevance[1]
