"""Reading every supported export: one fixture per vendor / variant, checked record by record.

The fixtures (tests/fixtures/exports, written by make_fixtures.py from the documented headers) carry the awkward
cases: UTF-16 LE and BE with BOM, UTF-8 BOM, CRLF, a preamble, localized headers, quoted fields with commas, quotes
and newlines, semicolons, trailing empty columns.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import linktriage.ingest as ingest
from linktriage import Backlink, InputError
from linktriage.ingest import MODEL_METRIC_COLUMNS, ExportFormat, detect_format, read_exports

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports"
SITE = "https://trailgear.example.com/"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def read(name: str, **kwargs) -> list[Backlink]:
    return list(read_exports([fixture(name)], **kwargs))


def test_public_surface_is_pinned():
    assert sorted(ingest.__all__) == ["ExportFormat", "MODEL_METRIC_COLUMNS", "detect_format", "read_exports"]
    assert all(name.startswith("export_") for name in MODEL_METRIC_COLUMNS)


AHREFS_ROW0 = {
    "export_title": "Best hiking boots of 2024", "export_language": "en", "export_platform": "blog",
    "export_referring_page_http_code": 200, "export_domain_rating": 54, "export_url_rating": 12,
    "export_domain_traffic": 1520, "export_referring_domains": 312, "export_linked_domains": 88,
    "export_external_links": 41, "export_traffic": 230, "export_keywords": 17,
    "export_left_context": "we tested twelve pairs; the", "export_right_context": "for long trails.",
    "export_type": "text", "export_content": True, "export_nofollow": False, "export_ugc": False,
    "export_sponsored": False, "export_rendered": False, "export_raw": True, "export_lost_status": None,
    "export_drop_reason": None, "export_discovered_status": None, "export_first_seen": "2023-04-18 10:12:00",
    "export_last_seen": "2024-05-02 07:55:41", "export_lost": None, "export_links_in_group": 1,
}
AHREFS_ROW1 = {
    **AHREFS_ROW0, "export_title": "Links | Cheap SEO Directory", "export_platform": None,
    "export_domain_rating": 3, "export_url_rating": 0, "export_domain_traffic": 0, "export_referring_domains": 4,
    "export_linked_domains": 5120, "export_external_links": 812, "export_traffic": 0, "export_keywords": 0,
    "export_left_context": None, "export_right_context": None, "export_content": False, "export_nofollow": True,
    "export_first_seen": "2022-11-01 00:00:00", "export_last_seen": "2024-04-30 12:00:00",
    "export_links_in_group": 3,
}


def test_ahrefs_current_export_utf16le_tab_crlf():
    name = fixture("ahrefs_backlinks_utf16le.tsv")
    fmt = detect_format(name)
    assert (fmt.vendor, fmt.variant, fmt.encoding, fmt.bom, fmt.delimiter, fmt.header_row) == (
        "ahrefs", "backlinks", "utf-16-le", True, "\t", 0)
    assert fmt.mapping["Referring page URL"] == "source_url" and fmt.mapping["UR"] == "export_url_rating"
    orphan = {key: None for key in AHREFS_ROW0} | {
        "export_type": "text", "export_content": False, "export_nofollow": False, "export_ugc": False,
        "export_sponsored": False, "export_rendered": False, "export_raw": True}
    assert list(read_exports([name])) == [
        Backlink(row=0, source_url="https://outdoor-review.example.org/boots/",
                 target_url="https://trailgear.example.com/boots",
                 anchor='sturdiest pair, by "far"\r\nwas this one', export_file=name, export=AHREFS_ROW0),
        # a scheme-less source URL gets http://
        Backlink(row=1, source_url="http://seo-links-directory.example.net/page/7", target_url=SITE,
                 anchor="trailgear", export_file=name, export=AHREFS_ROW1),
        # no source URL: the row still comes out, with the reason
        Backlink(row=2, source_url="", target_url=SITE, anchor="orphan row", export_file=name, export=orphan,
                 error="empty source URL"),
    ]


def test_ahrefs_utf8_csv_option_reads_the_same():
    name = fixture("ahrefs_backlinks_utf8.csv")
    fmt = detect_format(name)
    assert (fmt.vendor, fmt.variant, fmt.encoding, fmt.bom, fmt.delimiter) == ("ahrefs", "backlinks", "utf-8", True, ",")
    assert list(read_exports([name])) == [
        Backlink(row=0, source_url="https://outdoor-review.example.org/boots/",
                 target_url="https://trailgear.example.com/boots", anchor='sturdiest pair, by "far"\nwas this one',
                 export_file=name, export=AHREFS_ROW0),
        Backlink(row=1, source_url="http://seo-links-directory.example.net/page/7", target_url=SITE,
                 anchor="trailgear", export_file=name, export=AHREFS_ROW1),
    ]


def test_ahrefs_pre_2023_headers():
    name = fixture("ahrefs_backlinks_legacy.csv")
    fmt = detect_format(name)
    assert (fmt.vendor, fmt.variant) == ("ahrefs", "backlinks (pre-2023)")
    assert fmt.columns[0] == ("#", "")  # the export's own row number is dropped
    common = {"export_type": "text", "export_sponsored": False, "export_language": "en"}
    assert list(read_exports([name])) == [
        Backlink(row=0, source_url="http://news.example.org/2021/05/gear-guide",
                 target_url="https://trailgear.example.com/tents", anchor="Trailgear", export_file=name, export={
                     "export_domain_rating": 71, "export_url_rating": 25, "export_referring_domains": 1200,
                     "export_linked_domains": 350, "export_title": "Gear guide 2021", "export_internal_links": 120,
                     "export_external_links": 35, "export_left_context": "Our favourite tents come from",
                     "export_right_context": ", a small shop in Oregon.", "export_nofollow": False,
                     "export_ugc": False, "export_first_seen": "2021-05-10", "export_last_seen": "2022-12-01",
                     "export_traffic": 1234, "export_keywords": 56, **common}),
        Backlink(row=1, source_url="http://forum.example.net/thread?id=42", target_url=SITE, anchor=SITE,
                 export_file=name, export={
                     "export_domain_rating": 8, "export_url_rating": 0, "export_referring_domains": 3,
                     "export_linked_domains": 4000, "export_title": "Re: tents", "export_internal_links": 3,
                     "export_external_links": 250, "export_left_context": None, "export_right_context": None,
                     "export_nofollow": True, "export_ugc": True, "export_first_seen": "2020-01-02",
                     "export_last_seen": "2022-11-30", "export_traffic": 0, "export_keywords": 0, **common}),
    ]


def test_semrush_backlinks():
    name = fixture("semrush_backlinks.csv")
    assert (detect_format(name).vendor, detect_format(name).variant) == ("semrush", "backlinks")
    flags = dict.fromkeys(["export_nofollow", "export_sponsored", "export_ugc", "export_text", "export_frame",
                           "export_form", "export_image", "export_sitewide", "export_new_link", "export_lost_link"],
                          False)
    assert read("semrush_backlinks.csv") == [
        Backlink(row=0, source_url="https://blog.example.org/camping-checklist",
                 target_url="https://trailgear.example.com/checklist", anchor="the full checklist",
                 export_file=name, export={
                     "export_page_ascore": 38, "export_title": "Camping checklist, updated",
                     "export_external_links": 14, "export_internal_links": 52, **flags, "export_text": True,
                     "export_first_seen": "2023-06-01", "export_last_seen": "2024-05-01"}),
        Backlink(row=1, source_url="https://links4u.example.info/", target_url=SITE, anchor="", export_file=name,
                 export={"export_page_ascore": 2, "export_title": "Free links!!!", "export_external_links": 950,
                         "export_internal_links": 3, **flags, "export_sponsored": True, "export_image": True,
                         "export_sitewide": True, "export_new_link": True, "export_first_seen": "2024-01-15",
                         "export_last_seen": "2024-05-03"}),
    ]


def test_semrush_backlink_audit_semicolons_decimal_comma_trailing_column():
    name = fixture("semrush_backlink_audit.csv")
    fmt = detect_format(name)
    assert (fmt.variant, fmt.delimiter) == ("backlink audit", ";")
    assert fmt.columns[-1] == ("", "")  # the trailing empty column is dropped
    assert read("semrush_backlink_audit.csv") == [
        Backlink(row=0, source_url="https://spam-network.example.biz/p/1", target_url=SITE, anchor="cheap boots",
                 export_file=name, export={
                     "export_title": "Buy cheap; now", "export_toxicity_score": 87, "export_page_ascore": 1,
                     "export_nofollow": False, "export_first_seen": "2024-02-01", "export_last_seen": "2024-05-01"}),
        Backlink(row=1, source_url="https://hiking.example.org/reviews", target_url="https://trailgear.example.com/boots",
                 anchor="boots", export_file=name, export={
                     "export_title": "Reviews", "export_toxicity_score": 12.5, "export_page_ascore": 33,
                     "export_nofollow": True, "export_first_seen": "2023-03-03", "export_last_seen": "2024-04-28"}),
    ]


def test_moz_link_explorer():
    name = fixture("moz_link_explorer.csv")
    assert detect_format(name).vendor == "moz"
    assert read("moz_link_explorer.csv") == [
        Backlink(row=0, source_url="https://parks.example.gov/visit/gear",
                 target_url="https://trailgear.example.com/boots", anchor="trailgear boots", export_file=name,
                 export={"export_title": "Gear for your visit", "export_spam_score": 1, "export_domain_authority": 68,
                         "export_page_authority": 41, "export_link_type": "text", "export_nofollow": False,
                         "export_first_seen": "2023-09-09", "export_last_seen": "2024-05-01"}),
        Backlink(row=1, source_url="https://pbn-site.example.xyz/", target_url=SITE, anchor="click here",
                 export_file=name,
                 export={"export_title": "home", "export_spam_score": 87, "export_domain_authority": 9,
                         "export_page_authority": 11, "export_link_type": "text", "export_nofollow": True,
                         "export_first_seen": "2024-03-03", "export_last_seen": "2024-04-01"}),
    ]


def test_moz_open_site_explorer_preamble():
    name = fixture("moz_ose_preamble.csv")
    fmt = detect_format(name)
    assert (fmt.vendor, fmt.header_row) == ("moz", 5)
    assert "header on row 6" in fmt.describe()
    assert read("moz_ose_preamble.csv") == [
        Backlink(row=0, source_url="http://www.outdoors.example.org/blog/", target_url="http://trailgear.example.com/",
                 anchor="Trailgear", export_file=name, export={
                     "export_title": "Outdoors blog", "export_spam_score": 2, "export_page_authority": 45,
                     "export_domain_authority": 52, "export_number_of_domains_linking_to_this_page": 12,
                     "export_number_of_domains_linking_to_domain": 830, "export_origin": "External",
                     # Yes / No are flags (they stayed text: "Yes" in one tool, True in another)
                     "export_link_equity": True, "export_image_link": False, "export_alt_text": None,
                     "export_link_type": "Followed"}),
    ]


def test_majestic_flags_and_topical_trust_flow():
    name = fixture("majestic_backlinks.csv")
    assert detect_format(name).vendor == "majestic"
    flags = ["export_flag_image_link", "export_flag_redirect", "export_flag_frame", "export_flag_old_crawl",
             "export_flag_alt_text", "export_flag_mention"]
    rows = read("majestic_backlinks.csv")
    assert rows == [
        Backlink(row=0, source_url="https://climbing.example.org/partners", target_url=SITE,
                 anchor="Trailgear, outfitters", export_file=name, export={
                     "export_last_seen": "2024-04-20", "export_first_seen": "2022-08-01", "export_nofollow": False,
                     **dict.fromkeys(flags, False), "export_citation_flow": 31, "export_trust_flow": 27,
                     "export_target_citation_flow": 22, "export_target_trust_flow": 18,
                     "export_source_topical_trust_flow_topic_0": "Recreation/Outdoors",
                     "export_source_topical_trust_flow_value_0": 24,
                     "export_referring_domain_topical_trust_flow_topic_0": "Sports/Climbing",
                     "export_referring_domain_topical_trust_flow_value_0": 30}),
        Backlink(row=1, source_url="https://casino-links.example.net/out?u=1",
                 target_url="https://trailgear.example.com/sale", anchor="", export_file=name, export={
                     "export_last_seen": "2024-04-02", "export_first_seen": "2024-03-01", "export_nofollow": True,
                     **dict.fromkeys(flags, False), "export_flag_image_link": True, "export_flag_alt_text": True,
                     "export_citation_flow": 15, "export_trust_flow": 0, "export_target_citation_flow": 22,
                     "export_target_trust_flow": 18, "export_source_topical_trust_flow_topic_0": None,
                     "export_source_topical_trust_flow_value_0": None,
                     "export_referring_domain_topical_trust_flow_topic_0": None,
                     "export_referring_domain_topical_trust_flow_value_0": None}),
    ]


@pytest.mark.parametrize("language, name", [
    ("en", "English"), ("de", "German"), ("fr", "French"), ("es", "Spanish"), ("pt", "Portuguese"),
    ("it", "Italian"), ("nl", "Dutch"), ("ja", "Japanese"), ("he", "Hebrew"),
])
def test_search_console_latest_links_in_each_language(language, name):
    path = fixture(f"gsc_latest_links_{language}.csv")
    fmt = detect_format(path)
    assert (fmt.vendor, fmt.variant, fmt.target_is_site) == ("gsc", f"latest links ({name})", True)
    assert read(f"gsc_latest_links_{language}.csv", site="trailgear.example.com") == [
        Backlink(row=0, source_url="https://blog.example.org/post-about-boots", target_url="http://trailgear.example.com",
                 export_file=path, export={"export_last_seen": "2024-05-01"}),
        Backlink(row=1, source_url="https://forum.example.net/t/123?page=2", target_url="http://trailgear.example.com",
                 export_file=path, export={"export_last_seen": "2024-04-28"}),
    ]


def test_search_console_needs_the_site():
    with pytest.raises(InputError, match=r"no target column: pass --site URL") as error:
        read_exports([fixture("gsc_latest_links_en.csv")])
    assert "\n" not in str(error.value)


def test_search_console_more_sample_links_and_top_linking_sites():
    sample = fixture("gsc_more_sample_links_en.csv")
    sites = fixture("gsc_top_linking_sites_en.csv")
    assert detect_format(sample).variant == "more sample links (English)"
    assert detect_format(sites).variant == "top linking sites (English)"
    # sc-domain: properties are accepted as --site
    assert list(read_exports([sample, sites], site="sc-domain:trailgear.example.com")) == [
        # the comma in the URL does not split the single-column file
        # every row of a call has the same export keys: the other file's columns are None here
        Backlink(row=0, source_url="https://blog.example.org/a,b", target_url="http://trailgear.example.com",
                 export_file=sample, export={"export_linking_pages": None, "export_target_pages": None}),
        Backlink(row=1, source_url="http://example.net/x", target_url="http://trailgear.example.com",
                 export_file=sample, export={"export_linking_pages": None, "export_target_pages": None}),
        # a linking site is read as its home page
        Backlink(row=2, source_url="http://example.org", target_url="http://trailgear.example.com", export_file=sites,
                 export={"export_linking_pages": 1240, "export_target_pages": 12}),
        Backlink(row=3, source_url="http://example.net", target_url="http://trailgear.example.com", export_file=sites,
                 export={"export_linking_pages": 3, "export_target_pages": 1}),
    ]


def test_search_console_top_linked_pages_is_refused_with_advice():
    with pytest.raises(InputError, match=r"lists your own pages .*export \"Latest links\""):
        detect_format(fixture("gsc_top_linked_pages_en.csv"))


def test_bing_inbound_links_with_a_garbage_url():
    name = fixture("bing_inbound_links.csv")
    assert detect_format(name).vendor == "bing"
    assert read("bing_inbound_links.csv") == [
        Backlink(row=0, source_url="https://directory.example.org/outdoor-shops", target_url=SITE, anchor="Trailgear",
                 export_file=name, export={}),
        Backlink(row=1, source_url="not a url at all", target_url="https://trailgear.example.com/tents",
                 anchor="tents", export_file=name, export={}, error="not a URL (contains spaces)"),
    ]


def test_screaming_frog_follow_is_read_as_nofollow():
    name = fixture("screamingfrog_all_inlinks.csv")
    assert detect_format(name).vendor == "screaming_frog"
    common = {"export_type": "Hyperlink", "export_size_bytes": 0, "export_alt_text": None, "export_status_code": 200,
              "export_status": "OK", "export_path_type": "Absolute", "export_link_origin": "HTML"}
    assert read("screamingfrog_all_inlinks.csv") == [
        Backlink(row=0, source_url="https://trailgear.example.com/blog/", target_url="https://trailgear.example.com/boots",
                 anchor="Boots", export_file=name, export={
                     **common, "export_nofollow": False, "export_target": None, "export_rel": None,
                     "export_link_path": "/html/body/main/p[2]/a", "export_link_position": "Content"}),
        Backlink(row=1, source_url="https://trailgear.example.com/blog/", target_url="https://partner.example.org/",
                 anchor="Partner", export_file=name, export={
                     **common, "export_nofollow": True, "export_target": "_blank", "export_rel": "nofollow sponsored",
                     "export_link_path": "/html/body/footer/a", "export_link_position": "Footer"}),
    ]


def test_generic_semicolon_with_decimal_commas():
    name = fixture("generic_semicolon.csv")
    assert (detect_format(name).vendor, detect_format(name).delimiter) == ("generic", ";")
    assert read("generic_semicolon.csv") == [
        Backlink(row=0, source_url="https://a.example.org/", target_url=SITE, anchor="Trail; gear", export_file=name,
                 export={"export_domain_rating": 12.5, "export_price": 1234.5}),
    ]


def test_generic_utf16be_with_label_column_and_site_as_target():
    name = fixture("generic_utf16be.txt")
    fmt = detect_format(name)
    assert (fmt.encoding, fmt.bom, fmt.delimiter) == ("utf-16-be", True, "\t")
    assert read("generic_utf16be.txt", site=SITE) == [
        Backlink(row=0, source_url="https://b.example.org/review", target_url=SITE, anchor="honest review",
                 export_file=name, label="editorial", export={"export_label": "editorial"}),
        Backlink(row=1, source_url="http://example.net/listing", target_url=SITE, export_file=name, label="directory",
                 export={"export_label": "directory"}),
    ]


def test_generic_trailing_empty_columns_and_blank_rows():
    name = fixture("generic_trailing_columns.csv")
    assert [name for _, name in detect_format(name).columns] == ["source_url", "target_url", "", "", ""]
    assert read("generic_trailing_columns.csv") == [
        Backlink(row=0, source_url="https://c.example.org/", target_url=SITE, export_file=name),
        Backlink(row=1, source_url="https://d.example.org/x", target_url="https://trailgear.example.com/y",
                 export_file=name),
    ]


def test_several_files_number_rows_globally_in_order():
    first, second = fixture("semrush_backlinks.csv"), fixture("majestic_backlinks.csv")
    rows = list(read_exports([first, second, first]))
    assert [(b.row, b.export_file) for b in rows] == [
        (0, first), (1, first), (2, second), (3, second), (4, first), (5, first)]
    # the same export keys on every row of the call, whichever file a row comes from
    keys = {tuple(sorted(b.export)) for b in rows}
    assert len(keys) == 1 and {"export_page_ascore", "export_trust_flow"} <= set(keys.pop())
    assert rows[2].export["export_page_ascore"] is None and rows[0].export["export_trust_flow"] is None
    assert list(rows[0].export)[:2] == ["export_page_ascore", "export_title"]  # a file's own columns first


def test_a_single_path_and_pathlike_are_accepted():
    path = FIXTURES / "bing_inbound_links.csv"
    assert [b.source_url for b in read_exports(path)] == [b.source_url for b in read_exports([str(path)])]


@pytest.mark.parametrize("header, vendor, variant", [
    (["Referring page URL", "Target URL", "Anchor"], "ahrefs", "backlinks"),
    (["Source url", "Target url", "Anchor", "Page ascore"], "semrush", "backlinks"),
    (["SourceURL", "TargetURL", "AnchorText", "SourceTrustFlow"], "majestic", "backlinks"),
    (["Source", "Destination", "Anchor", "Follow"], "screaming_frog", "inlinks / outlinks"),
    (["source_url", "target_url", "anchor"], "generic", "CSV"),
    (["URL", "Target page", "anchor text"], "generic", "CSV"),
    (["From", "To"], "generic", "CSV"),
    (["Linking Page", "Target"], "generic", "CSV"),
])
def test_header_detection_table(tmp_path, header, vendor, variant):
    path = tmp_path / "x.csv"
    path.write_text(",".join(header) + "\nhttps://a.example.org/,https://b.example.com/,c,1\n", encoding="utf-8")
    fmt = detect_format(path)
    assert isinstance(fmt, ExportFormat)
    assert (fmt.vendor, fmt.variant) == (vendor, variant)
    backlink = next(read_exports([path]))
    assert (backlink.source_url, backlink.target_url) == ("https://a.example.org/", "https://b.example.com/")


def test_every_layout_and_search_console_header_is_documented():
    from linktriage.ingest._catalog import LAYOUTS
    from linktriage.ingest._gsc import HEADERS

    docs = (Path(__file__).resolve().parents[1] / "docs" / "formats.md").read_text(encoding="utf-8")
    for layout in LAYOUTS:
        assert f"`{layout.variant.split(' (')[0] if layout.vendor == 'gsc' else layout.variant}`" in docs, layout.name
    for language, headers in HEADERS.items():
        row = next(line for line in docs.splitlines() if line.startswith(f"| {language} |"))
        for column in ("linking_page", "last_crawled", "site", "linking_pages", "target_pages"):
            for header in headers[column]:
                assert f"`{header}`" in row, (language, header)


def test_search_console_in_a_language_the_table_lacks_is_recognised_by_its_shape(tmp_path):
    latest = tmp_path / "polski.csv"
    latest.write_text("Strona linkująca,Ostatnie indeksowanie\nhttps://a.example.org/x,2024-05-01\n"
                      "https://b.example.org/y,1 maj 2024\n", encoding="utf-8")
    fmt = detect_format(latest)
    assert (fmt.vendor, fmt.variant) == ("gsc", "latest links (header language not recognised)")
    assert fmt.mapping == {"Strona linkująca": "source_url", "Ostatnie indeksowanie": "export_last_seen"}
    assert list(read_exports([latest], site=SITE)) == [
        Backlink(row=0, source_url="https://a.example.org/x", target_url=SITE, export_file=str(latest),
                 export={"export_last_seen": "2024-05-01"}),
        Backlink(row=1, source_url="https://b.example.org/y", target_url=SITE, export_file=str(latest),
                 export={"export_last_seen": "1 maj 2024"}),
    ]
    sample = tmp_path / "sample.csv"
    sample.write_text("Odkazující stránka\nhttps://a.example.org/x,y\nhttps://b.example.org/\n", encoding="utf-8")
    assert detect_format(sample).variant == "more sample links (header language not recognised)"
    with pytest.raises(InputError, match="pass --site URL"):
        read_exports([sample])


@pytest.mark.parametrize("text", [
    "Foo,Bar\nhttps://a.example.org/x,hello\n",          # second column is not a date
    "Foo\nhello\nworld\n",                               # not URLs
    "A,B,C\nhttps://a.example.org/,2024-01-01,x\n",      # three columns
    "Foo\n",                                             # no rows to judge by
])
def test_shapes_that_are_not_search_console(tmp_path, text):
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="unknown export layout"):
        detect_format(path)


def test_a_preamble_line_that_names_a_generic_column_is_not_the_header(tmp_path):
    """A report line such as 'Source,Ahrefs' matches the generic layout ('source'); it was taken for the header, the
    real header became a row and the targets and metrics were lost. The most specific header among the first lines
    wins, the earliest among equals."""
    path = tmp_path / "report.csv"
    path.write_text("Backlinks report\nTarget,https://t.example/\nSource,Ahrefs\n\n"
                    "Referring page URL,Target URL,Anchor,Domain rating\n"
                    "https://a.example.org/,https://t.example/boots,x,12\n"
                    "https://b.example.org/,https://t.example/,y,3\n", encoding="utf-8")
    fmt = detect_format(path)
    assert (fmt.vendor, fmt.header_row) == ("ahrefs", 4)
    assert [(b.source_url, b.target_url, b.export["export_domain_rating"]) for b in read_exports([path])] == [
        ("https://a.example.org/", "https://t.example/boots", 12), ("https://b.example.org/", "https://t.example/", 3)]
    twice = tmp_path / "twice.csv"  # two exports pasted together: the first header is the header, the second no row
    twice.write_text("source_url,anchor\nhttps://a.example.org/,x\nsource_url,anchor\nhttps://b.example.org/,y\n",
                     encoding="utf-8")
    assert detect_format(twice).header_row == 0
    assert [b.source_url for b in read_exports([twice])] == ["https://a.example.org/", "https://b.example.org/"]
    # ... even when the first export has a row with an unquoted comma, so its rows fit their header less well
    # than the second export's fit the repeated header: the first three rows were skipped as a preamble, silently
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("source_url,target_url,anchor\nhttps://a.example.org/1,https://t.example/,a1\n"
                      "https://a.example.org/2,https://t.example/,shoes, boots and socks\n"
                      "https://a.example.org/3,https://t.example/,a3\nsource_url,target_url,anchor\n"
                      "https://a.example.org/4,https://t.example/,a4\n", encoding="utf-8")
    rows = list(read_exports([ragged]))
    assert detect_format(ragged).header_row == 0
    assert [b.source_url for b in rows] == [f"https://a.example.org/{i}" for i in (1, 2, 3, 4)]


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-8", codecs.BOM_UTF8)])
def test_two_exports_that_start_with_a_bom_joined_with_cat_are_one(tmp_path, codec, bom):
    """`cat a.tsv b.tsv` of two Ahrefs UTF-16 exports (each starting with a byte-order mark): the second header
    began with U+FEFF, was not seen as the header again, and became an error row (4 rows out of 3)."""
    head = "Referring page title\tReferring page URL\tDomain rating\tTarget URL\tAnchor\r\n"
    row = "T{0}\thttps://s{0}.example.org/\t{0}\thttps://shop.example.com/{0}\ta{0}\r\n".format
    path = tmp_path / "joined.tsv"
    path.write_bytes(bom + (head + row(1) + row(2)).encode(codec) + bom + (head + row(3)).encode(codec))
    rows = list(read_exports([path]))
    assert [(b.source_url, b.export["export_domain_rating"], b.error) for b in rows] == [
        (f"https://s{i}.example.org/", i, "") for i in (1, 2, 3)]


def test_invisible_characters_in_a_header_name_nothing(tmp_path):
    """A zero-width space pasted after "Anchor" sent the anchors to an export_ column and left anchor empty; after
    "Source URL" (the first column) it refused the whole file as an unknown layout."""
    path = tmp_path / "zw.csv"
    path.write_text("Source URL\u200b,Target URL,\u200eAnchor\u200b\nhttps://a.example.org/,https://t.example/,boots\n",
                    encoding="utf-8")
    [backlink] = read_exports([path])
    assert (backlink.source_url, backlink.target_url, backlink.anchor) == (
        "https://a.example.org/", "https://t.example/", "boots")
    assert not backlink.export


def test_a_row_split_by_an_unquoted_separator_is_an_error_row_not_read_shifted(tmp_path):
    # "best trail, running shoes" unquoted: the anchor would read "best trail" and the domain rating 41 would land
    # under "UR"; the row stays, as an error saying what happened, and the rows around it read as before
    path = tmp_path / "ragged.csv"
    path.write_text("source_url,target_url,anchor,Domain rating,UR\n"
                    "https://a.example.org/p,https://trailgear.example.com/,boots,12,3\n"
                    "https://b.example.org/p,https://trailgear.example.com/,best trail, running shoes,41,9\n"
                    "https://c.example.org/p,https://trailgear.example.com/,shoes,7,1,,\n", encoding="utf-8")
    first, split, trailing = read_exports([str(path)])
    assert (first.error, first.anchor, first.export["export_domain_rating"]) == ("", "boots", 12)
    assert split.row == 1 and split.source_url == "https://b.example.org/p"
    assert split.export == {"export_domain_rating": None, "export_url_rating": None}  # not 41 as the UR
    assert split.error == ("the row has more values than the header's 5 columns: a value holds an unquoted ',' "
                           "(quote it, or export the file again)")
    assert (trailing.error, trailing.anchor, trailing.export["export_url_rating"]) == ("", "shoes", 1)
    tabbed = tmp_path / "ragged.tsv"
    tabbed.write_text("source_url\ttarget_url\tanchor\nhttps://a.example.org/p\thttps://t.example.com/\tx\ty\n"
                      + "https://b.example.org/p\thttps://t.example.com/\tz\n" * 2, encoding="utf-8")
    assert "unquoted tab" in next(iter(read_exports([str(tabbed)]))).error

    # a column the header does not name, filled on every row: that column's values, nothing split
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("source_url,target_url,anchor,Domain rating\n" + "".join(
        f"https://{c}.example.org/p,https://trailgear.example.com/,boots,{i},note {i}\n" for i, c in enumerate("abcd")),
        encoding="utf-8")
    rows = list(read_exports([str(unnamed)]))
    assert [(b.error, b.export["export_domain_rating"]) for b in rows] == [("", i) for i in range(4)]
