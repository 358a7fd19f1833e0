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
        text = card.get("card_markdown")
        # The markdown card was written at training time: the versions (which model a bug report is about, and
        # whether this linktriage reads it as it was meant) and the label set come from the file and this process.
        text = text.rstrip() + "\n\n" + _versions(card) if text else json.dumps(card, indent=2, default=str)
        typer.echo("\n".join(terminal_safe(line) for line in str(text).split("\n")))


def _versions(card: dict) -> str:
    running = card.get("running_versions") or {}
    return (f"## Versions\n\nModel written by linktriage {card.get('linktriage_version', '?')} with scikit-learn "
            f"{card.get('sklearn_version', '?')}; running linktriage {running.get('linktriage', '?')} with "
            f"scikit-learn {running.get('scikit-learn', '?')}.\nLabels: {', '.join(map(str, card.get('labels') or ()))}.")
