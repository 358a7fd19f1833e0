"""Exit codes of DESIGN.md: 0 success, 2 bad usage or unreadable input (one line on stderr), 1 internal error."""

from __future__ import annotations

import os
import sys
import warnings

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


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings (a model saved by another scikit-learn, ...) as one line, without Python's source excerpt."""
    print(f"linktriage: warning: {message}", file=sys.stderr)


def run_app(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the app (on ``args``, default sys.argv) and return the exit code; errors become one line on stderr."""
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warning
        return _run(app, args)


def _run(app: typer.Typer, args: list[str] | None) -> int:
    try:
        # Outside standalone mode, typer returns an Exit's code instead of raising it, and turns Ctrl-C into
        # Exit(130): a code returned here must not be taken for success.
        code = app(args=args, standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code:
            if code == 130:
                print("linktriage: interrupted", file=sys.stderr)
            return code
    except _EXIT as exc:
        return exc.exit_code
    except _ABORT:
        print("linktriage: aborted", file=sys.stderr)
        return 130
    except _USAGE as exc:  # a mistyped command or option: one line, as every other bad input
        context = getattr(exc, "ctx", None)  # the subcommand's, or the root's (named after argv[0]: not used)
        command = "linktriage" + (f" {context.info_name}" if context is not None and context.parent else "")
        print(f"linktriage: error: {' '.join(exc.format_message().split())} (see `{command} --help`)",
              file=sys.stderr)
        return 2
    except (InputError, ModelError) as exc:  # a bad export, label file or model file given by the user
        print(f"linktriage: error: {exc}", file=sys.stderr)
        return 2
    except (LinkTriageError, OSError) as exc:
        if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):
            print(f"linktriage: error: {exc.strerror}: {exc.filename}", file=sys.stderr)
            return 2
        print(f"linktriage: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("linktriage: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: one line unless asked for the traceback
        if os.environ.get("LINKTRIAGE_DEBUG"):
            raise
        print(
            f"linktriage: internal error: {type(exc).__name__}: {exc} "
            "(set LINKTRIAGE_DEBUG=1 for the traceback and please report it)",
            file=sys.stderr,
        )
        return 1
    return 0
