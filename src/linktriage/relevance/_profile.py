"""The niche profile: one vector for what the target site is about, from the owner's line and / or its pages.

Why a weighted centroid of two parts: the owner's one-line description is precise but short, while the site's
pages are rich but noisy (navigation, a privacy page, an off-topic post). Each part is embedded and normalised on
its own (the site part as the mean of its pages' pooled vectors), then they are mixed with ``NICHE_WEIGHT`` for
the description, so neither part dominates just because it has more text. With only one part, it is the profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from linktriage.relevance._documents import embed_documents

__all__ = ["NICHE_WEIGHT", "NicheProfile", "build_niche_profile"]

#: share of the owner's description in the profile when site pages are given too
NICHE_WEIGHT = 0.5


@dataclass(frozen=True, slots=True, eq=False)
class NicheProfile:
    """The target's niche as one L2-normalised vector, and what it was built from."""

    vector: np.ndarray = field(repr=False)
    embedder: str
    niche: str | None = None
    site_pages: int = 0


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def build_niche_profile(embedder, *, niche: str | None = None, site_texts: Sequence[str] = ()) -> NicheProfile | None:
    """Combine the owner's description and the site's page texts into one profile; None when neither says anything."""
    niche = (niche or "").strip() or None
    texts = [t for t in site_texts if t and t.strip()]
    if niche is None and not texts:
        return None
    parts: list[tuple[float, np.ndarray]] = []
    if niche is not None:
        parts.append((NICHE_WEIGHT if texts else 1.0, _unit(embed_documents(embedder, [niche])[0])))
    if texts:
        site = embed_documents(embedder, texts)
        parts.append((1.0 - NICHE_WEIGHT if niche else 1.0, _unit(site.mean(axis=0))))
    vector = _unit(sum(weight * part for weight, part in parts))
    if not np.any(vector):
        return None  # texts with no token the model knows: nothing to compare against
    return NicheProfile(vector=vector, embedder=embedder.name, niche=niche, site_pages=len(texts))
