"""Terminal rendering shared by commands: the readable table and a quiet-when-piped row counter."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from linktriage.cli._errors import terminal_safe

MAX_TABLE_ROWS = 200
_LABEL_STYLE = {"editorial": "green", "guest_post": "cyan", "directory": "blue", "spam": "red", "link_farm": "magenta"}


def print_table(rows: list[dict], total: int | None = None) -> None:
    """A table of scored rows on stderr: the page, label, confidence, position, status and reasons.

    ``rows`` may be the first MAX_TABLE_ROWS of a run (ScoreProgress keeps no more); ``total`` is the run's."""
    # a terminal's own width (rich folds long cells); piped, 140 columns rather than rich's 80
    console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
    table = Table(show_lines=False, header_style="bold")
    for column in ("source", "label", "conf.", "position", "status", "reasons"):
        table.add_column(column, overflow="fold")
    for row in rows[:MAX_TABLE_ROWS]:
        label = row["label"] or ""
        table.add_row(
            _plain((row["source_url"] or "")[:60]), Text(label or "-", style=_LABEL_STYLE.get(label, "white")),
            f"{row['confidence']:.2f}" if row["confidence"] is not None else "", _plain(row["position"]),
            _plain(row["link_status"]), _plain(row["reasons"]),
        )
    console.print(table)
    total = max(total or 0, len(rows))  # the rows kept stop at MAX_TABLE_ROWS: their count never said more
    if total > MAX_TABLE_ROWS:
        console.print(f"... {total - MAX_TABLE_ROWS} more rows in the output file")


def _plain(value: str | None) -> Text:
    """Text from exports and pages as a table cell: shown as it is (no rich markup: "[/]" in a URL is no tag), with
    no terminal controls (an ESC sequence in a URL would reach the terminal)."""
    return Text(terminal_safe(value or ""))


class ScoreProgress:
    """Count scored rows on a terminal (silent when stderr is piped); keep the first rows for the table.
    ``finish()`` clears the counter's line, so what is printed next starts on a line of its own."""

    def __init__(self, keep: list[dict] | None) -> None:
        self.keep, self.done, self.interactive = keep, 0, sys.stderr.isatty()

    def __call__(self, rows: list[dict]) -> None:
        self.done += len(rows)
        if self.keep is not None and len(self.keep) < MAX_TABLE_ROWS:
            self.keep.extend(rows[: MAX_TABLE_ROWS - len(self.keep)])
        if self.interactive:
            print(f"\rlinktriage: {self.done} rows scored", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.interactive and self.done:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def print_metrics(metrics, title: str, *, stderr: bool = True) -> None:
    """Per-class precision / recall / F1, the headline numbers and the confusion matrix: on stderr beside `train`'s
    progress (its result is the model file), on stdout for `evaluate`, whose result they are."""
    console = Console(stderr=stderr)
    # Rendered, then written as plain text: on a closed pipe (`evaluate ... | head`) rich exits 1 by itself, which
    # DESIGN.md reserves for internal errors; a plain write's broken pipe ends the run as any other (exit 141).
    with console.capture() as captured:
        _render_metrics(console, metrics, title)
    stream = sys.stderr if stderr else sys.stdout
    stream.write(captured.get())
    stream.flush()


def _render_metrics(console: Console, metrics, title: str) -> None:
    from linktriage.metrics import metric_cells, one_label_note

    table = Table(title=f"{title}: {metrics.n} links", header_style="bold")
    for column in ("label", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label in metrics.labels:
        table.add_row(label, *metric_cells(metrics, label), str(metrics.support[label]))
    console.print(table)
    auc = "n/a" if metrics.toxic_auc is None else f"{metrics.toxic_auc:.3f}"
    console.print(f"macro-F1 {metrics.macro_f1:.3f}  accuracy {metrics.accuracy:.3f}  "
                  f"calibration error (ECE) {metrics.ece:.3f}  toxic-vs-rest ROC AUC {auc}")
    if note := one_label_note(metrics):
        console.print(note, markup=False, highlight=False)
    confusion = Table(title="confusion (rows: true label, columns: predicted)", header_style="bold")
    confusion.add_column("")
    for label in metrics.labels:
        confusion.add_column(label[:10], justify="right")
    for label, counts in zip(metrics.labels, metrics.confusion):
        confusion.add_row(label, *map(str, counts))
    console.print(confusion)
