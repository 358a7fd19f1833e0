"""The ``linktriage`` command line: one thin module per command, each calling one library function.

Commands register themselves on ``app`` when their module is imported below.
"""

from __future__ import annotations

import os
import signal
import sys

import typer

app = typer.Typer(
    name="linktriage",
    help="Audit backlinks: label every link editorial, guest_post, directory, spam or link_farm.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each import registers one command on ``app``.
from linktriage.cli import _score  # noqa: E402,F401
from linktriage.cli import _info  # noqa: E402,F401
from linktriage.cli import _fetch  # noqa: E402,F401
from linktriage.cli import _train  # noqa: E402,F401
from linktriage.cli import _serve  # noqa: E402,F401
from linktriage.cli import _disavow  # noqa: E402,F401


def main() -> None:
    """Console-script entry point: run the app, turning known errors into exit codes (DESIGN.md)."""
    from linktriage.cli._errors import run_app

    code = run_app(app)
    # The run is over and has said so; what is left is the interpreter's exit, which frees the model and the
    # libraries (~0.4 s). A second Ctrl-C in it killed the process by the signal: exit -2, not the 130 the run
    # had printed "interrupted" for.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if code in (130, 143):
        # An interrupted run has ended its work and said so. Python's exit then joins every thread still running;
        # a process pool's thread, its worker killed in the middle of sending a result, waits on that pipe for
        # good, and the process hung after "terminated" (1 SIGTERM in 16). What is left to clean up is done here.
        from linktriage._cache import close_caches

        close_caches()  # else the --cache file's -wal and -shm files stay beside it
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)
