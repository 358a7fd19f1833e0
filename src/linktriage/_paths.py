"""Paths the user gives: an output that names a file the job reads would replace it (the export or the archived
pages lost) or corrupt it while it is read, so it is refused before any work, by every job alike."""

from __future__ import annotations

import os
from typing import Mapping, Sequence

from linktriage._exceptions import InputError
from linktriage._remote import absolute, is_url

__all__ = ["check_outputs_are_not_inputs", "same_file"]


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two local paths name one file: a symbolic or hard link and another spelling of the path included
    (``./x``, ``~/x``); a path that does not exist yet is compared by its absolute spelling."""
    a, b = absolute(a), absolute(b)
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet), or cannot be looked at
        return a == b


def check_outputs_are_not_inputs(outputs: Mapping[str, str | os.PathLike | None],
                                 inputs: Mapping[str, Sequence[str | os.PathLike] | str | os.PathLike | None]) -> None:
    """Raise InputError when an output names a file the job reads. ``outputs`` and ``inputs`` map an option's
    name to its path(s); fsspec URLs are left to their store."""
    read: list[tuple[str, str]] = []
    for option, paths in inputs.items():
        for path in [paths] if isinstance(paths, (str, os.PathLike)) else paths or ():
            if path and not is_url(os.fspath(path)):
                read.append((option, os.fspath(path)))
    for option, path in outputs.items():
        if not path or is_url(os.fspath(path)):
            continue
        same = next((name for name, other in read if same_file(path, other)), None)
        if same is not None:
            raise InputError(f"{option} and {same} are the same file ({os.fspath(path)}): give {option} a file name "
                             "of its own")
