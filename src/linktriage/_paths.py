"""Paths the user gives: an output that names a file the job reads would replace it (the export or the archived
pages lost) or corrupt it while it is read, so it is refused before any work, by every job alike."""

from __future__ import annotations

import os
import stat
from typing import Mapping, Sequence

from linktriage._exceptions import InputError
from linktriage._remote import absolute, is_url

__all__ = ["check_archive_name", "check_output_folder", "check_outputs_are_not_inputs", "is_stream", "same_file"]


def is_stream(path: str | os.PathLike) -> bool:
    """Whether ``path`` names a pipe, a device or a socket (``<(zcat x.csv.gz)``, ``/dev/stdin``), not a file: the
    readers that look at a file's start and then read it again would lose that start, or wait for a writer for
    ever. stat looks without opening it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # opening it says what is wrong
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode)


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


def check_output_folder(option: str, path: str | os.PathLike | None) -> None:
    """Raise InputError, before any work, when the output ``option`` names cannot be written: empty, a directory,
    in a folder that does not exist or cannot be written in. fsspec URLs are left to their store."""
    if path is None:
        return
    path = os.fspath(path)
    if not path.strip():  # `--report "$REPORT"` with the variable unset wrote no report, silently
        raise InputError(f"{option} is empty: give a file name, or leave {option} out")
    if path == "-" and option == "--report":  # -o - is standard output; a report is a file to open in a browser
        raise InputError("--report - : the report is an HTML file, not for standard output; give a name such as "
                         "report.html")
    if is_url(path):
        return
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(f"{option} {path} is a directory: give a file name")
    if not os.path.isdir(folder):
        raise InputError(f"{option} {path}: the folder {folder} does not exist; create it or write elsewhere")
    # A read-only folder was found when the output was first written: --report and --domains only once every row
    # was scored (the whole run lost, -o with it), the message naming the hidden temporary file. A file created and
    # removed now is the one test that holds for root, ACLs and read-only mounts alike.
    import tempfile

    try:
        tempfile.NamedTemporaryFile(dir=folder, prefix=".linktriage-check-").close()
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write in the folder {folder} ({exc.strerror or exc}); "
                         "write elsewhere") from None
    # An existing file made read-only or immutable is one its owner protects: found after the run, the run's
    # work was lost. Opening it to append writes nothing.
    if os.path.isfile(path):
        try:
            open(path, "ab").close()
        except OSError as exc:
            raise InputError(f"{option} {path}: the file cannot be replaced ({exc.strerror or exc}); make it "
                             "writable or write elsewhere") from None


def check_archive_name(option: str, path: str | os.PathLike) -> None:
    """Raise InputError unless ``path`` names a WARC file: ``-`` wrote a file named "-", and ``--archive a.csv`` an
    uncompressed WARC under a table's name, where every other output refuses a name whose format it cannot tell.
    The name also decides the compression (``.gz``)."""
    name = os.fspath(path).strip()
    if name == "-":
        raise InputError(f"{option} -: a WARC archive is written to a file, not to standard output; give a name "
                         "such as pages.warc.gz")
    if not name.lower().endswith((".warc", ".warc.gz")):
        stem = os.path.basename(name.rstrip("/")).split(".")[0] or "pages"
        raise InputError(f"{option} {name}: name the WARC archive like {stem}.warc.gz (or {stem}.warc, "
                         "uncompressed)")
