"""The ``linktriage`` command line: one thin module per command, each calling one library function.

Commands register themselves on ``app`` when their module is imported below.
"""

from __future__ import annotations

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

    sys.exit(run_app(app))
