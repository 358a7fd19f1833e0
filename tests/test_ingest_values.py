"""Cell-level reading (URLs, numbers, flags), the layout tables' consistency, and a round-trip property:
whatever a CSV writer produces in any supported encoding / delimiter / line end is read back exactly."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from linktriage import InputError
from linktriage.ingest import read_exports
from linktriage.ingest._catalog import LAYOUTS
from linktriage.ingest._layout import normalize_header, snake_case
from linktriage.ingest._values import clean_url, converter_for, parse_number, site_url


@pytest.mark.parametrize("raw, expected", [
    ("https://example.com/a?b=1#c", ("https://example.com/a?b=1#c", "")),
    ("  http://example.com/  \n", ("http://example.com/", "")),
    ("example.com/page", ("http://example.com/page", "")),
    ("www.example.co.uk", ("http://www.example.co.uk", "")),
    ("//cdn.example.com/x", ("http://cdn.example.com/x", "")),
    ("sub.example.com:8080/x", ("http://sub.example.com:8080/x", "")),
    ("https://bücher.example/straße", ("https://bücher.example/straße", "")),
    ("<https://example.com/>", ("https://example.com/", "")),
    (' "https://example.com/a" ', ("https://example.com/a", "")),
    ("'<https://example.com/a>'", ("https://example.com/a", "")),
    ('"https://example.com/a', ("https://example.com/a", "")),
    # a closing bracket or quote without its opening one is the URL's own
    ("http://www.facebook.com/share.php?u=<url>", ("http://www.facebook.com/share.php?u=<url>", "")),
    ('https://b.example.com/search?q="shoes"', ('https://b.example.com/search?q="shoes"', "")),
    ("https://a.example.com/it's", ("https://a.example.com/it's", "")),
    ("HTTPS://EXAMPLE.COM/", ("HTTPS://EXAMPLE.COM/", "")),
    ("http://localhost:8000/x", ("http://localhost:8000/x", "")),
    ("http://[::1]/x", ("http://[::1]/x", "")),
    ("", ("", "empty source URL")),
    (None, ("", "empty source URL")),
    ("   ", ("", "empty source URL")),
    ("n/a", ("n/a", "not a URL")),
    ("-", ("-", "not a URL")),
    ("not a url", ("not a url", "not a URL (contains spaces)")),
    ("mailto:someone@example.com", ("mailto:someone@example.com", "not a web URL (scheme 'mailto')")),
    ("javascript:void(0)", ("javascript:void(0)", "not a web URL (scheme 'javascript')")),
    ("ftp://example.com/file", ("ftp://example.com/file", "not a web URL (scheme 'ftp')")),
    ("http://", ("http://", "not a URL (no valid host name)")),
    ("http://exa mple.com", ("http://exa mple.com", "not a URL (contains spaces)")),
    ("http://exa mple.com/a b", ("http://exa mple.com/a b", "not a URL (contains spaces)")),
    # blanks after the host are encoded, as browsers send them (exports print URLs decoded)
    ("https://www.linkedin.com/shareArticle?title=Types of Service",
     ("https://www.linkedin.com/shareArticle?title=Types%20of%20Service", "")),
    # a tab or line break inside a URL is dropped, as browsers drop it (WHATWG); a space is encoded
    ("https://example.com/my page\there#a b", ("https://example.com/my%20pagehere#a%20b", "")),
    ("https://a.example.org/long-\npage", ("https://a.example.org/long-page", "")),
    ("https://a.example.org/x\nhttps://b.example.org/y",
     ("https://a.example.org/x\nhttps://b.example.org/y", "two URLs in one cell: give each link its own row")),
    ("example.com/search?q=trail shoes", ("http://example.com/search?q=trail%20shoes", "")),
    ("http://example..com/", ("http://example..com/", "not a URL (no valid host name)")),
    ("http://example.com:99999/", ("http://example.com:99999/", "not a valid URL")),
    ("https://nodot/", ("https://nodot/", "not a URL (no valid host name)")),
    ("https://.example.org/", ("https://.example.org/", "not a URL (no valid host name)")),
    ("https://1.2.3.4.5/", ("https://1.2.3.4.5/", "not a URL (no valid host name)")),
    ("http://999.1.1.1/", ("http://999.1.1.1/", "not a URL (no valid host name)")),
    ("http://example.123/", ("http://example.123/", "not a URL (no valid host name)")),
    ("http://192.168.0.10:8080/x", ("http://192.168.0.10:8080/x", "")),
    ("http://example.org./x", ("http://example.org./x", "")),
    ("http://1and1.example.com/", ("http://1and1.example.com/", "")),
    (12345, ("12345", "not a URL")),
])
def test_clean_url(raw, expected):
    assert clean_url(raw) == expected


def test_site_url():
    assert site_url("sc-domain:example.com") == "http://example.com"
    assert site_url(" https://example.com/ ") == "https://example.com/"
    with pytest.raises(InputError, match="is not a site URL"):
        site_url("mailto:x@example.com")
    # a Search Console property with nothing after it said "(empty source URL)"
    with pytest.raises(InputError, match=r"--site 'sc-domain:' is not a site URL \(no site after it\)"):
        site_url("sc-domain:")


@pytest.mark.parametrize("text, decimal_comma, expected", [
    ("12", False, 12), ("-3", False, -3), ("3.5", False, 3.5), (".5", False, 0.5), ("1e3", False, 1000.0),
    ("1,234", False, 1234), ("1,234,567", False, 1234567), ("12,5", True, 12.5), ("1.234,5", True, 1234.5),
    ("12,5", False, None), ("1,23", False, None), ("abc", False, None), ("", False, None), ("2024-01-02", False, None),
])
def test_parse_number(text, decimal_comma, expected):
    assert parse_number(text, decimal_comma) == expected


@pytest.mark.parametrize("field, value, expected", [
    ("nofollow", "true", True), ("nofollow", "FALSE", False), ("nofollow", "1", True), ("nofollow", "0", False),
    ("nofollow", "nofollow", True), ("nofollow", "dofollow", False), ("nofollow", "", None), ("nofollow", True, True),
    ("nofollow", "maybe", "maybe"), ("nofollow", "-", None), ("nofollow", "N/A", None), ("nofollow", " Maybe ", "Maybe"),
    ("nofollow", "WAHR", True), ("flag_image_link", "1", True), ("sitewide", "yes", True),
    ("domain_rating", "54", 54), ("domain_rating", "n/a", None), ("domain_rating", "12%", 12),
    ("domain_rating", 3.0, 3.0), ("traffic", "1 234", 1234),
    ("title", "2024", "2024"), ("first_seen", "2024-01-02", "2024-01-02"), ("title", "  ", None),
    ("anything", "true", True), ("anything", "7", 7), ("anything", "7.5", 7.5), ("anything", "seven", "seven"),
    ("anything", "", None), ("anything", "2024-01-02", "2024-01-02"),
])
def test_converters(field, value, expected):
    result = converter_for(field)(value)
    assert result == expected and type(result) is type(expected)


def test_inverted_flag():
    follow = converter_for("nofollow", inverted=True)
    assert (follow("True"), follow("False"), follow(""), follow(False)) == (False, True, None, True)


@pytest.mark.parametrize("header, expected", [
    ("SourceTopicalTrustFlow_Topic_0", "source_topical_trust_flow_topic_0"), ("Size (Bytes)", "size_bytes"),
    ("Referring page HTTP code", "referring_page_http_code"), ("前回のクロール", "前回のクロール"), ("#", ""),
])
def test_snake_case(header, expected):
    assert snake_case(header) == expected


def test_each_layout_maps_every_header_to_one_field():
    for layout in LAYOUTS:
        seen: dict[str, str] = {}
        for name, aliases in layout.fields.items():
            assert aliases, (layout.name, name)
            for alias in aliases:
                key = normalize_header(alias)
                assert seen.setdefault(key, name) == name, f"{layout.name}: {alias!r} is {seen[key]} and {name}"


def test_layout_names_are_unique():
    names = [layout.name for layout in LAYOUTS]
    assert len(names) == len(set(names))


anchors = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\x85\u2028\u2029")
    | st.sampled_from(list(',;\t"\n\r\'')),
    max_size=30,
).map(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(st.integers(0, 10**6), anchors), min_size=1, max_size=15),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]),
    delimiter=st.sampled_from([",", "\t", ";"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_round_trip_of_whatever_a_csv_writer_writes(tmp_path, rows, encoding, delimiter, newline, quoting):
    # csv.writer leaves a lone "\r" unquoted when lines end in "\n": no reader can tell it from a line end
    assume(quoting == csv.QUOTE_ALL or newline == "\r\n" or not any("\r" in anchor for _, anchor in rows))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(["source_url", "target_url", "anchor"])
    for number, anchor in rows:
        writer.writerow([f"https://s{number}.example.org/p?a=1,2;3", "https://t.example.com/", anchor])
    data = buffer.getvalue().encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # what Excel and Ahrefs write: with BOM
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    path = tmp_path / "roundtrip.csv"
    path.write_bytes(data)
    read = [(b.source_url, b.anchor) for b in read_exports([path])]
    assert read == [(f"https://s{n}.example.org/p?a=1,2;3", anchor) for n, anchor in rows]


def test_hyperlink_formulas_and_invisible_characters_around_urls(tmp_path):
    """A spreadsheet-made export may hold =HYPERLINK("url", "label") cells; a concatenated or pasted one a BOM or a
    zero-width space before a URL. Those links are usable: they were error rows ('not a URL')."""
    path = tmp_path / "links.csv"
    path.write_text('source_url,target_url\n'
                    '"=HYPERLINK(""https://a.example.org/1"")",https://t.example/\n'
                    '"=hyperlink(""https://a.example.org/2"" ; ""Two"")",https://t.example/\n'
                    '"=HYPERLINK(""https://a.example.org/3"",""Three"")","=HYPERLINK(""https://t.example/x"")"\n'
                    '\ufeffhttps://a.example.org/4,https://t.example/\n'
                    '\u200bhttps://a.example.org/5\u200b,https://t.example/\n'
                    '=HYPERLINK(A1),https://t.example/\n', encoding="utf-8")
    backlinks = list(read_exports([path]))
    assert [(b.source_url, b.error) for b in backlinks] == [
        (f"https://a.example.org/{i}", "") for i in range(1, 6)] + [("=HYPERLINK(A1)", "not a URL")]
    assert backlinks[2].target_url == "https://t.example/x"


@pytest.mark.parametrize("text, decimal_comma, number", [
    ("1.234", True, 1234), ("1.234.567", True, 1234567), ("-1.234", True, -1234), ("1.234,5", True, 1234.5),
    ("12,5", True, 12.5), ("0.123", True, 0.123), ("3.5", True, 3.5),
    ("1,234.5", False, 1234.5), ("1,234", False, 1234), ("1.234", False, 1.234), ("15,3", False, None),
])
def test_numbers_as_locales_write_them(text, decimal_comma, number):
    """German Excel's "1.234" (a thousand and more) came out 1.234, "1.234.567" empty; "1,234.5" came out empty."""
    from linktriage.ingest._values import parse_number

    assert parse_number(text, decimal_comma) == number


