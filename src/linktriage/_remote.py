"""Files given as fsspec URLs (``s3://bucket/pages.warc.gz``, ``gs://...``): what a Dask cluster reads and writes.

Reading goes through fsspec directly. Writing does not: object stores cannot append, and every writer here
streams (rows chunk by chunk, WARC records as pages arrive). So an output URL is written to a local temporary
file and uploaded once, when the job ends; an archive URL that already exists is downloaded first, so a run
resumes it exactly as it would a local archive.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
import time
from contextlib import contextmanager
from typing import Iterator

from linktriage._exceptions import InputError, LinkTriageError

__all__ = ["is_url", "import_fsspec", "replaced_on_success", "url_filesystem", "writable"]

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+://")


def is_url(path: str) -> bool:
    """True for an fsspec URL (``s3://...``). ``file://`` counts too: WarcArchive strips it before reading, while
    ``writable`` sends it through fsspec's local filesystem like any other store."""
    return bool(_SCHEME.match(path))


def absolute(path: str | os.PathLike) -> str:
    """A local path with ~ expanded, made absolute: one spelling per file, to compare paths and to hand them to
    worker processes."""
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def import_fsspec(path: str, option: str):
    try:
        import fsspec
    except ImportError:
        raise InputError(f"{option} {path}: URLs need fsspec: pip install fsspec (and s3fs or gcsfs for s3:// or "
                         "gs://), or use a local path") from None
    return fsspec


def url_filesystem(path: str, option: str):
    """(filesystem, path inside it) for an fsspec URL; an unknown scheme or a missing package is an InputError."""
    try:
        return import_fsspec(path, option).core.url_to_fs(path)
    except (OSError, ValueError, ImportError) as exc:  # unknown scheme, no s3fs, credentials, network
        raise InputError(f"{option} {path}: cannot reach it ({exc.__class__.__name__}: {str(exc)[:120]})") from None


@contextmanager
def writable(path: str | None, option: str, *, resume: bool = False) -> Iterator[str | None]:
    """A local path to write ``path`` through: a file beside it moved into place at the end when local (None:
    standard output), else a temporary file uploaded at the end.

    ``resume``: start from the existing remote file (an archive to append to), and upload even when the job
    fails, since what was written up to then is complete and worth keeping (the archive writer guarantees it).
    Without it, a failed job uploads nothing: a half-written output never replaces a good one.
    """
    if path is None or not is_url(path):
        with replaced_on_success(path, resume=resume) as local:
            yield local
        return
    filesystem, inner = url_filesystem(path, option)
    with tempfile.TemporaryDirectory(prefix="linktriage-") as tmp:
        local = os.path.join(tmp, posixpath.basename(inner.rstrip("/")) or "output")
        if resume and _transfer(filesystem.isfile, path, option, inner):
            _transfer(filesystem.get_file, path, option, inner, local)
        try:
            yield local
        except BaseException:
            if resume and os.path.exists(local):
                _transfer(filesystem.put_file, path, option, local, inner)
            raise
        if os.path.exists(local):
            _transfer(filesystem.put_file, path, option, local, inner)


class OutputNotReplaced(InputError):
    """A finished output could not take the place of the file it names (kept in its hidden file, named)."""


@contextmanager
def replaced_on_success(path: str | None, *, resume: bool) -> Iterator[str | None]:
    """Write a local output beside ``path`` and move it into place only when the job succeeds, so a failed run
    (an export broken at row 655, a bad --archive) leaves the previous output as it was rather than emptied.

    The temporary name keeps the file's own name at its end, so the format is still told by the extension.
    Archives (``resume``) are appended to in place: each record is complete when written. A path whose directory
    does not exist, or that is a directory, is handed on unchanged for the writer to report as it always has.
    A symbolic link is written through (its target is replaced, the link stays), and a FIFO or device
    (``/dev/null``, ``/dev/stdout``) is written to directly: moving a file onto it replaced it by a regular file."""
    if path is not None and os.path.islink(path):
        path = os.path.realpath(path)
    folder, name = os.path.split(os.path.abspath(path)) if path else ("", "")
    if (path is None or resume or not os.path.isdir(folder) or os.path.isdir(path)
            or os.path.exists(path) and not os.path.isfile(path)):
        yield path
        return
    _remove_stale_partials(folder, name)
    partial = os.path.join(folder, f".partial-{os.getpid()}-{name}")
    try:
        yield partial
    except OutputNotReplaced:
        # another output of the run (--domains, --report) could not take its place: this one is complete, and
        # discarding it lost the run's scored rows
        if os.path.exists(partial):
            os.replace(partial, path)
        raise
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    # Every writer creates its file: one missing now was removed under the run (a temp-file cleaner, a sync tool,
    # the folder deleted), and the run ended "successfully" with the old output, or none, in place.
    if not os.path.exists(partial):
        raise LinkTriageError(f"{path} was not written: the file it was being written to ({partial}) was removed "
                              "during the run; run it again")
    try:
        os.replace(partial, path)
    except OSError as exc:  # an immutable or read-only target: the run's work is kept, and named, not lost
        raise OutputNotReplaced(f"cannot replace {path} ({exc.strerror or exc}): it is left as it was, and this "
                                f"run's output is kept as {partial}; rename that file, or write elsewhere") from None


#: a partial output untouched this long, from a process that no longer runs, is left over from a killed run
STALE_PARTIAL_SECONDS = 600
_PARTIAL = re.compile(r"\.partial-(\d+)-(.+)", re.DOTALL)


def _remove_stale_partials(folder: str, name: str) -> None:
    """Delete ``.partial-<pid>-<name>`` files of earlier runs that were killed (SIGKILL, out of memory, power):
    a normal failure removes its own. Only when that pid is not running here and the file has not changed for
    STALE_PARTIAL_SECONDS, so a run writing the same output right now (here or on another machine sharing the
    folder) keeps its file."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        found = _PARTIAL.fullmatch(entry.name)
        if found is None or found[2] != name or int(found[1]) == os.getpid() or _running(int(found[1])):
            continue
        try:
            if time.time() - entry.stat().st_mtime > STALE_PARTIAL_SECONDS:
                os.remove(entry.path)
        except OSError:
            pass  # gone already, or not ours to remove: the run goes on


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a number no pid can be counts as running: not ours)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # exists but owned by someone else, or not a pid at all
        return True
    return True


def _transfer(call, path: str, option: str, *args):
    try:
        return call(*args)
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot transfer it ({exc.__class__.__name__}: {str(exc)[:120]})") from None
