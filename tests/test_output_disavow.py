"""write_disavow: Google's disavow format, the toxic rule, IDNs, hostile values, --merge, --allow and the limits."""

from __future__ import annotations

import re

import pytest

from linktriage import InputError
from linktriage._records import LABELS, OUTPUT_COLUMNS
from linktriage.output import GOOGLE_MAX_LINES, GOOGLE_MAX_URL, is_toxic, write_disavow

_DOMAIN_LINE = re.compile(r"^domain:[a-z0-9-]+(\.[a-z0-9-]+)+$")


def row(url: str, label: str | None = "spam", confidence: float | None = 0.9, reasons: str = "thin page") -> dict:
    out = dict.fromkeys(OUTPUT_COLUMNS)
    out.update(source_url=url, label=label, confidence=confidence, reasons=reasons, link_status="live")
    if label:
        out.update({f"p_{lab}": (confidence if lab == label else (1 - confidence) / 4) for lab in LABELS})
    return out


def parse(path) -> tuple[list[str], list[str]]:
    """Check every line against Google's format; return (entries, comments)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # UTF-8, no BOM
    assert not raw.startswith(b"\xef\xbb\xbf") and text.endswith("\n") and "\r" not in text
    entries, comments = [], []
    for line in text.split("\n")[:-1]:
        if line.startswith("#"):
            comments.append(line)
        elif line:
            assert _DOMAIN_LINE.match(line) or (re.match(r"^https?://\S+$", line) and len(line) <= GOOGLE_MAX_URL), line
            entries.append(line)
    assert len(text.split("\n")) - 1 <= GOOGLE_MAX_LINES
    return entries, comments


def body(path) -> list[str]:
    """The lines after linktriage's header, without the run dates (for comparing two runs)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("# ===== end of linktriage header =====") + 1
    return [re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "DATE", line) for line in lines[start:]]


def test_default_rule_one_domain_line_per_registrable_domain(tmp_path):
    rows = [
        row("https://www.spam-farm.com/a", "spam", 0.95, "spam vocabulary; many outbound links"),
        row("https://blog.spam-farm.com/b", "link_farm", 0.85, "many outbound links"),
        row("https://edge.example.net/x", "spam", 0.8),               # exactly the threshold: in
        row("https://below.example.org/x", "spam", 0.79),            # just below: out
        row("https://directory.example.info/x", "directory", 0.99),  # not a disavow label: out
        row("https://unjudged.example.biz/x", None, None),           # not judged: never disavowed
        row("https://a.shop.co.uk/page", "link_farm", 0.9),
    ]
    summary = write_disavow(rows, tmp_path / "disavow.txt")
    entries, comments = parse(tmp_path / "disavow.txt")
    assert entries == ["domain:example.net", "domain:shop.co.uk", "domain:spam-farm.com"]
    assert summary.rows == 7 and summary.selected == 4 and summary.new_domains == 3 and summary.new_urls == 0
    # The same rule as the toxic column (DESIGN.md): exactly the toxic rows' domains.
    assert {f"domain:{r['source_url'].split('/')[2].split('.', 1)[1]}" for r in rows
            if is_toxic(r["label"], r["confidence"])} == set(entries)
    text = "\n".join(comments)
    assert "last resort" in text and re.search(r"\d{4}-\d\d-\d\d", text)
    assert "# spam-farm.com: 2 links (spam 1, link_farm 1), confidence up to 0.95; many outbound links" in text
    assert "4 of 7 scored links" in text


def test_a_blog_on_a_shared_host_is_its_own_domain(tmp_path):
    # the public suffix list's private section (blogspot.com, github.io, ...): one spam blog there gave
    # "domain:blogspot.com", which would disavow every blogspot blog linking to the site
    rows = [row("https://cheap-pills.blogspot.com/2024/01/buy.html", "spam", 0.95),
            row("https://cheap-pills.blogspot.com/2024/02/more.html", "spam", 0.9),
            row("https://spam-user.github.io/links.html", "link_farm", 0.9),
            row("https://a-good-blog.blogspot.com/post.html", "editorial", 0.9)]  # another site: no URL lines for it
    write_disavow(rows, tmp_path / "disavow.txt")
    entries, comments = parse(tmp_path / "disavow.txt")
    assert entries == ["domain:cheap-pills.blogspot.com", "domain:spam-user.github.io"]


