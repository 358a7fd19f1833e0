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
        text = card.get("card_markdown") or _trained_card(card)
        # The markdown card was written at training time: the versions (which model a bug report is about, and
        # whether this linktriage reads it as it was meant) and the label set come from the file and this process.
        text = text.rstrip() + "\n\n" + _versions(card) if text else json.dumps(card, indent=2, default=str)
        typer.echo("\n".join(terminal_safe(line) for line in str(text).split("\n")))


def _trained_card(card: dict) -> str:
    """A readable card for a model of `linktriage train`, from the facts its card holds (the shipped model's card
    is written as markdown by training/train_model.py; `info --model` of a trained model printed JSON)."""
    if not card.get("n_links"):
        return ""
    from linktriage.metrics import Metrics, metrics_markdown

    sources = ", ".join(map(str, card.get("trained_from") or [])) or "labelled links"
    how = (f"added to the shipped training data (own share {card.get('own_share')})" if card.get("with_shipped")
           else "alone")
    lines = ["# linktriage model card", "",
             f"- Trained: {card.get('trained', 'date not recorded')} by `linktriage train` on {sources}, {how}.",
             f"- Design: {card.get('design', '?')}; seed {card.get('seed', '?')}.",
             f"- Training links: {card['n_links']} on {card.get('n_sites', '?')} sites "
             f"({card.get('n_own_links', card['n_links'])} of them the user's)."]
    skipped = card.get("skipped") or {}
    if skipped:
        lines.append("- Skipped labelled links: " + ", ".join(f"{reason}: {n}" for reason, n in skipped.items()) + ".")
    metrics = card.get("metrics_real_cv")
    if isinstance(metrics, dict):
        try:
            shown = metrics_markdown(Metrics(**{**metrics, "labels": tuple(metrics.get("labels") or ())}),
                                     f"Cross-validated, {card.get('cv_folds', '?')} folds grouped by site")
        except (TypeError, ValueError, KeyError):  # a card of another version: its JSON says it all the same
            shown = ""
        lines += ["", shown] if shown else []
    return "\n".join(lines)


def _versions(card: dict) -> str:
    running = card.get("running_versions") or {}
    return (f"## Versions\n\nModel written by linktriage {card.get('linktriage_version', '?')} with scikit-learn "
            f"{card.get('sklearn_version', '?')}; running linktriage {running.get('linktriage', '?')} with "
            f"scikit-learn {running.get('scikit-learn', '?')}.\nLabels: {', '.join(map(str, card.get('labels') or ()))}.")