def test_spaces_grouping_thousands_and_true_false_words_in_text_columns():
    from linktriage.ingest._values import converter_for

    count = converter_for("external_links")
    assert count("1\u202f234") == count("1\u2009234") == count("1\u00a0234") == count("1 234") == 1234
    other = converter_for("new_link")  # a column of no known kind: typed cell by cell
    assert [other(v) for v in ("WAHR", "FALSCH", "Yes", "no", "vrai", "x", "si", "Followed")] == [
        True, False, True, False, True, "x", "si", "Followed"]


def test_a_hyperlink_formula_in_a_csv_anchor_cell_gives_the_text_it_shows(tmp_path):
    """A workbook's =HYPERLINK("url", "label") anchor cell was read as its label, the same cell saved as CSV as the
    formula's text: the anchor then matched no link text on the page. A guarded '= cell is text, as written."""
    path = tmp_path / "links.csv"
    path.write_text('source_url,target_url,anchor\n'
                    'https://a.example.org/1,https://t.example/,"=HYPERLINK(""https://t.example/"",""Best boots"")"\n'
                    'https://a.example.org/2,https://t.example/,"=hyperlink(""https://t.example/""; ""Say """"hi"""""")"\n'
                    'https://a.example.org/3,https://t.example/,"=HYPERLINK(""https://t.example/"")"\n'
                    'https://a.example.org/4,https://t.example/,"\'=HYPERLINK(""https://t.example/"",""Kept"")"\n'
                    'https://a.example.org/5,https://t.example/,=HYPERLINK(A1; B1)\n'
                    'https://a.example.org/6,https://t.example/,plain words\n', encoding="utf-8")
    assert [b.anchor for b in read_exports([path])] == [
        "Best boots", 'Say "hi"', "https://t.example/", '=HYPERLINK("https://t.example/","Kept")',
        "=HYPERLINK(A1; B1)", "plain words"]


def test_a_number_too_large_for_a_float_is_no_number():
    """"1e400" became infinity: `inf` in CSV, null in JSONL, an empty cell in a workbook, for one export cell."""
    from linktriage.ingest._values import converter_for, parse_number

    assert parse_number("1e400") is None and parse_number("-1e400") is None
    assert parse_number("1" * 400 + ",5", decimal_comma=True) is None
    # a known metric column holds numbers: empty, as for any value that is none; another column keeps the text
    assert converter_for("domain_rating")("1e400") is None and converter_for("domain_rating")("1e3") == 1000.0
    assert converter_for("notes")("1e400") == "1e400"


@pytest.mark.parametrize("word, flag", [("ja", True), ("JA", True), ("oui", True), ("sì", True), ("nein", False),
                                        ("non", False), ("nee", False), ("Oui", True)])
def test_yes_and_no_in_the_languages_the_docs_name_are_flags(word, flag):
    """docs/formats.md promises yes / no in German, French, Spanish, Italian, Portuguese and Dutch; "oui", "nein",
    "nee" and a German Excel's "JA" stayed text in a Nofollow column, beside booleans."""
    from linktriage.ingest._values import converter_for, parse_flag

    assert parse_flag(word) is flag and converter_for("nofollow")(word) is flag