def test_a_blog_platform_off_the_suffix_list_is_disavowed_one_blog_at_a_time(tmp_path):
    # wordpress.com, tumblr.com, ... are not on the public suffix list: domain:wordpress.com would throw away every
    # wordpress.com blog linking to the site
    rows = [row("https://pbn-node.wordpress.com/2024/05/links/", "link_farm", 0.9),
            row("https://www.pbn-node.wordpress.com/about/", "link_farm", 0.9),
            row("https://spam.blog.cheap-pills.tumblr.com/post/1", "spam", 0.95),
            row("https://good-blog.wordpress.com/review/", "editorial", 0.9),  # another blog: its domain: line stays
            row("https://wordpress.com/some-page/", "spam", 0.9)]  # the platform's own site: its URL only
    write_disavow(rows, tmp_path / "disavow.txt")
    entries, _ = parse(tmp_path / "disavow.txt")
    assert entries == ["domain:cheap-pills.tumblr.com", "domain:pbn-node.wordpress.com",
                       "https://wordpress.com/some-page/"]


def test_labels_threshold_and_url_level(tmp_path):
    rows = [row("https://dir.example.com/p1", "directory", 0.6), row("https://dir.example.com/p1", "directory", 0.7),
            row("https://dir.example.com/p2", "directory", 0.65), row("https://spam.example.net/", "spam", 0.99)]
    summary = write_disavow(rows, tmp_path / "d.txt", labels=["directory"], min_confidence=0.6, level="url")
    entries, _ = parse(tmp_path / "d.txt")
    assert entries == ["https://dir.example.com/p1", "https://dir.example.com/p2"]  # each page once
    assert summary.new_urls == 2 and summary.new_domains == 0


def test_domain_with_good_links_gets_url_lines(tmp_path):
    # A spam comment on an otherwise editorial blog: disavowing the domain would throw away the good link.
    rows = [row("https://blog.example.com/post", "editorial", 0.9), row("https://blog.example.com/spammy", "spam", 0.9)]
    write_disavow(rows, tmp_path / "d.txt")
    entries, comments = parse(tmp_path / "d.txt")
    assert entries == ["https://blog.example.com/spammy"]
    assert any("URLs only: the domain also has 1 editorial link" in c for c in comments)


def test_idn_punycode_and_ip_hosts(tmp_path):
    rows = [row("https://www.bücher.de/liste", "spam", 0.9), row("http://203.0.113.7/links.html", "link_farm", 0.9),
            row("https://XN--BCHER-KVA.de/other", "spam", 0.9), row("https://straße.faß.de/", "spam", 0.9)]
    write_disavow(rows, tmp_path / "d.txt")
    entries, comments = parse(tmp_path / "d.txt")
    # IDNA 2008 / UTS 46 as browsers: faß.de is xn--fa-hia.de, not fass.de (another domain) as IDNA 2003 would say.
    assert entries == ["http://203.0.113.7/links.html", "domain:xn--bcher-kva.de", "domain:xn--fa-hia.de"]
    assert any(c.startswith("# xn--bcher-kva.de (bücher.de): 2 links") for c in comments)


def test_hostile_values_cannot_add_lines(tmp_path):
    rows = [row("https://evil.example.com/a\ndomain:victim.com\r\n#x", "spam", 0.9,
                reasons="ok\ndomain:victim2.com\u2028domain:victim3.com"),
            row("javascript:alert(1)", "spam", 0.9), row("", "spam", 0.9)]
    summary = write_disavow(rows, tmp_path / "d.txt", level="url")
    entries, comments = parse(tmp_path / "d.txt")
    assert len(entries) == 1 and entries[0].startswith("https://evil.example.com/a%0Adomain:victim.com")
    assert not any("victim" in e and e.startswith("domain:") for e in entries)
    assert summary.skipped == 2
    write_disavow(rows, tmp_path / "d2.txt")
    assert parse(tmp_path / "d2.txt")[0] == ["domain:example.com"]


