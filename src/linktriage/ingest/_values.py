"""Cell values: URLs cleaned or flagged, metrics typed (numbers, flags, text) per column.

Typing is decided once per column (from its field name), so each cell costs one function call.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import math
import re
from typing import Callable, Sequence
from urllib.parse import quote, urlsplit

from linktriage._records import INVISIBLE_MARKS

__all__ = ["MODEL_METRIC_COLUMNS", "clean_url", "converter_for", "site_url"]

#: Canonical numeric export columns the classifier may use as optional features (NaN when an export lacks one).
#: Flags count as numbers (True = 1).
MODEL_METRIC_COLUMNS: tuple[str, ...] = (
    "export_domain_rating", "export_url_rating", "export_traffic", "export_page_ascore", "export_trust_flow",
    "export_citation_flow", "export_spam_score", "export_domain_authority", "export_page_authority",
    "export_external_links", "export_internal_links", "export_sitewide", "export_nofollow", "export_ugc",
    "export_sponsored",
)

FLAGS = frozenset({"nofollow", "ugc", "sponsored", "sitewide"})
TEXT = frozenset({"title", "left_context", "right_context", "first_seen", "last_seen", "rel", "link_position"})
NUMERIC = frozenset(name.removeprefix("export_") for name in MODEL_METRIC_COLUMNS) - FLAGS

# yes / no and true / false in English, German, French, Spanish, Italian, Portuguese and Dutch (docs/formats.md)
_TRUE = frozenset({"true", "1", "yes", "y", "nofollow", "x", "✓", "wahr", "vrai", "verdadero", "sí", "si", "sim",
                   "vero", "waar", "ja", "oui", "sì"})
_FALSE = frozenset({"false", "0", "no", "n", "", "dofollow", "follow", "falsch", "faux", "falso", "não", "nao",
                    "onwaar", "nein", "non", "nee"})
#: the true / false words a column of other text can hold as a flag: _TRUE and _FALSE without the short or
#: ambiguous ones ("x", "y", "n", "1", "si", "follow", ...), which mean other things in a text column
_WORD_TRUE = frozenset({"true", "yes", "wahr", "vrai", "verdadero", "vero", "waar"})
_WORD_FALSE = frozenset({"false", "no", "falsch", "faux", "falso", "onwaar"})
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
#: "1.234", "1.234.567": thousands grouped by dots where a comma is the decimal mark (not "0.123")
_DOT_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_EU_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
_MISSING = frozenset({"", "-", "—", "n/a", "na", "null", "none", "nan"})

Value = object
Converter = Callable[[object], Value]


def parse_number(text: str, decimal_comma: bool = False) -> int | float | None:
    """``"12"`` -> 12, ``"3.5"`` -> 3.5, ``"1,234"`` -> 1234, ``"1,234.5"`` -> 1234.5; with ``decimal_comma`` (files
    that write one): ``"12,5"`` -> 12.5, ``"1.234"`` -> 1234, ``"1.234,5"`` -> 1234.5; else None. A number too large
    for a float (``"1e400"``) is None too: as infinity it was ``inf`` in CSV, null in JSONL and empty in a workbook."""
    number = _parsed_number(text, decimal_comma)
    return None if isinstance(number, float) and not math.isfinite(number) else number


def _parsed_number(text: str, decimal_comma: bool) -> int | float | None:
    if _INT.fullmatch(text):
        return int(text)
    if decimal_comma:
        if _DOT_THOUSANDS.fullmatch(text):  # German Excel's "1.234" is a thousand and more, not 1.234
            return int(text.replace(".", ""))
        if _DECIMAL_COMMA.fullmatch(text):
            return float(text.replace(",", "."))
        if _EU_THOUSANDS.fullmatch(text):
            return float(text.replace(".", "").replace(",", "."))
    if _FLOAT.fullmatch(text):
        return float(text)
    if not decimal_comma and _THOUSANDS.fullmatch(text):  # "1,234" and "1,234.5"
        number = text.replace(",", "")
        return float(number) if "." in number else int(number)
    return None


def _as_text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _text(value: object) -> str | None:
    if type(value) is str:
        return value.strip() or None
    text = _as_text(value)
    return text or None


def parse_flag(value: object) -> bool | None:
    """A yes / no cell as spreadsheets and label files write it (True, 1, "yes", "WAHR", "x"); None when empty or
    not a flag. The one reading of flags: export columns, label files' `generated`, predictions' `toxic`."""
    flag = _flag_or_text(value)
    return flag if isinstance(flag, bool) else None


def _flag_or_text(value: object) -> bool | str | None:
    """The cell as a flag; text that is no flag as written; None for an empty or missing cell ("", "-", "n/a")."""
    if isinstance(value, bool) or value is None:
        return value
    text = _as_text(value)
    folded = text.casefold()
    if folded in _MISSING:
        return None
    return True if folded in _TRUE else False if folded in _FALSE else text


def _flag(inverted: bool) -> Converter:
    def convert(value: object) -> bool | str | None:
        flag = _flag_or_text(value)
        return flag != inverted if isinstance(flag, bool) else flag
    return convert


def _numeric(decimal_comma: bool) -> Converter:
    def convert(value: object) -> int | float | None:
        if type(value) is str and value.isascii() and value.isdigit():  # the common case: a plain count or score
            return int(value)
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
            # a workbook's number shown in a date format (a format pasted over the column): openpyxl hands over
            # the date, the cell holds the number (a Domain Rating of 74 read as 1900-03-14, then as no value)
            from openpyxl.utils.datetime import to_excel

            number = float(to_excel(value))
            return int(number) if number.is_integer() else number
        # spaces group thousands in French and other locales: plain, no-break, narrow no-break, thin
        text = re.sub(r"[ \u00a0\u202f\u2009]", "", _as_text(value))
        number = parse_number(text.rstrip("%"), decimal_comma)
        return number  # an unreadable value in a numeric column is missing, not a string the model chokes on
    return convert


def _auto(decimal_comma: bool) -> Converter:
    def convert(value: object) -> Value:
        if type(value) is str and value.isascii() and value.isdigit():
            return int(value)
        if isinstance(value, (bool, int, float)):
            return value
        text = _as_text(value)
        if not text:
            return None
        lowered = text.casefold()
        if lowered in _WORD_TRUE or lowered in _WORD_FALSE:  # Semrush's WAHR / FALSCH, Moz's Yes / No
            return lowered in _WORD_TRUE
        number = parse_number(text, decimal_comma)
        return text if number is None else number
    return convert


def converter_for(field: str, *, decimal_comma: bool = False, inverted: bool = False) -> Converter:
    """How the cells of the column carrying ``field`` (without ``export_``) become values."""
    if field in FLAGS or field.startswith("flag_"):
        return _flag(inverted)
    if field in TEXT:
        return _text
    if field in NUMERIC:
        return _numeric(decimal_comma)
    return _auto(decimal_comma)


def cell_text(value: object) -> str:
    """A cell as stripped text (xlsx cells may be numbers or dates)."""
    return _as_text(value)


def blank_cells(record: Sequence[object]) -> bool:
    """Whether every cell of a workbook row is empty or blank: such a row is no row."""
    return not any(cell_text(c) for c in record)


_HOST = re.compile(r"[\w\-.]+", re.UNICODE)
# the common case, checked in one regex: http(s), an ASCII host with a dot and a top-level label holding a letter
# (a numeric one is an IPv4 address or invalid: _valid_host), a short port, no spaces
_PLAIN_URL = re.compile(r"https?://(?:[a-z0-9\-]+\.)+[a-z0-9\-]*[a-z][a-z0-9\-]*(?::\d{1,4})?(?:[/?#]\S*)?",
                        re.IGNORECASE)
_SPACE = re.compile(r"\s")
_BROKEN_LINE = re.compile(r"[\t\r\n]")
#: a line break or tab before another URL: two URLs in one cell, not one wrapped
_SECOND_URL = re.compile(r"[\t\r\n]\s*(?:https?:|www\.)", re.IGNORECASE)
# stripped around a URL: whitespace, and the invisible BOM / zero-width / direction marks a concatenated file or a
# copy from a web page leaves (str.strip does not count them as whitespace)
_BLANKS = " \t\r\n" + INVISIBLE_MARKS
# brackets and quotes around a URL ("<https://...>", '"https://..."'); a closing one alone is part of the URL
_WRAPPERS = {"<": ">", '"': '"', "'": "'"}
# a spreadsheet string: "" stands for one quote inside it
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
# =HYPERLINK("url") or =HYPERLINK("url", label) (";" in locales with decimal commas): the url, and the label as
# written (a string, or a cell reference or expression); a cell reference in place of the url is not a URL
_HYPERLINK = re.compile(rf'=\s*HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*({_QUOTED.pattern}|.*?)\s*)?\)',
                        re.IGNORECASE | re.DOTALL)
_SCHEMELESS = re.compile(r"(?:[\w\-]+\.)+[\w\-]{2,}(?::\d{1,5})?(?:[/?#].*)?", re.UNICODE | re.DOTALL)


def clean_url(raw: object) -> tuple[str, str]:
    """``(url, "")`` for a usable http(s) URL, else ``(stripped text, reason)``.

    Whitespace is stripped; a scheme-less ``example.com/page`` or ``//example.com/page`` gets ``http://``; a
    spreadsheet's ``=HYPERLINK("url", "label")`` gives its url.
    """
    link = getattr(raw, "link", "")  # a workbook's linked cell (ingest._xlsx.LinkedText): its url
    if link:
        url, error = clean_url(link)
        if not error:
            return url, ""
    text = _unwrapped(_as_text(raw))
    if _SECOND_URL.search(text):  # encoded as one (…/x%0Ahttps://b…), it named neither page
        return text, "two URLs in one cell: give each link its own row"
    # a URL wrapped over two lines of a cell ("/long-\npage"): browsers drop tabs and line breaks from a URL
    # (WHATWG URL standard), where encoded as %0A it named another page, never found
    text = _BROKEN_LINE.sub("", text)
    if _PLAIN_URL.fullmatch(text):
        return text, ""
    if not text:
        return "", "empty source URL"
    if text.startswith("="):
        formula = _HYPERLINK.fullmatch(text)
        if formula:
            return clean_url(formula.group(1))
    if text.startswith("//"):
        text = "http:" + text
    elif "://" not in text and _SCHEMELESS.fullmatch(text):
        text = "http://" + text
    if _SPACE.search(text):
        text = _spaces_encoded(text)
        if _SPACE.search(text):
            return text, "not a URL (contains spaces)"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return text, "not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return text, f"not a web URL (scheme {parts.scheme!r})" if parts.scheme else "not a URL"
    if not _valid_host(parts.hostname or ""):
        return text, "not a URL (no valid host name)"
    return text, ""


def _after_host_space(match: re.Match) -> str:
    return quote(match.group(), safe="")


def _spaces_encoded(text: str) -> str:
    """``text`` with blanks after the host percent-encoded, as a browser sends them: exports print URLs decoded
    ("/search?q=trail shoes", "&title=Types of Service"), and such a row was "not a URL" though its host is fine.
    A blank in the scheme or host leaves ``text`` as it is: no browser makes a URL of that."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    host_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    if _SPACE.search(scheme) or _SPACE.search(rest[:host_end]):
        return text
    return f"{scheme}://{rest[:host_end]}{_SPACE.sub(_after_host_space, rest[host_end:])}"


