"""Registrable domains (tldextract with its bundled public suffix list: never a network fetch)."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

import idna
import tldextract

_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
# suffix_list_urls=() keeps tldextract offline: it uses the snapshot bundled with the package. The list's private
# section counts too, as browsers count it for cookies and "same site": alice.blogspot.com and bob.github.io are
# sites of their own, not pages of blogspot.com or github.io. Without it, one spam blog on blogspot gave
# "domain:blogspot.com" in a disavow file (every blogspot backlink thrown away), and a link between two blogs there
# was no backlink at all.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def hostname(url: str) -> str:
    """The lower-cased host of a URL ('' when there is none); scheme-less URLs are accepted."""
    url = url.strip()
    if url.lower().startswith(("urn:", "mailto:", "javascript:", "tel:", "data:")):
        return ""
    if url.count(":") > 1 and _is_ipv6(url):
        return url.lower()  # a bare IPv6 address ("2001:db8::1"): as a URL's netloc it would read as host "2001"
    # Browsers read a backslash in a web URL as a slash (WHATWG URL standard): "http://evil.com\\@partner.com/" is
    # a page of evil.com, where urlsplit finds partner.com; the row named the partner as its source domain, and
    # the disavow file (which reads URLs as browsers do) disavowed evil.com
    url = url.replace("\\", "/")
    if "//" not in url.split("?", 1)[0]:
        url = "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=200_000)
def _registrable(host: str) -> str:
    if not host or ".." in host:  # "example..org" names no site (its row is an invalid URL), not ".org"
        return ""
    try:
        host = to_ascii_host(host) if not host.isascii() else host
    except UnicodeError:
        pass  # keep the unicode form; tldextract copes with it
    parts = _EXTRACT(host)
    if parts.top_domain_under_public_suffix:
        return parts.top_domain_under_public_suffix
    if _IP.match(host) or ":" in host or "." not in host:
        return host  # IP addresses and single-label names: the host is the site
    # Names under no known public suffix (intranet, .example, .test): the last two labels name the site.
    return ".".join(host.split(".")[-2:])


def registrable_domain(url_or_host: str) -> str:
    """``https://blog.example.co.uk/x`` -> ``example.co.uk``. IDNs come back in punycode so both spellings match."""
    return _registrable(hostname(url_or_host))


def is_registry_suffix(host: str) -> bool:
    """Whether ``host`` is a suffix under which registries hand out sites (``com``, ``co.uk``): no site of its own.
    The list's private section (``blogspot.com``) is not counted: those are companies' sites too."""
    parts = _EXTRACT(host)
    return bool(host) and not parts.domain and parts.suffix == host and not parts.is_private


def to_ascii_host(host: str) -> str:
    """A host name in its ASCII (punycode) form, by UTS 46 non-transitional rules as browsers use them
    (``faß.de`` is ``xn--fa-hia.de``, not ``fass.de`` as Python's IDNA 2003 codec would say)."""
    if host.isascii():
        return host.lower()
    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError:
        return host.encode("idna").decode("ascii")  # lenient fallback for labels IDNA 2008 refuses
