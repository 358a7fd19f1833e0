"""Exceptions for problems with a whole run (per-link problems are statuses on records, not exceptions).

    LinkTriageError
     ├── InputError        unreadable or unsupported input: the CLI exits 2 with the message as one line
     │    └── UnknownFormatError   an export whose columns match no known layout
     └── ModelError        a model file that cannot be loaded or does not fit this version
"""

from __future__ import annotations

__all__ = ["LinkTriageError", "InputError", "UnknownFormatError", "ModelError"]


class LinkTriageError(Exception):
    """Base class of every error linktriage raises on purpose."""


class InputError(LinkTriageError, ValueError):
    """An input file or argument cannot be used. The message says what and how to fix it, in one line."""


class UnknownFormatError(InputError):
    """An export's header matches no supported layout. The message names the columns found and the closest format."""


class ModelError(LinkTriageError):
    """A model file is missing, unreadable, untrusted or from an incompatible version."""