EXISTING = """\ufeff# Our disavow file, maintained by hand
# 2024-02: paid links from a PBN
domain:old-pbn.com
domain:OLD-PBN.com

https://forum.net/thread/1
# kept twice below on purpose by a sloppy colleague
https://forum.net/thread/1
domain:partner.org
"""


def test_merge_keeps_everything_once_and_is_idempotent(tmp_path):
    existing = tmp_path / "current.txt"
    existing.write_text(EXISTING, encoding="utf-8")
    rows = [row("https://www.old-pbn.com/new-page"),      # covered by an existing domain: line
            row("https://forum.net/thread/1"), row("https://forum.net/other", "editorial", 0.9),
            row("https://fresh-spam.biz/")]
    first = write_disavow(rows, tmp_path / "merged.txt", merge=existing)
    entries, comments = parse(tmp_path / "merged.txt")
    assert entries == ["domain:old-pbn.com", "https://forum.net/thread/1", "domain:partner.org",
                       "domain:fresh-spam.biz"]
    for comment in ("# Our disavow file, maintained by hand", "# 2024-02: paid links from a PBN",
                    "# kept twice below on purpose by a sloppy colleague"):
        assert comments.count(comment) == 1
    assert first.kept_entries == 3 and first.new_domains == 1 and first.already_listed == 2
    # Merging the result again (with the same predictions) changes nothing but the header.
    second = write_disavow(rows, tmp_path / "again.txt", merge=tmp_path / "merged.txt")
    assert body(tmp_path / "again.txt") == body(tmp_path / "merged.txt")
    assert second.new_domains == second.new_urls == 0
    text = (tmp_path / "again.txt").read_text(encoding="utf-8")
    assert text.count("===== linktriage disavow file =====") == 1
    # Merging into the same file (-o X --merge X) works: it is read before being replaced.
    write_disavow(rows, tmp_path / "merged.txt", merge=tmp_path / "merged.txt")
    assert body(tmp_path / "merged.txt") == body(tmp_path / "again.txt")


@pytest.mark.parametrize("level", ["domain", "url"])
def test_a_page_that_also_carries_an_acceptable_link_is_not_disavowed(tmp_path, level):
    """A spam comment under an article that cites the site: the page's URL line disavowed the article's editorial
    link too (the bundled example did it). The page is named in a comment and counted instead."""
    page = "https://blog.example.com/post"
    rows = [row(page, "editorial", 0.9), row(page + "#comment-12", "spam", 0.95),
            row("https://blog.example.com/spammy", "spam", 0.9)]
    summary = write_disavow(rows, tmp_path / "d.txt", level=level)
    entries, comments = parse(tmp_path / "d.txt")
    assert entries == ["https://blog.example.com/spammy"]
    assert f"# not listed, the page also has an acceptable link: {page}" in comments
    assert summary.shared_pages == 1 and summary.new_urls == 1
    assert any("1 page left out: each also carries a link the model judged acceptable" in line
               for line in summary.messages())


def test_one_spam_page_on_a_platform_anyone_publishes_on_is_a_url_line(tmp_path):
    """domain:google.com for one spam Google Site (domain:reddit.com for one thread) threw away every link from
    the platform; its subdomains are not sites of their own on the public suffix list either."""
    rows = [row("https://sites.google.com/view/cheap-pills"), row("https://www.reddit.com/r/x/comments/a"),
            row("https://github.com/someone/links"), row("https://bit.ly/x"), row("https://spam.example.net/p")]
    write_disavow(rows, tmp_path / "d.txt")
    entries, comments = parse(tmp_path / "d.txt")
    assert entries == ["https://bit.ly/x", "domain:example.net", "https://github.com/someone/links",
                       "https://sites.google.com/view/cheap-pills", "https://www.reddit.com/r/x/comments/a"]
    assert sum("URLs only: a platform where anyone publishes" in c for c in comments) == 4


