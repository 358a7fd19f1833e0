"""Relevance of referring pages to the niche: cosine similarity, made comparable across niches, then calibrated.

A raw cosine means different things for different niches (a broad niche sits close to everything, a narrow one
to nothing), so each profile is first measured against a fixed background of generic site descriptions shipped
with the model (``background.txt``): ``z = (cos(page, profile) - mean_bg) / std_bg`` says how much closer the page
is to the niche than generic web text is. A logistic fitted on the hand-checked relevance set (in-niche pages vs
others, see evaluation/relevance) maps z to a probability: ``relevance = 1 / (1 + exp(-(slope * z + intercept)))``.
So 0.5 means: on the evaluation set, pages scoring this were as likely to be in the niche as not. The parameters
live in ``models/embedder/calibration.json``, one pair per embedder (docs/relevance.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from linktriage._exceptions import ModelError
from linktriage.relevance._documents import embed_documents
from linktriage.relevance._profile import NicheProfile

__all__ = ["Calibration", "RelevanceScores", "RelevanceScorer", "background_texts", "load_calibration"]

_REBUILD = "rebuild it with `python training/build_static_embedder.py`"
#: how many distinct texts the per-run cache keeps (one cosine each: a few MB; measured flat at ~165 MB RSS over 50k pages)
CACHE_SIZE = 100_000
#: letters of the Latin script (Basic Latin, Latin-1, Extended-A/B, Extended Additional) and letters of any other
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
#: fewer distinct background lines than this give no stable mean and spread to place a niche against
MIN_BACKGROUND = 10


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic on the background z-score of a page's cosine to the profile."""

    slope: float
    intercept: float

    def apply(self, z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.slope * z + self.intercept)))


@dataclass(frozen=True, slots=True, eq=False)
class RelevanceScores:
    """Per-link scores, one entry per input row (NaN where the page has no text the embedder can read)."""

    #: calibrated probability that the page is about the niche, in [0, 1]
    relevance: np.ndarray
    #: raw cosines to the niche profile: whole page, the link's surrounding text, the anchor
    page_similarity: np.ndarray
    context_similarity: np.ndarray
    anchor_similarity: np.ndarray
    #: the page's cosine as a z-score against the background (niche-independent scale)
    page_z: np.ndarray


def background_texts(models_dir: Path) -> list[str]:
    path = Path(models_dir) / "embedder" / "background.txt"
    if not path.is_file():
        raise ModelError(f"the relevance background {path} is missing: {_REBUILD}")
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"the relevance background {path} cannot be read ({exc}): {_REBUILD}") from exc
    texts = [line for line in lines if line and not line.startswith("#")]
    # An emptied or cut background has no spread to measure: every relevance came out NaN (an empty column, no word)
    if len(set(texts)) < MIN_BACKGROUND:
        raise ModelError(f"the relevance background {path} holds {len(set(texts))} distinct lines, fewer than "
                         f"{MIN_BACKGROUND}: {_REBUILD}")
    return texts


_KIND_NAMES = {"niche": "one-line", "site": "site", "niche_and_site": "one-line + site"}


