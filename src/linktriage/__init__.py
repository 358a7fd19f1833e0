"""linktriage: audit a site's backlinks and label each link editorial, guest_post, directory, spam or link_farm."""

from __future__ import annotations

import logging

from linktriage._exceptions import InputError, LinkTriageError, ModelError, UnknownFormatError
from linktriage._records import LABELS, OUTPUT_COLUMNS, Backlink, FetchResult, LinkContext, PageInfo, Prediction

__version__ = "0.1.0"

__all__ = [
    "LABELS",
    "OUTPUT_COLUMNS",
    "Backlink",
    "FetchResult",
    "InputError",
    "LinkContext",
    "LinkTriageError",
    "ModelError",
    "PageInfo",
    "Prediction",
    "UnknownFormatError",
    "__version__",
    "evaluate",
    "load_model",
    "score",
    "train",
]

#: the Python API (linktriage.api), imported on first use so that ``import linktriage`` stays light
_API = frozenset({"evaluate", "load_model", "score", "train"})


def __getattr__(name: str):
    if name in _API:
        from linktriage import api

        return getattr(api, name)
    raise AttributeError(f"module 'linktriage' has no attribute {name!r}")

# The library never configures logging itself.
logging.getLogger(__name__).addHandler(logging.NullHandler())
