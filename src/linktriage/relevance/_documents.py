"""Long texts -> one vector: split on paragraphs and sentences into chunks, embed every chunk, pool.

The transformer reads at most 256 word pieces, so embedding a whole page would keep only its opening; chunking
lets every part of the page count. Pooling is a mean of the chunk vectors weighted by the square root of
each chunk's length (900 characters say more about the page than a 40-character caption, but not 20x more). Very long pages keep ``max_chunks`` chunks
spread evenly over the whole text, not the first ones.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

__all__ = ["CHUNK_CHARS", "MAX_CHUNKS", "chunk_text", "embed_document", "embed_documents"]

#: ~200-250 word pieces of English: under MiniLM's 256-token window
CHUNK_CHARS = 1000
MAX_CHUNKS = 24
_PARAGRAPHS = re.compile(r"\n\s*\n|\n")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_SPACES = re.compile(r"\s+")


def chunk_text(text: str, *, chunk_chars: int = CHUNK_CHARS, max_chunks: int = MAX_CHUNKS) -> list[str]:
    """Paragraph-aware chunks of at most ``chunk_chars`` characters (a longer sentence is cut on words)."""
    # A lone surrogate (bytes that were not UTF-8, e.g. `--niche` typed in a Latin-1 terminal) would make the
    # tokenizer raise: it becomes "?" like any other character that cannot be encoded.
    text = (text or "").encode("utf-8", "replace").decode("utf-8")
    pieces: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = _SPACES.sub(" ", paragraph).strip()
        if not paragraph:
            continue
        if len(paragraph) <= chunk_chars:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCES.split(paragraph):
            while len(sentence) > chunk_chars:
                cut = sentence.rfind(" ", 0, chunk_chars)
                cut = cut if cut > chunk_chars // 2 else chunk_chars
                pieces.append(sentence[:cut].strip())
                sentence = sentence[cut:].strip()
            if sentence:
                pieces.append(sentence)
    chunks: list[str] = []
    for piece in pieces:  # pack short paragraphs together so headings and captions get context
        if chunks and len(chunks[-1]) + 1 + len(piece) <= chunk_chars:
            chunks[-1] = f"{chunks[-1]}\n{piece}"
        else:
            chunks.append(piece)
    if len(chunks) > max_chunks:
        keep = np.linspace(0, len(chunks) - 1, max_chunks).round().astype(int)
        chunks = [chunks[i] for i in sorted(set(keep.tolist()))]
    return chunks


def embed_documents(embedder, texts: Sequence[str], *, chunk_chars: int = CHUNK_CHARS,
                    max_chunks: int = MAX_CHUNKS) -> np.ndarray:
    """One pooled, L2-normalised vector per text (all chunks of all texts go to the embedder in one batch)."""
    owners: list[int] = []
    chunks: list[str] = []
    for index, text in enumerate(texts):
        parts = chunk_text(text, chunk_chars=chunk_chars, max_chunks=max_chunks)
        chunks.extend(parts)
        owners.extend([index] * len(parts))
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    if not chunks:
        return out
    vectors = embedder.encode(chunks)
    weights = np.sqrt(np.fromiter((len(c) for c in chunks), dtype=np.float32, count=len(chunks)))
    np.add.at(out, np.asarray(owners), vectors * weights[:, None])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def embed_document(embedder, text: str, *, chunk_chars: int = CHUNK_CHARS, max_chunks: int = MAX_CHUNKS) -> np.ndarray:
    """``text`` embedded in chunks and pooled into one L2-normalised vector (zeros for an empty text)."""
    return embed_documents(embedder, [text], chunk_chars=chunk_chars, max_chunks=max_chunks)[0]
