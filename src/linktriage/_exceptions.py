"""Exceptions for problems with a whole run (per-link problems are statuses on records, not exceptions).

    LinkTriageError
     ├── InputError        unreadable or unsupported input: the CLI exits 2 with the message as one line
     │    └── UnknownFormatError   an export whose columns match no known layout
     └── ModelError        a model file that cannot be loaded or does not fit this version
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["LinkTriageError", "InputError", "UnknownFormatError", "ModelError", "named_as_given"]


class LinkTriageError(Exception):
    """Base class of every error linktriage raises on purpose."""


class InputError(LinkTriageError, ValueError):
    """An input file or argument cannot be used. The message says what and how to fix it, in one line."""


class UnknownFormatError(InputError):
    """An export's header matches no supported layout. The message names the columns found and the closest format."""


class ModelError(LinkTriageError):
    """A model file is missing, unreadable, untrusted or from an incompatible version."""


def named_as_given(exc: InputError, temporary: Sequence[str], name: str) -> InputError:
    """``exc`` with the temporary files linktriage read in place of the caller's input (a table written to a CSV, a
    decompressed export) named as the caller gave it (``name``); ``exc`` itself when its message names none."""
    message = str(exc)
    for path in temporary:
        message = message.replace(path, name)
    return exc if message == str(exc) else type(exc)(message)
