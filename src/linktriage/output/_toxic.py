"""The one toxicity rule shared by the ``toxic`` column and the disavow file.

Both must agree: a link marked ``toxic`` in the output is exactly a link ``linktriage disavow`` would list
with its default options.
"""

from __future__ import annotations

from typing import Iterable

from linktriage._exceptions import InputError
from linktriage._records import LABELS, canonical_label

DEFAULT_DISAVOW_THRESHOLD = 0.8
DEFAULT_DISAVOW_LABELS: tuple[str, ...] = ("spam", "link_farm")


def check_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """Validate a label selection (e.g. from ``--labels``); unknown names are an InputError."""
    # spelled as label files may spell them ("Spam, Link Farm"): a label refused here was accepted there
    chosen = tuple(canonical_label(label) for label in labels if label and label.strip())
    unknown = [label for label in chosen if label not in LABELS]
    if unknown or not chosen:
        raise InputError(f"unknown or empty disavow labels {unknown or list(chosen)}: choose among {', '.join(LABELS)}")
    return chosen


def is_toxic(label: str | None, confidence: float | None, *, threshold: float = DEFAULT_DISAVOW_THRESHOLD,
             labels: Iterable[str] = DEFAULT_DISAVOW_LABELS) -> bool:
    """True when ``label`` is one of ``labels`` with ``confidence >= threshold``; unjudged links are never toxic."""
    if not label or confidence is None or confidence != confidence:  # NaN: not judged
        return False
    return label in tuple(labels) and float(confidence) >= threshold