def load_calibration(models_dir: Path, embedder: str, kind: str = "niche") -> Calibration:
    """The calibration of ``embedder`` for profiles of ``kind`` (``NicheProfile.kind``). A profile holding the
    site's pages takes its own: pages sit closer to other pages than to a one-line description, and with the
    one-line calibration 26 of 27 off-niche pages scored above 0.5 against a coffee shop's site."""
    path = Path(models_dir) / "embedder" / "calibration.json"
    which = f"the {embedder!r} embedder ({_KIND_NAMES.get(kind, kind)} profiles)"
    try:
        params = json.loads(path.read_text(encoding="utf-8"))["embedders"][embedder]
        params = params if kind == "niche" else params[kind]
        calibration = Calibration(slope=float(params["slope"]), intercept=float(params["intercept"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"no relevance calibration for {which} in {path}: {_REBUILD}") from exc
    # NaN or infinite parameters made every relevance NaN (an empty column); a slope <= 0 ranks off-niche pages first
    if not (math.isfinite(calibration.slope) and math.isfinite(calibration.intercept) and calibration.slope > 0):
        raise ModelError(f"the relevance calibration for {which} in {path} is not usable "
                         f"(slope {calibration.slope}, intercept {calibration.intercept}): {_REBUILD}")
    return calibration


def _mostly_latin(text: str) -> bool:
    """At least half the letters of ``text`` are Latin (a text without letters passes: the embedder decides).

    _checks.latin_share asks the same of a niche by each letter's Unicode name: exact, but 12x slower on a page
    (1.7 ms against 0.14 ms for 15 KB), and this runs on every page of a run."""
    other = len(_OTHER_LETTER.findall(text))
    return other == 0 or len(_LATIN_LETTER.findall(text)) >= other


class RelevanceScorer:
    """Scores pages, link contexts and anchors against one niche profile; caches embeddings per text for the run."""

    def __init__(self, embedder, profile: NicheProfile, *, calibration: Calibration | None = None) -> None:
        if profile.embedder != embedder.name:
            raise ValueError(f"the profile was built with {profile.embedder!r}, not {embedder.name!r}")
        self.embedder = embedder
        self.profile = profile
        self.calibration = calibration or load_calibration(embedder.models_dir, embedder.name, profile.kind)
        background = embed_documents(embedder, background_texts(embedder.models_dir)) @ profile.vector
        self.background_mean = float(background.mean())
        # a floor on the spread: a degenerate background must not blow z-scores up
        self.background_std = max(float(background.std()), 1e-3)
        self._cache: dict[bytes, np.ndarray] = {}

    def z_score(self, similarity: np.ndarray) -> np.ndarray:
        return (np.asarray(similarity, dtype=np.float64) - self.background_mean) / self.background_std

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of each text (chunked and pooled) to the profile; NaN for texts with nothing to embed."""
        keys = [hashlib.blake2b(t.encode("utf-8", "replace"), digest_size=16).digest() for t in texts]
        missing = {k: t for k, t in zip(keys, texts) if k not in self._cache and t.strip()}
        if missing:
            vectors = embed_documents(self.embedder, list(missing.values()))
            if len(self._cache) + len(missing) > CACHE_SIZE:
                # a run this large moves on to new pages: start over rather than grow, keeping what these texts need
                # (emptied outright, a page scored in an earlier chunk and met again here came out empty)
                self._cache = {k: self._cache[k] for k in keys if k in self._cache}
            # A text with no token the model knows (emoji only, ...) embeds to a zero vector: no score, like an
            # empty text (its cosine 0 read as "certainly off-niche", relevance about 0.01). So does a text mostly in
            # another script (Thai, Cyrillic, CJK): both embedders read English, and its letters' vectors carry no
            # topic (an on-topic Thai or Russian page scored 0.001-0.002).
            readable = np.array([_mostly_latin(text) for text in missing.values()], dtype=bool)
            cosines = np.where(np.any(vectors, axis=1) & readable, vectors @ self.profile.vector, np.nan)
            self._cache.update(zip(missing, cosines))
        return np.array([self._cache.get(k, np.nan) if t.strip() else np.nan for k, t in zip(keys, texts)],
                        dtype=np.float64)

    def relevance(self, page_texts: Sequence[str]) -> np.ndarray:
        """Calibrated relevance of each page, in [0, 1] (NaN for a page with no text the embedder can read).

        What the output column needs: the page alone. ``score`` also embeds each link's context and anchor (one
        text per row, not per page), which the pipeline never used: on a large export they were as many texts
        to embed again as the pages."""
        return self._calibrated(self.z_score(self.similarities(page_texts)))

    def _calibrated(self, z: np.ndarray) -> np.ndarray:
        return np.clip(self.calibration.apply(z), 0.0, 1.0)

    def score(self, page_texts: Sequence[str], contexts: Sequence[str], anchors: Sequence[str]) -> RelevanceScores:
        if not len(page_texts) == len(contexts) == len(anchors):
            raise ValueError("page_texts, contexts and anchors must have one entry per link")
        page = self.similarities(page_texts)
        z = self.z_score(page)
        return RelevanceScores(relevance=self._calibrated(z), page_similarity=page,
                               context_similarity=self.similarities(contexts),
                               anchor_similarity=self.similarities(anchors), page_z=z)
