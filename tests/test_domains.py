"""What counts as another site: registrable domains from the public suffix list, its private section included."""

from __future__ import annotations

import pytest

import linktriage
from linktriage._domains import registrable_domain


@pytest.mark.parametrize("url, domain", [
    ("https://blog.example.co.uk/x", "example.co.uk"),
    ("https://alice.blogspot.com/2024/01/post.html", "alice.blogspot.com"),  # blogspot.com is a suffix
    ("https://bob.github.io/", "bob.github.io"),
    ("https://my-app.herokuapp.com/", "my-app.herokuapp.com"),
    ("https://blogspot.com/", "blogspot.com"),  # the suffix itself: the host is the site
    ("https://foo.wordpress.com/", "wordpress.com"),  # not on the list: wordpress.com's own subdomains
    ("http://10.0.0.7/x", "10.0.0.7"),
    ("http://intranet.corp/x", "intranet.corp"),
])
def test_registrable_domains(url, domain):
    assert registrable_domain(url) == domain


def test_a_link_between_two_blogs_on_one_shared_host_is_a_backlink():
    # it was a link inside one site: "page links to 0 external sites", and features that described nothing
    page = ("<html><body><article><p>Bob writes about trail running, and <a href='https://bob.blogspot.com/'>his "
            "blog</a> is worth a read.</p></article></body></html>")
    rows = linktriage.score([{"source_url": "https://alice.blogspot.com/p.html",
                              "target_url": "https://bob.blogspot.com/", "html": page}])
    assert rows.loc[0, ["source_domain", "target_domain", "link_status"]].tolist() == [
        "alice.blogspot.com", "bob.blogspot.com", "live"]
    assert "0 external sites" not in rows.loc[0, "reasons"]


def test_a_backslash_in_a_web_url_is_read_as_browsers_read_it():
    """urlsplit finds the host after the "@" of "http://evil.com\\@partner.com/"; a browser (and the disavow file)
    reads the backslash as a slash: the row named the partner as its source domain."""
    from linktriage._domains import hostname

    assert registrable_domain("http://evil.com\\@partner.com/") == "evil.com"
    assert hostname("https:\\\\blog.evil.com\\x") == "blog.evil.com"
    assert registrable_domain("https://user@partner.com/a\\b") == "partner.com"
    rows = linktriage.score([{"source_url": "http://evil.com\\@partner.com/", "target_url": "https://shop.example/",
                              "html": '<p>Buy <a href="https://shop.example/">pills</a></p>'}])
    assert rows.loc[0, "source_domain"] == "evil.com" and rows.loc[0, "link_status"] == "live"