def _unwrapped(text: str) -> str:
    """``text`` without surrounding blanks, brackets and quotes. A closing bracket or quote goes only with its
    opening one: `share.php?u=<url>` and `search?q="shoes"` end with theirs (they were cut, and the link then
    reported missing from a page that has it); an opening one goes alone, as no URL starts with it."""
    text = text.strip(_BLANKS)
    while text and text[0] in _WRAPPERS:
        closing = _WRAPPERS[text[0]]
        text = text[1:]
        if text.endswith(closing):
            text = text[:-1]
        text = text.strip(_BLANKS)
    return text


def shown_text(text: str) -> str:
    """A text cell as a spreadsheet shows it: ``=HYPERLINK("url", "label")`` shows its label (``"url"`` alone, its
    url), as a workbook's cell does; any other text, a guarded ``'=...`` or a label from a cell reference, as is."""
    formula = _HYPERLINK.fullmatch(text) if text.startswith("=") else None
    if formula is None:
        return text
    label = formula.group(2)
    if label is None:
        return formula.group(1)
    string = _QUOTED.fullmatch(label)
    return text if string is None else string.group(1).replace('""', '"')


def _valid_host(host: str) -> bool:
    if ":" in host:  # an IPv6 literal (urlsplit drops the brackets)
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    if not (_HOST.fullmatch(host) and ("." in host.strip(".") or host == "localhost") and ".." not in host
            and not host.startswith(".")):  # "example.org." is a name; ".example.org" is not
        return False
    if host.rstrip(".").rsplit(".", 1)[-1].isdigit():  # as browsers read it: an IPv4 address or nothing
        try:
            ipaddress.IPv4Address(host.rstrip("."))
        except ValueError:  # 1.2.3.4.5, 999.1.1.1, example.123
            return False
    return True


def site_url(site: str) -> str:
    """The ``--site`` value as a URL: ``example.com``, ``https://example.com/`` or ``sc-domain:example.com``."""
    text = site.strip()
    if text.casefold().startswith("sc-domain:"):
        text = text.split(":", 1)[1].strip()
    url, error = clean_url(text)
    if error:
        from linktriage._exceptions import InputError

        error = "no site after it" if error == "empty source URL" else error  # "sc-domain:" alone
        raise InputError(f"--site {site!r} is not a site URL ({error}): pass it like https://example.com/")
    return url
