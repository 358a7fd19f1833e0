"""Exit codes of DESIGN.md: 0 success, 2 bad usage or unreadable input (one line on stderr), 1 internal error."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
import warnings
from typing import Iterator

import click
import typer

try:  # typer >= 0.20 ships its own copy of click: its exceptions are not click's
    from typer._click import exceptions as _typer_click
except ImportError:  # pragma: no cover - older typer uses click itself
    _typer_click = click.exceptions

_EXIT = (click.exceptions.Exit, typer.Exit)
_ABORT = (click.exceptions.Abort, typer.Abort)
_USAGE = (click.ClickException, _typer_click.ClickException)

from linktriage._exceptions import InputError, LinkTriageError, ModelError


# Messages quote file names, header cells, URLs and lines of the user's files, which anyone can have written: line
# breaks would break the one-line promise, and other C0 / C1 controls (ESC sequences) would reach the terminal.
# Unicode's line and paragraph separators break a line too, and its direction overrides and isolates reorder what
# follows them ("https://example.com/\u202efdp.exe" shows as "...exe.pdf"): the same treatment.
_CONTROLS = {**dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
                             "\ufffd"),
             **dict.fromkeys(map(ord, "\t\n\r\v\f\u2028\u2029\x85"), " ")}


def terminal_safe(text: object) -> str:
    """``text`` as one line fit for a terminal: line breaks and tabs become spaces, other controls (and direction
    overrides) U+FFFD."""
    return str(text).translate(_CONTROLS)


def say(message: object) -> None:
    """One line on stderr, in one write: print() writes the line break apart, and two threads' lines (the server's
    warnings) ran together."""
    sys.stderr.write(f"{terminal_safe(message)}\n")


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings (a model saved by another scikit-learn, ...) as one line, without Python's source excerpt."""
    say(f"linktriage: warning: {message}")


class _Terminated:
    """SIGTERM (``timeout``, ``docker stop``, a job scheduler) stops a run the way Ctrl-C does.

    Python's default is to die on the spot: no ``finally`` runs, so an archive given as a URL is never uploaded and
    temporary files stay behind. The handler raises KeyboardInterrupt in the main thread instead, and remembers
    why, so the run ends with "terminated" and exit code 143 (128 + SIGTERM) rather than "interrupted" and 130.
    """

    def __init__(self) -> None:
        self.received = False

    def __call__(self, signum, frame) -> None:
        self.received = True
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
            yield
            return
        previous = signal.signal(signal.SIGTERM, self)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _interrupts_not_lost(terminated: _Terminated) -> Iterator[None]:
    """Deliver Ctrl-C or SIGTERM again when its KeyboardInterrupt was raised inside a finalizer.

    A signal handler raises in whatever code runs; inside a ``__del__`` (a ZipFile the garbage collector closes)
    Python only prints "Exception ignored in ..." and goes on, so the run printed a traceback and kept waiting for
    its workers, or hung (1 run in 40). The signal is sent to the main thread again, to be raised outside."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            # from another thread, once the finalizer is over: sent from here, it is raised inside this hook
            again = signal.SIGTERM if terminated.received else signal.SIGINT
            threading.Timer(0.1, signal.pthread_kill, (threading.main_thread().ident, again)).start()
            return
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def run_app(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the app (on ``args``, default sys.argv) and return the exit code; errors become one line on stderr."""
    terminated = _Terminated()
    with warnings.catch_warnings(), terminated.installed(), _interrupts_not_lost(terminated):
        warnings.showwarning = _one_line_warning
        code = _run(app, args)
    if code == _INTERRUPTED:
        say(f"linktriage: {'terminated' if terminated.received else 'interrupted'}")
        return 143 if terminated.received else 130
    return code


#: what _run returns for Ctrl-C or SIGTERM: run_app tells them apart
_INTERRUPTED = -130
#: the exit code when standard output's reader stopped reading (`score -o - | head`): 128 + SIGPIPE, as a
#: program killed by the signal reports it (shells' and `set -o pipefail`'s convention), not 1, an internal error
_READER_LEFT = 141


def _reader_left() -> bool:
    """Whether click ended the run for a broken pipe on standard output: it exits 1, after wrapping the standard
    streams so that their final flush is silent (there is no other trace of it)."""
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"


def _run(app: typer.Typer, args: list[str] | None) -> int:
    try:
        # Typer (>= 0.20) turns Ctrl-C inside a command into Exit(130) and, outside standalone mode, returns an
        # Exit's code instead of raising it: a code returned here must become the exit code, not be taken for
        # success (an interrupted run exited 0).
        code = app(args=args, standalone_mode=False)
        if code == 130:
            return _INTERRUPTED
        if isinstance(code, int) and not isinstance(code, bool) and code:
            return code
    except _EXIT as exc:
        return exc.exit_code
    except SystemExit as exc:
        if exc.code == 1 and _reader_left():
            return _READER_LEFT
        raise
    except _ABORT:
        say("linktriage: aborted")
        return 130
    except _USAGE as exc:  # a mistyped command or option: one line, as every other bad input
        message = " ".join(exc.format_message().split())
        if not message:  # `linktriage` alone: the help was printed, and "error:  (see --help)" after it said nothing
            return 2
        context = getattr(exc, "ctx", None)  # the subcommand's, or the root's (named after argv[0]: not used)
        command = "linktriage" + (f" {context.info_name}" if context is not None and context.parent else "")
        say(f"linktriage: error: {message} (see `{command} --help`)")
        return 2
    except (InputError, ModelError) as exc:  # a bad export, label file or model file given by the user
        say(f"linktriage: error: {exc}")
        return 2
    except (LinkTriageError, OSError) as exc:
        if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):
            # FileNotFoundError("...") raised with a message only has no strerror / filename: "None: None" said nothing
            say(f"linktriage: error: {exc.strerror}: {exc.filename}" if exc.strerror else f"linktriage: error: {exc}")
            return 2
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            # raised while writing, without a file name: say what to do (the previous output is kept)
            say(f"linktriage: error: {exc.strerror or exc} while writing: free some space or write the output "
                "elsewhere (the previous output, if any, is kept)")
            return 1
        say(f"linktriage: error: {exc}")
        return 1
    except KeyboardInterrupt:
        return _INTERRUPTED
    except Exception as exc:  # an internal error: one line unless asked for the traceback
        if os.environ.get("LINKTRIAGE_DEBUG"):
            raise
        say(f"linktriage: internal error: {type(exc).__name__}: {exc} "
            "(set LINKTRIAGE_DEBUG=1 for the traceback and please report it)")
        return 1
    return 0  # a non-zero code typer returned has been returned above
