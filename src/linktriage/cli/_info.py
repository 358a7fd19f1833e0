"""`linktriage info`: the model card, versions and label set."""

from __future__ import annotations

import json
from typing import Optional

import typer

from linktriage.cli import app
from linktriage.cli._errors import terminal_safe


@app.command()
def info(
    model: Optional[str] = typer.Option(None, "--model", help="Model file (default: the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print the card as JSON."),
) -> None:
    """Print the model card, versions and label set.

    Example: linktriage info
    """
    from linktriage.pipeline import model_info

    card = model_info(model)
    if as_json:
        typer.echo(json.dumps(card, indent=2, default=str))
    else:
        # The card comes from the model file, which may come from anyone: no terminal controls, line breaks kept.
        text = card.get("card_markdown") or json.dumps(card, indent=2, default=str)
        typer.echo("\n".join(terminal_safe(line) for line in str(text).split("\n")))