def test_an_allow_entry_with_www_protects_the_whole_site(tmp_path):
    """`https://www.partner.com/` protected only the www host: the partner's other pages were disavowed by URL."""
    allow = tmp_path / "allow.txt"
    allow.write_text("https://www.partner.com/\nwww.other.co.uk\n", encoding="utf-8")
    rows = [row("https://partner.com/links"), row("https://blog.partner.com/post", "link_farm"),
            row("https://shop.other.co.uk/x"), row("https://www.co.uk.example.net/x")]
    summary = write_disavow(rows, tmp_path / "d.txt", allow=allow)
    entries, _ = parse(tmp_path / "d.txt")
    assert entries == ["domain:example.net"] and summary.allowed == 3


def test_allow_list_wins_with_subdomains(tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("# partners\npartner.org\ndomain:friend.example.com  # a friend\n"
                     "https://blog.mixed.example.net/any/page\n", encoding="utf-8")
    existing = tmp_path / "current.txt"
    existing.write_text(EXISTING, encoding="utf-8")
    rows = [row("https://www.partner.org/a"),          # under an allowed domain: never
            row("https://friend.example.com/x"),
            row("https://blog.mixed.example.net/spam"),       # allowed subdomain
            row("https://shop.mixed.example.net/spam")]       # its sibling: URL lines, not domain:mixed.example.net
    summary = write_disavow(rows, tmp_path / "d.txt", allow=allow, merge=existing)
    entries, comments = parse(tmp_path / "d.txt")
    assert entries == ["domain:old-pbn.com", "https://forum.net/thread/1",
                       "https://shop.mixed.example.net/spam"]
    assert "# [allow-listed: disabled by linktriage] domain:partner.org" in comments
    assert summary.allowed == 3 and summary.disabled_entries == 1
    assert any("URLs only: blog.mixed.example.net is allow-listed" in c for c in comments)


def test_bad_allow_list_and_merge_files(tmp_path):
    bad = tmp_path / "allow.txt"
    bad.write_text("example.com\nnot a domain at all\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        write_disavow([], tmp_path / "d.txt", allow=bad)
    latin = tmp_path / "current.txt"
    latin.write_bytes("# caf\xe9\ndomain:a.com\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        write_disavow([], tmp_path / "d.txt", merge=latin)
    with pytest.raises(InputError, match="does not exist"):
        write_disavow([], tmp_path / "d.txt", merge=tmp_path / "missing.txt")


def test_google_limits(tmp_path):
    long_url = "https://spam.example.com/?q=" + "x" * GOOGLE_MAX_URL
    # at URL level the over-long URL is left out and counted; the other rows are still written
    result = write_disavow([row(long_url), row("https://spam.example.org/p")], tmp_path / "long.txt", level="url")
    assert result.too_long == 1 and parse(tmp_path / "long.txt")[0] == ["https://spam.example.org/p"]
    assert any("over Google's 2,048 characters" in m for m in result.messages())
    write_disavow([row(long_url)], tmp_path / "ok.txt")  # at domain level the same page is a short domain: line
    assert parse(tmp_path / "ok.txt")[0] == ["domain:example.com"]
    existing = tmp_path / "huge.txt"
    existing.write_text("# note\n" * GOOGLE_MAX_LINES, encoding="utf-8")
    # the merged file is over the limit by itself: "raise --min-confidence" could not help
    with pytest.raises(InputError, match=r"100,000.*the merged file with linktriage's header alone makes 100,009 "
                                         r"lines and .* bytes: remove entries you no longer need from it"):
        write_disavow([row("https://a.example.com/")], tmp_path / "d.txt", merge=existing)
    existing.write_text("domain:old.example.net\n" * 10 + "".join(f"domain:d{i}.io\n" for i in range(99_980)),
                        encoding="utf-8")
    with pytest.raises(InputError, match=r"100,000 \(comments included\): raise --min-confidence or allow-list"):
        write_disavow([row(f"https://s{i}.spam{i}.example/") for i in range(20)], tmp_path / "d.txt",
                      merge=existing)
    existing.write_text(("# " + "n" * 98 + "\n") * 21_000, encoding="utf-8")  # 2.1 MB in 21,000 lines
    with pytest.raises(InputError, match="2 MB"):
        write_disavow([], tmp_path / "d.txt", merge=existing)
    existing.write_text(long_url + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        write_disavow([], tmp_path / "d.txt", merge=existing)
    assert not (tmp_path / "d.txt").exists()  # nothing half-written


@pytest.mark.parametrize("options, message", [
    ({"labels": ["spamm"]}, "choose among"), ({"level": "site"}, "domain or url"),
    ({"min_confidence": 1.5}, "between 0 and 1"),
])
def test_bad_options(tmp_path, options, message):
    with pytest.raises(InputError, match=message):
        write_disavow([], tmp_path / "d.txt", **options)


def test_output_must_be_txt(tmp_path):
    with pytest.raises(InputError, match=r"\.txt"):
        write_disavow([], tmp_path / "disavow.csv")


def test_public_names_of_linktriage_output():
    import linktriage.output as output

    public = {name for name in vars(output) if not name.startswith("_")}
    assert set(output.__all__) == public
    assert {"write_disavow", "disavow_job", "DisavowSummary", "read_predictions", "write_html_report"} <= public


def test_merge_reports_and_disables_malformed_entries(tmp_path):
    """Malformed domain: and URL lines were kept as entries ("kept 9 entries"), not counted in the warning."""
    bad = ["domain:", "domain:*.evil.com", "domain:http://spam.example.com/", "domain:[::1]", "domain:xn--",
           "domain:xn--.com", "domain:" + "a" * 300 + ".com", "http://[::1", "https://[x]/", "http://"]
    existing = tmp_path / "current.txt"
    existing.write_text("\n".join(["# mine", "domain:good.example.com", *bad, "this is junk",
                                   "https://ok.example.org/p", "domain:bücher.de", "https://[::1]/x"]) + "\n",
                        encoding="utf-8")
    summary = write_disavow([row("https://spam.example.com/a")], tmp_path / "d.txt", merge=existing)
    entries, comments = parse_lenient(tmp_path / "d.txt")
    assert entries == ["domain:good.example.com", "this is junk", "https://ok.example.org/p",
                       "domain:xn--bcher-kva.de", "https://[::1]/x", "domain:example.com"]
    assert [c for c in comments if "invalid for Google" in c] == [
        f"# [invalid for Google: disabled by linktriage] {line}" for line in bad]
    assert summary.kept_entries == 4 and summary.unrecognised_lines == len(bad) + 1
    assert any(m.startswith("warning: 11 lines") for m in summary.messages())
    # merging the result again keeps the disabled lines as comments, once
    write_disavow([row("https://spam.example.com/a")], tmp_path / "again.txt", merge=tmp_path / "d.txt")
    assert body(tmp_path / "again.txt") == body(tmp_path / "d.txt")


def parse_lenient(path) -> tuple[list[str], list[str]]:
    """(entries, comments) of a file that may hold lines Google rejects (kept from a merged file)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return ([line for line in lines if line and not line.startswith("#")],
            [line for line in lines if line.startswith("#")])


def test_a_failed_write_leaves_the_previous_file_and_nothing_else(tmp_path, monkeypatch):
    # A disk that filled up while writing left 'disavow.txt.tmp' with half a file beside the output.
    import errno
    import pathlib

    out = tmp_path / "disavow.txt"
    write_disavow([row("https://spam.example.com/a")], out)
    before = out.read_bytes()
    real_write_text = pathlib.Path.write_text

    def full_disk(self, text, *args, **kwargs):
        real_write_text(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pathlib.Path, "write_text", full_disk)
    with pytest.raises(InputError, match="No space left on device"):
        write_disavow([row("https://spam.example.com/a"), row("https://farm.example.net/b")], out)
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["disavow.txt"]


def test_an_ipv6_source_is_grouped_under_its_own_address(tmp_path):
    """The group's comment named "2001:" (the address re-read as a host and port) for every IPv6 source."""
    path = tmp_path / "disavow.txt"
    write_disavow([row("http://[2001:db8::1]/spam"), row("http://[2001:db8::2]/spam")], path)
    entries, comments = parse(path)
    assert sorted(entries) == ["http://[2001:db8::1]/spam", "http://[2001:db8::2]/spam"]
    named = [c for c in comments if "2001:" in c]
    assert any("2001:db8::1" in c for c in named) and any("2001:db8::2" in c for c in named), comments
    assert not any(re.search(r"\b2001:(?!db8)", c) for c in named), comments


def test_counts_of_one_read_as_one(tmp_path):
    summary = write_disavow([row("https://spam.example.net/", "spam", 0.99)], tmp_path / "d.txt")
    assert "# 1 entry: 1 new domain: line and 0 new URLs from 1 of 1 scored links; 0 entries kept" in (
        tmp_path / "d.txt").read_text(encoding="utf-8")
    assert summary.messages()[0].startswith("1 of 1 links meet the rule; wrote 1 new domain: line and 0 new URLs to ")


def test_hosts_google_would_refuse_are_skipped_not_written(tmp_path):
    """The writer took any host; its own --merge then disabled them as invalid for Google, so merging a file
    into itself changed more than the date."""
    odd = [row(f"https://{'a' * 70}.com/x"), row("https://a..b.com/"), row("https://xn--zz.com/")]
    report = write_disavow([*odd, row("https://fresh-spam.biz/")], tmp_path / "d.txt")
    entries, _ = parse(tmp_path / "d.txt")
    assert entries == ["domain:fresh-spam.biz"] and report.skipped == 3
    write_disavow([], tmp_path / "again.txt", merge=tmp_path / "d.txt")
    assert body(tmp_path / "again.txt") == body(tmp_path / "d.txt")


def test_merge_keeps_entries_after_a_header_trimmed_or_written_into_by_hand(tmp_path):
    """--merge dropped every line after linktriage's header line when its end line was gone (a header trimmed by
    hand), and an entry a reviewer wrote inside the header: disavows silently lost from the file to upload."""
    write_disavow([row("https://spam.example.com/")], tmp_path / "first.txt")
    lines = (tmp_path / "first.txt").read_text(encoding="utf-8").split("\n")
    trimmed = [line for line in lines if line != "# ===== end of linktriage header ====="]
    (tmp_path / "trimmed.txt").write_text("\n".join([*trimmed, "domain:keep-me.com", "https://keep-me-too.com/page"]),
                                          encoding="utf-8")
    inside = lines[:2] + ["domain:added-inside.com"] + lines[2:]
    (tmp_path / "inside.txt").write_text("\n".join(inside), encoding="utf-8")
    for merged, kept in (("trimmed.txt", ["domain:keep-me.com", "https://keep-me-too.com/page"]),
                         ("inside.txt", ["domain:added-inside.com"])):
        write_disavow([], tmp_path / "out.txt", merge=tmp_path / merged)
        entries, comments = parse(tmp_path / "out.txt")
        assert sorted(entries) == sorted([*kept, "domain:example.com"]), merged
        assert sum(c == "# ===== linktriage disavow file =====" for c in comments) == 1  # the old header is gone
        assert not [c for c in comments if "Disavowing is a last resort" in c][1:]


def test_merge_splits_lines_at_line_breaks_only(tmp_path):
    """str.splitlines also broke a comment at a form feed or U+2028: its rest became a line Google reads as an
    entry (and rejects)."""
    existing = tmp_path / "old.txt"
    existing.write_text("# note with a form feed\x0cand a line separator\u2028inside\r\ndomain:old.com\r\n",
                        encoding="utf-8")
    summary = write_disavow([], tmp_path / "out.txt", merge=existing)
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "# note with a form feed\x0cand a line separator\u2028inside\n" in text
    assert summary.unrecognised_lines == 0 and summary.kept_entries == 1


def test_a_backslash_in_a_source_url_is_read_as_browsers_read_it(tmp_path):
    """urlsplit finds the host after the "@" of "http://evil.com\\@good-partner.com/"; a browser reads the
    backslash as a slash and fetches evil.com: the good partner was the one disavowed."""
    write_disavow([row("http://evil-links.com\\@good-partner.com/"), row("https://fine.org/", "editorial")],
                  tmp_path / "d.txt")
    assert parse(tmp_path / "d.txt")[0] == ["domain:evil-links.com"]
    write_disavow([row("http://evil-links.com\\@good-partner.com/")], tmp_path / "u.txt", level="url")
    assert parse(tmp_path / "u.txt")[0] == ["http://evil-links.com/@good-partner.com/"]


def test_linktriages_comments_give_way_before_google_limits_refuse_the_file(tmp_path):
    """12,000 domains fit Google's limits (~325 KB) but not with a comment and a blank line each (2.2 MB): the run
    was refused, advising --level domain, which was already in use."""
    rows = [row(f"https://spam-site-{i}.com/p", reasons="a page of outbound links, casino words " * 4)
            for i in range(12_000)]
    summary = write_disavow(rows, tmp_path / "d.txt")
    entries, comments = parse(tmp_path / "d.txt")
    assert len(entries) == 12_000
    assert summary.comments_left_out and summary.bytes <= 2_000_000
    assert any("comments on each new domain are left out" in m for m in summary.messages())
    assert not [c for c in comments if "confidence up to" in c]
    few = write_disavow(rows[:10], tmp_path / "few.txt")  # within the limits: the comments stay
    assert not few.comments_left_out and [c for c in parse(tmp_path / "few.txt")[1] if "confidence up to" in c]
    # a merged file over the limits by itself: no option of this run can help, and the message says what can
    with pytest.raises(InputError, match="even without linktriage's comments.*remove entries you no longer need"):
        write_disavow([row(f"https://spam{i}.example.com/", "spam") for i in range(5)], tmp_path / "x.txt",
                      merge=_many_lines(tmp_path))


def _many_lines(tmp_path):
    existing = tmp_path / "huge.txt"
    existing.write_text("domain:a.com\n" + "# note\n" * GOOGLE_MAX_LINES, encoding="utf-8")
    return existing


def test_merge_reads_a_joined_files_bom_and_a_spaced_url_as_google_would(tmp_path):
    """Two disavow files joined with cat: the second's BOM stayed in the output (which has no BOM) and its line
    counted as unrecognised; a merged URL with a space was kept as it was, while new URLs get theirs encoded; the
    header counted kept junk lines as entries."""
    existing = tmp_path / "old.txt"
    existing.write_bytes("\ufeffdomain:one.com\n".encode() + "\ufeffdomain:two.com\nhttps://three.com/a b\nnot an "
                         "entry\n".encode())
    summary = write_disavow([], tmp_path / "out.txt", merge=existing)
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "\ufeff" not in text and "domain:two.com\n" in text and "https://three.com/a%20b\n" in text
    assert summary.unrecognised_lines == 1 and "# 3 entries:" in text


def test_merge_disables_a_line_holding_two_entries_and_refuses_a_table_of_scored_links(tmp_path):
    """Two URLs on one line were percent-encoded into one URL ("https://spam1.com/x,%20https://spam2.com/y"):
    neither page disavowed, spam2.com silently gone, and the line counted as a kept entry. A scored CSV given to
    --merge by mistake was kept as eight such 'URLs'."""
    existing = tmp_path / "current.txt"
    two = ["https://spam1.com/x, https://spam2.com/y", "https://spam5.com/x\thttps://spam6.com/y",
           "https://spam7.com/a;domain:spam8.com"]
    existing.write_text("\n".join(["domain:kept.com", *two, "https://ok.com/a b", "https://ok.com/r?u=https://x.com/"])
                        + "\n", encoding="utf-8")
    summary = write_disavow([], tmp_path / "d.txt", merge=existing)
    entries, comments = parse_lenient(tmp_path / "d.txt")
    assert entries == ["domain:kept.com", "https://ok.com/a%20b", "https://ok.com/r?u=https://x.com/"]
    assert [c for c in comments if "invalid for Google" in c] == [
        f"# [invalid for Google: disabled by linktriage] {line}" for line in two]
    assert summary.kept_entries == 3 and summary.unrecognised_lines == 3
    scored = tmp_path / "scored.csv"
    scored.write_text("source_url,target_url,anchor,label\nhttps://a.com/x,https://t.com/,a,spam\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"scored.csv is a table of scored links .*not a disavow file"):
        write_disavow([], tmp_path / "e.txt", merge=scored)


def test_url_level_writes_each_page_once_whatever_its_spelling(tmp_path):
    """An export lists one page under several spellings; each was a line of its own (246 such groups in an audit
    of 10,000 links): the host's case and a #fragment do not make another page. http / https and a trailing slash
    do, for a crawler, and stay apart."""
    rows = [row("http://ADWORDS.BLOGSPOT.COM/2012/post.html"), row("http://adwords.blogspot.com/2012/post.html"),
            row("HTTP://adwords.blogspot.com/2012/post.html#comments"),
            row("https://adwords.blogspot.com/2012/post.html"),
            row("http://spam.example.org/Links/"), row("http://spam.example.org/Links"),
            row("https://adwords.blogspot.com:443/2012/post.html"), row("http://spam.example.org:80/Links")]
    write_disavow(rows, tmp_path / "u.txt", level="url")
    assert parse(tmp_path / "u.txt")[0] == [
        "http://adwords.blogspot.com/2012/post.html", "https://adwords.blogspot.com/2012/post.html",
        "http://spam.example.org/Links/", "http://spam.example.org/Links"]
    existing = tmp_path / "old.txt"
    existing.write_text("http://Spam.Example.org/Links#top\nhttp://spam.example.org/Links\n", encoding="utf-8")
    summary = write_disavow(rows, tmp_path / "merged.txt", level="url", merge=existing)
    entries = parse(tmp_path / "merged.txt")[0]
    assert entries[0] == "http://Spam.Example.org/Links#top" and "http://spam.example.org/Links" not in entries
    assert summary.already_listed == 2 and "http://spam.example.org/Links/" in entries


def test_a_public_suffix_is_no_site_in_the_allow_list_nor_in_a_merged_file(tmp_path):
    """`domain:co.uk` in a merged file stayed an entry (`domain:com` was disabled), and an allow list of `co.uk`
    kept every British site out of the file."""
    allow = tmp_path / "allow.txt"
    allow.write_text("partner.example\nco.uk\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: co.uk is a public suffix, not a site: write the site's domain"):
        write_disavow([row("https://spam.co.uk/x")], tmp_path / "d.txt", allow=allow)
    allow.write_text("blogspot.com\n", encoding="utf-8")  # the list's private section: a company's hosts, allowed
    assert write_disavow([row("https://a.blogspot.com/x")], tmp_path / "d.txt", allow=allow).allowed == 1
    existing = tmp_path / "current.txt"
    existing.write_text("domain:co.uk\ndomain:old.co.uk\n", encoding="utf-8")
    summary = write_disavow([row("https://spam.co.uk/x")], tmp_path / "d.txt", merge=existing)
    entries, comments = parse_lenient(tmp_path / "d.txt")
    assert entries == ["domain:old.co.uk", "domain:spam.co.uk"] and summary.unrecognised_lines == 1
    assert "# [invalid for Google: disabled by linktriage] domain:co.uk" in comments
