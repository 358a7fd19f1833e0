"""The disavow file for Google Search Console, from scored links.

Google's format (Search Console help, "Disavow links to your site"): a ``.txt`` file in UTF-8 or 7-bit ASCII,
one entry per line, either ``domain:example.com`` (every page of that domain and its subdomains) or one page's
full URL; lines starting with ``#`` are comments; at most 100,000 lines (blank and comment lines included),
2 MB, and URLs of at most 2,048 characters. One file per property, and an upload *replaces* the previous file:
so ``merge`` keeps every entry and comment of the current file, each once.

Decisions (docs/outputs.md):
- Domains are registrable domains (tldextract, bundled suffix list, its private section included): a spam page on
  ``a.blogspot.com`` gives ``domain:a.blogspot.com``, one on ``www.spam.example`` gives ``domain:spam.example``.
  On the blog platforms of SHARED_HOSTS, which the list does not name, a line covers one user's subdomain
  (``domain:a.wordpress.com``).
- Internationalised domains are written in punycode (``domain:xn--bcher-kva.example``): the ASCII form is
  what DNS and Google's link data use and the only spelling that cannot be mis-normalised; the Unicode form is
  shown in the comment above it for the reviewer.
- At domain level, a domain that also sends links the model judged acceptable (a spam comment on an otherwise
  editorial blog) gets URL lines for its toxic pages instead of a ``domain:`` line, so the good links survive.
  Hosts that are IP addresses, or names under no public suffix, get URL lines too.
- The allow list wins everywhere: no line of the output disavows an allow-listed host. An allow entry covers its
  subdomains (``example.com`` protects ``blog.example.com``). When only a subdomain is allowed
  (``blog.example.com``), the other hosts of ``example.com`` get URL lines instead of ``domain:example.com``.
  Entries of a merged file that would disavow an allow-listed host are kept as comments, not deleted.
- linktriage's own header (between two marker lines) is replaced on every run, so merging a file into itself
  changes nothing but the date.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import quote, urlsplit, urlunsplit

from linktriage._domains import hostname, is_registry_suffix, registrable_domain
from linktriage._exceptions import InputError
from linktriage._paths import same_file
from linktriage._reasons import counted
from linktriage.output._toxic import DEFAULT_DISAVOW_LABELS, DEFAULT_DISAVOW_THRESHOLD, check_labels, is_toxic

GOOGLE_MAX_LINES = 100_000
#: Google says "2MB"; 2,000,000 bytes is the stricter reading, so a file that passes here passes there.
GOOGLE_MAX_BYTES = 2_000_000
GOOGLE_MAX_URL = 2_048

#: Blog platforms that give each user a subdomain but are not on the public suffix list (whose private section
#: already makes alice.blogspot.com or bob.github.io a site of its own): a domain: line for the platform would
#: disavow every blog on it, so a line covers one user's subdomain. Only here: counted as one site each in the
#: features, these hosts lowered directory recall (evaluation/error_analysis_notes.md, item 13).
SHARED_HOSTS = frozenset({
    "wordpress.com", "tumblr.com", "livejournal.com", "typepad.com", "weebly.com", "substack.com", "ghost.io",
    "medium.com", "squarespace.com", "neocities.org", "tripod.com", "angelfire.com", "over-blog.com",
    "canalblog.com", "skyrock.com", "edublogs.org", "jimdofree.com", "webnode.com", "webs.com",
})

#: Platforms where anyone publishes under the platform's own host names (a Google Site, a YouTube video, a Reddit
#: thread, a GitHub repository, a shortened link): a ``domain:`` line for one spam page there would disavow every
#: link from the whole platform, so their pages get URL lines at domain level too.
URL_ONLY_HOSTS = frozenset({
    "google.com", "youtube.com", "reddit.com", "facebook.com", "instagram.com", "twitter.com", "x.com",
    "linkedin.com", "pinterest.com", "tiktok.com", "github.com", "gitlab.com", "archive.org", "wikipedia.org",
    "fandom.com", "quora.com", "stackexchange.com", "stackoverflow.com", "amazon.com", "yahoo.com", "vk.com",
    "flickr.com", "vimeo.com", "dailymotion.com", "soundcloud.com", "slideshare.net", "scribd.com", "issuu.com",
    "dropbox.com", "microsoft.com", "apple.com", "blogger.com", "t.me", "t.co", "bit.ly", "tinyurl.com", "goo.gl",
    "ow.ly", "buff.ly", "linktr.ee",
})

HEADER_BEGIN = "# ===== linktriage disavow file ====="
HEADER_END = "# ===== end of linktriage header ====="
#: the comment lines write_disavow puts between the two
HEADER_COMMENTS = 6
_DISABLED = "# [allow-listed: disabled by linktriage] "
_INVALID = "# [invalid for Google: disabled by linktriage] "

_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63})+$")
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# A second entry on a URL's line ("https://a.com/x, https://b.com/y", a tab between two URLs): percent-encoded as
# one URL it would disavow neither page, and b.com would silently drop out of the file.
_SECOND_ENTRY = re.compile(r"[\s,;](?:https?://|domain:)", re.IGNORECASE)
# The header of linktriage's own table of scored links: given to --merge instead of the disavow file.
_SCORED_HEADER = re.compile(r"^\W{0,2}source_url\W{0,2}[,;\t]", re.IGNORECASE)
# Whitespace and control characters would break a line (or start a new one): they are percent-encoded in URLs
# and replaced by spaces in comments. str.splitlines() also splits on \x1c-\x1e, \x85, \u2028 and \u2029.
_BREAKING = re.compile(r"[\x00-\x20\x7f-\xa0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]")


@dataclass(frozen=True, slots=True)
class DisavowSummary:
    """What ``write_disavow`` wrote and why (counts for the CLI and the file's header)."""

    path: str
    rows: int
    #: rows meeting the rule (labels, min_confidence)
    selected: int
    new_domains: int
    new_urls: int
    #: selected rows already covered by an entry of the merged file
    already_listed: int
    #: selected rows left out because their host is allow-listed
    allowed: int
    #: selected rows without a usable http(s) URL
    skipped: int
    #: active entries kept from the merged file, and its entries turned into comments by the allow list
    kept_entries: int
    disabled_entries: int
    #: lines of the merged file that are neither comments, domain: lines nor URLs (kept as they were), and its
    #: malformed domain: and URL lines (turned into comments)
    unrecognised_lines: int
    lines: int
    bytes: int
    #: selected rows left out at URL level because Google refuses URLs over 2,048 characters
    too_long: int = 0
    #: the comment on each new domain was left out: with them the file would be beyond Google's limits
    comments_left_out: bool = False
    #: toxic pages not listed because the same page also carries a link the model judged acceptable
    shared_pages: int = 0
    #: rows repeating a link an earlier row gave with the same label (the same file given twice): counted once
    repeated: int = 0
    #: links given different labels in two rows (a file and its reviewed copy), and the first of them
    conflicting: int = 0
    conflict_example: str = ""

    def messages(self) -> list[str]:
        """Short lines for a terminal."""
        out = [f"{self.selected} of {self.rows} links meet the rule; wrote {counted(self.new_domains, 'new domain: line')} "
               f"and {counted(self.new_urls, 'new URL')} to {self.path} ({self.lines} lines, {self.bytes:,} bytes)"]
        if self.kept_entries or self.disabled_entries or self.already_listed:
            was = "was" if self.already_listed == 1 else "were"
            covered = f"{counted(self.already_listed, 'link')} {was} already covered"
            out.append(f"kept {counted(self.kept_entries, 'entry', 'entries')} of the merged file ({covered}; "
                       f"{counted(self.disabled_entries, 'entry', 'entries')} disabled by the allow list)")
        if self.allowed:
            out.append(f"{counted(self.allowed, 'link')} left out by the allow list")
        if self.skipped:
            out.append(f"{counted(self.skipped, 'link')} skipped: no http(s) URL with a host Google accepts")
        if self.shared_pages:
            out.append(f"{counted(self.shared_pages, 'page')} left out: each also carries a link the model judged "
                       "acceptable, which a URL line would disavow too (ask the site to remove the toxic link; the "
                       "pages are named in comments)")
        if self.repeated:
            out.append(f"{counted(self.repeated, 'row')} repeated a link of an earlier row with the same label: "
                       "counted once")
        if self.conflicting:
            out.append(f"warning: {counted(self.conflicting, 'link')} labelled differently in two rows (first: "
                       f"{self.conflict_example}): a toxic row among them is followed; give only the reviewed file")
        if self.too_long:
            out.append(f"{counted(self.too_long, 'link')} left out: URL over Google's {GOOGLE_MAX_URL:,} characters; "
                       "disavow the domain instead (--level domain)")
        if self.comments_left_out:
            out.append("the comments on each new domain are left out: with them the file would exceed Google's "
                       f"limits ({GOOGLE_MAX_LINES:,} lines, 2 MB)")
        if self.unrecognised_lines:
            are = "is" if self.unrecognised_lines == 1 else "are"
            out.append(f"warning: {counted(self.unrecognised_lines, 'line')} of the merged file {are} neither comments, "
                       "domain: lines nor URLs Google accepts: malformed domain: and URL lines were turned into "
                       "comments, other lines kept as they were (Google will reject them); fix them before uploading")
        out.append("review every line before uploading: disavowing is a last resort")
        return out


def ascii_host(host: str) -> str:
    """A host in its ASCII (punycode) form, lower-cased, without a trailing dot."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    import idna  # a dependency of tldextract

    try:
        # UTS #46 non-transitional, as browsers and registries: faß.de is xn--fa-hia.de. Python's own "idna"
        # codec is IDNA 2003 and would name a different domain (fass.de).
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return host


def _unicode_host(host: str) -> str:
    import idna

    try:
        return idna.decode(host) if "xn--" in host else host
    except (idna.IDNAError, UnicodeError):
        return host


def _covered(host: str, domains: set[str] | frozenset[str]) -> bool:
    """True when ``host`` or one of its parent domains is in ``domains`` (a set: one look-up per label)."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


def _unit(host: str) -> str:
    """What one ``domain:`` line may cover for a link from ``host``: its registrable domain, or on a blog platform
    of SHARED_HOSTS, the user's own subdomain (``domain:spammer.wordpress.com``, never ``domain:wordpress.com``)."""
    domain = registrable_domain(host) or host
    if domain in SHARED_HOSTS and host not in (domain, f"www.{domain}"):
        return f"{host[: -len(domain) - 1].rsplit('.', 1)[-1]}.{domain}"
    return domain


def referring_site(row: dict) -> str:
    """The referring site a scored row counts for in the domain view and the report: its ``source_domain``, except
    on a blog platform of SHARED_HOSTS, where each user's blog is a site of its own, as a ``domain:`` line covers it
    (63 links from 29 wordpress.com blogs made one "sitewide" domain that the report invited to disavow)."""
    domain = row.get("source_domain") or ""
    if domain not in SHARED_HOSTS:
        return domain
    return _unit(ascii_host(hostname(str(row.get("source_url") or "")))) or domain


def _children(allow: frozenset[str]) -> dict[str, list[str]]:
    """Allow entries by each of their parent domains: which allowed hosts sit under a domain."""
    index: dict[str, list[str]] = {}
    for host in allow:
        labels = host.split(".")
        for i in range(1, len(labels)):
            index.setdefault(".".join(labels[i:]), []).append(host)
    return index


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _valid_host(host: str, *, ip: bool = True) -> bool:
    """An ASCII host Google can match: dotted labels of letters, digits, - and _ (or an IP address)."""
    if ip and _is_ip(host):
        return True
    if not _NAME.match(host):
        return False
    return all(_punycode(label[4:]) for label in host.split(".") if label.startswith("xn--"))


def _punycode(text: str) -> bool:
    """True when ``text`` (an xn-- label without its prefix) decodes: "xn--" alone or broken names no host."""
    try:
        return bool(text.encode("ascii").decode("punycode"))
    except UnicodeError:
        return False


def _as_browsers_read(url: str) -> str:
    """Browsers read a backslash in an http(s) URL as a slash (WHATWG URL standard): "http://evil.com\\@good.com/"
    is a page of evil.com, where urlsplit finds the host good.com, and a good partner was disavowed. For the URL
    lines; ``hostname`` reads a host this way itself."""
    return url.strip().replace("\\", "/")


def _clean_url(url: str) -> str | None:
    url = _as_browsers_read(url)
    if not _SCHEME.match(url) or not hostname(url):
        return None
    return _one_spelling(_encoded_breaks(url))


def _one_spelling(url: str) -> str:
    """The one spelling of a page's URL written at URL level: scheme and host lower-cased, no #fragment (host names
    are case-insensitive and a fragment is no part of what is crawled). An export lists a page under such spellings
    ("http://ADWORDS.BLOGSPOT.COM/...", "...#comments"), and each was a line of its own. http against https and a
    trailing slash stay apart: those are other URLs to a crawler."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1": left as it is, for the host check to refuse
        return url
    userinfo, at, host = parts.netloc.rpartition("@")
    scheme, host = parts.scheme.lower(), host.lower()
    if host.endswith({"http": ":80", "https": ":443"}.get(scheme, "\0")):  # the scheme's own port: the same URL
        host = host.rpartition(":")[0]
    return urlunsplit((scheme, f"{userinfo}{at}{host}", parts.path, parts.query, ""))


def _encoded_breaks(url: str) -> str:
    """``url`` with whitespace and controls percent-encoded: Google reads a line, and no spaces in a URL."""
    return _BREAKING.sub(lambda m: quote(m.group(), safe=""), url)


def _comment_text(text: str, limit: int = 300) -> str:
    text = " ".join(_BREAKING.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines(text: str) -> list[str]:
    """A text file's lines. Not str.splitlines: it also breaks at form feeds, U+2028 and other separators inside a
    line, and the rest of a comment holding one became a line Google reads as an entry."""
    return re.split(r"\r\n|[\r\n]", text)


def _read_utf8(path: Path, what: str, not_utf8: str) -> str:
    """The text of a small UTF-8 input file (BOM dropped), or a one-line error naming ``what`` it is."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{what} {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        raise InputError(f"{what} {path.name} {not_utf8}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {str(path)!r}: {exc.strerror or exc}") from None


def read_allowlist(path: str | os.PathLike) -> frozenset[str]:
    """Hosts never disavowed: one per line (``example.com``, ``domain:example.com`` or a URL); ``#`` comments.
    ``www.example.com`` is read as ``example.com``."""
    path = Path(path)
    text = _read_utf8(path, "allow list", "is not UTF-8 text: save it as UTF-8")
    hosts = set()
    for number, line in enumerate(_lines(text), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.lower().startswith("domain:"):
            line = line[len("domain:"):].strip()
        host = ascii_host(hostname(line))
        if not _valid_host(host):
            raise InputError(f"allow list {path.name} line {number}: {line[:80]!r} is not a domain: "
                             "write one domain (example.com) per line")
        if is_registry_suffix(host):  # "co.uk" would keep every British site out of the file
            raise InputError(f"allow list {path.name} line {number}: {host} is a public suffix, not a site: write "
                             f"the site's domain (example.{host})")
        # "https://www.partner.com/" names the partner's site, as www. counts nowhere else: it protected only the
        # www host, and the partner's other pages were disavowed URL by URL
        if host.startswith("www.") and registrable_domain(host) == host[4:]:
            host = host[4:]
        hosts.add(host)
    return frozenset(hosts)


def _read_existing(path: str | os.PathLike, allow: frozenset[str]):
    """The lines of an existing disavow file to keep, and its entries (for de-duplication)."""
    path = Path(path)
    text = _read_utf8(path, "disavow file to merge",
                      "is not UTF-8: Google only accepts UTF-8 or ASCII; re-save it as UTF-8")
    kept: list[str] = []
    domains: set[str] = set()
    urls: set[str] = set()
    disabled = unrecognised = 0
    header_left = 0  # comment lines of linktriage's previous header still to drop
    children = _children(allow)
    for number, raw in enumerate(_lines(text), start=1):
        line = raw.replace("\ufeff", "").strip()  # the BOM of a second file joined on (`cat a.txt b.txt`)
        # linktriage's previous header is replaced by this run's: its markers and at most its own number of
        # comment lines go, up to a blank line (it has none). A header trimmed by hand (no end line) must not take
        # the lines after it along, nor one written inside it by a reviewer.
        if line in (HEADER_BEGIN, HEADER_END):
            header_left = HEADER_COMMENTS if line == HEADER_BEGIN else 0
            continue
        if header_left and line.startswith("#"):
            header_left -= 1
            continue
        if not line:
            header_left = 0
        if not line or line.startswith("#"):
            kept.append(line)
            continue
        if not kept and not domains and not urls and _SCORED_HEADER.match(line):
            raise InputError(f"{path.name} is a table of scored links (its first line names source_url), not a "
                             "disavow file: give it before -o, and to --merge the disavow file you last uploaded")
        if line.lower().startswith("domain:"):
            domain = ascii_host(line[len("domain:"):])
            # domain:, domain:*.evil.com, domain:http://x/: Google may refuse the whole file for one such line;
            # a comment keeps it for the reviewer. [::1] is URL syntax, not a name (dotted IPv4 passes: Google's
            # help does not say it is refused, and a working entry must not be lost)
            if not _valid_host(domain, ip=False) or is_registry_suffix(domain):  # domain:co.uk names no site
                unrecognised += 1
                kept.append(_INVALID + line)
                continue
            if domain in domains:
                continue
            if _covered(domain, allow) or domain in children:
                kept.append(_DISABLED + line)
                disabled += 1
                continue
            domains.add(domain)
            kept.append(f"domain:{domain}")
            continue
        if _SCHEME.match(line):
            if _SECOND_ENTRY.search(line):
                unrecognised += 1
                kept.append(_INVALID + line)
                continue
            line = _encoded_breaks(line)  # "/a b", as new URLs are written
            if len(line) > GOOGLE_MAX_URL:
                raise InputError(f"{path.name} line {number}: a URL of {len(line):,} characters; Google accepts "
                                 f"at most {GOOGLE_MAX_URL:,}: replace it with a domain: line")
            if not _valid_host(ascii_host(hostname(line))):  # http://, http://[::1, https://[x]/
                unrecognised += 1
                kept.append(_INVALID + line)
                continue
            page = _one_spelling(line)
            if page in urls:
                continue
            if _covered(ascii_host(hostname(line)), allow):
                kept.append(_DISABLED + line)
                disabled += 1
                continue
            urls.add(page)
            kept.append(line)
            continue
        unrecognised += 1
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    while kept and not kept[0]:  # the blank line after a previous header: not content
        kept.pop(0)
    return kept, domains, urls, disabled, unrecognised


def _link(row: dict) -> tuple[str, str, str]:
    """One row's link as the file wrote it: its page, its target and its anchor. Not leniently (url_key): http and
    https, or a trailing slash, are other URLs to a crawler, and each spelling gets its own URL line."""
    return (str(row.get("source_url") or "").strip(), str(row.get("target_url") or "").strip(),
            " ".join(str(row.get("anchor") or "").split()))


def _labelled_by_hand(row: dict) -> bool:
    """A label a reviewer set in the predictions file: on a row the model did not judge (no confidence), or in place
    of the model's (``confidence`` is the model's probability of its own label, so it no longer matches the row's
    ``p_<label>``). The reviewer's call is followed whatever the confidence: an editorial 0.6 changed to spam kept
    0.6, under the rule, and was silently left out."""
    label = row.get("label")
    if not label:
        return False
    confidence = row.get("confidence")
    if confidence is None or confidence != confidence:
        return True
    model_p = row.get(f"p_{label}")
    return isinstance(model_p, (int, float)) and model_p == model_p and abs(model_p - confidence) > 1e-3


class _Group:
    """The selected links of one registrable domain."""

    __slots__ = ("links", "labels", "best", "reasons", "urls", "hosts", "shared", "by_hand")

    def __init__(self) -> None:
        self.links, self.labels, self.best, self.by_hand = 0, Counter(), 0.0, 0
        self.reasons: Counter = Counter()
        self.urls: dict[str, None] = {}
        self.hosts: set[str] = set()
        #: of ``urls``, the pages that also carry an acceptable link: never URL lines
        self.shared: dict[str, None] = {}

    def add(self, row: dict, url: str | None, host: str, by_hand: bool = False) -> None:
        self.links += 1
        self.labels[row["label"]] += 1
        if by_hand:  # the model's reasons explained the model's label, not the reviewer's: left out
            self.by_hand += 1
        else:
            self.best = max(self.best, float(row["confidence"]))
            self.reasons.update(r.strip() for r in str(row.get("reasons") or "").split(";") if r.strip())
        self.hosts.add(host)
        if url:
            self.urls[url] = None

    def comment(self, domain: str, note: str = "") -> str:
        shown = _unicode_host(domain)
        name = domain if shown == domain else f"{domain} ({shown})"
        mix = ", ".join(f"{label} {n}" for label, n in self.labels.most_common())
        reasons = "; ".join(r for r, _ in self.reasons.most_common(3))
        text = f"{name}: {self.links} link{'s' if self.links != 1 else ''} ({mix})"
        if self.by_hand < self.links:
            text += f", confidence up to {self.best:.2f}"
        if self.by_hand:
            text += f", {'all' if self.by_hand == self.links else self.by_hand} labelled by hand"
        return "# " + _comment_text(text + (f"; {reasons}" if reasons else "") + note, 400)


def write_disavow(rows: Iterable[dict], path: str | os.PathLike, *, min_confidence: float = DEFAULT_DISAVOW_THRESHOLD,
                  labels: Sequence[str] = DEFAULT_DISAVOW_LABELS, level: str = "domain",
                  merge: str | os.PathLike | None = None, allow: str | os.PathLike | None = None,
                  sources: Sequence[str] = ()) -> DisavowSummary:
    """Write Google's disavow file for the links labelled one of ``labels`` with confidence >= ``min_confidence``.

    ``level`` "domain" writes one ``domain:`` line per registrable domain, "url" one line per referring page.
    ``merge``: an existing disavow file whose entries and comments are all kept, once. ``allow``: a file of
    domains never disavowed (subdomains included). ``sources`` names the prediction files in the comments.
    Raises InputError for bad options, unreadable files, or a result beyond Google's limits.
    """
    for option, value in (("-o", path), ("--merge", merge), ("--allow", allow)):
        if value is not None and not os.fspath(value).strip():  # Path("") would be the working folder
            raise InputError(f"{option} is empty: give a file name" + ("" if option == "-o" else f", or leave {option} out"))
    path = Path(path)
    labels = check_labels(labels)
    if level not in ("domain", "url"):
        raise InputError(f"unknown disavow level {level!r}: choose domain or url")
    if not 0.0 <= float(min_confidence) <= 1.0:
        raise InputError(f"--min-confidence must be between 0 and 1, got {min_confidence}")
    if path.suffix.lower() != ".txt":
        raise InputError(f"Google accepts only .txt disavow files: name the output like {path.stem}.txt")
    if allow and same_file(path, allow):  # both are .txt: -o partners.txt replaced the allow list with entries
        raise InputError(f"-o and --allow are the same file ({path}): the allow list would be replaced; give the "
                         "disavow file a name of its own")
    allowed_hosts = read_allowlist(allow) if allow else frozenset()
    kept, old_domains, old_urls, disabled, unrecognised = (
        _read_existing(merge, allowed_hosts) if merge else ([], set(), set(), 0, 0))

    groups: dict[str, _Group] = {}
    n_rows = selected = allowed = skipped = already = too_long = 0
    good: dict[str, Counter] = {}  # per domain: links the model judged acceptable (not among ``labels``)
    good_pages: set[str] = set()  # the pages those links are on
    labels_seen: dict[tuple[str, str, str], str] = {}  # per link: the label of its first row
    repeated = 0
    conflicting: dict[tuple[str, str, str], str] = {}  # per link labelled two ways: its page
    for row in rows:
        link, label = _link(row), row.get("label") or ""
        first = labels_seen.get(link)
        if first is None:
            labels_seen[link] = label
        elif first == label:  # the same file given twice, or two overlapping exports: counted once
            repeated += 1
            continue
        else:  # a file and its reviewed copy: both rows count, and the run warns
            conflicting.setdefault(link, str(row.get("source_url") or ""))
        n_rows += 1
        by_hand = row.get("label") in labels and _labelled_by_hand(row)
        if not by_hand and not is_toxic(row.get("label"), row.get("confidence"), threshold=min_confidence,
                                        labels=labels):
            if row.get("label") and row["label"] not in labels:
                domain = _unit(ascii_host(hostname(str(row.get("source_url") or ""))))
                good.setdefault(domain, Counter())[row["label"]] += 1
                good_pages.add(_clean_url(str(row.get("source_url") or "")) or "")
            continue
        selected += 1
        url = _clean_url(str(row.get("source_url") or ""))
        host = ascii_host(hostname(url)) if url else ""
        if not _valid_host(host):  # what --merge would disable as invalid for Google ("a..b.com", "xn--zz.com")
            skipped += 1
            continue
        if _covered(host, allowed_hosts):
            allowed += 1
            continue
        if url in old_urls or _covered(host, old_domains):
            already += 1
            continue
        domain = _unit(host)  # from the punycode host: see ascii_host
        groups.setdefault(domain, _Group()).add(row, url, host, by_hand)

    children = _children(allowed_hosts)
    added: list[tuple[str, list[str], list[str]]] = []  # per domain: its comment, its entries, pages left out
    new_domains = new_urls = shared_pages = 0
    for domain in sorted(groups):
        group = groups[domain]
        partial = sorted(children.get(domain, ()))
        mixed = good.get(domain)
        platform = domain in URL_ONLY_HOSTS
        by_domain = (level == "domain" and not partial and not mixed and not platform and bool(_NAME.match(domain))
                     and not _is_ip(domain) and domain not in SHARED_HOSTS)  # (the platform's own pages: URLs)
        if by_domain:
            entries = [f"domain:{domain}"]
        else:
            # A URL line drops every link of its page: one that also carries an acceptable link (a spam comment
            # under an article that cites you) is named in the comment, not disavowed.
            group.shared = {url: None for url in group.urls if url in good_pages}
            shared_pages += len(group.shared)
            entries = [url for url in group.urls if url not in group.shared]
        # one absurd URL must not cost the whole file: it is left out and counted (Google would refuse the file)
        usable = [url for url in entries if len(url) <= GOOGLE_MAX_URL]
        too_long += len(entries) - len(usable)
        entries = usable
        if not entries and not group.shared:
            continue
        note = ""
        if level == "domain" and partial:
            note = f" (URLs only: {', '.join(partial)} is allow-listed)"
        elif level == "domain" and mixed:
            note = (" (URLs only: the domain also has " + ", ".join(f"{n} {lab}" for lab, n in mixed.most_common())
                    + " link" + ("s" if sum(mixed.values()) > 1 else "") + ")")
        elif level == "domain" and platform:
            note = " (URLs only: a platform where anyone publishes)"
        left_out = [f"# not listed, the page also has an acceptable link: {url}" for url in group.shared]
        added.append((group.comment(domain, note), entries, left_out))
        new_domains += by_domain
        new_urls += 0 if by_domain else len(entries)

    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rule = f"labels {', '.join(labels)} with confidence >= {float(min_confidence):.2f}, level {level}"
    origin = _comment_text(", ".join(Path(s).name for s in sources)) if sources else "predictions"
    old_entries = len(old_domains) + len(old_urls)
    totals = (new_domains, new_urls, selected, n_rows, old_entries)
    text = _disavow_text(kept, added, now, rule, origin, totals, comments=True)
    n_lines, size = _measured(text)
    commented = size <= GOOGLE_MAX_BYTES and n_lines <= GOOGLE_MAX_LINES
    if not commented:  # linktriage's own words give way first: they made most of the lines and bytes
        text = _disavow_text(kept, added, now, rule, origin, totals, comments=False)
        n_lines, size = _measured(text)
    fix = "raise --min-confidence" + (", use --level domain," if level != "domain" else "") + " or allow-list domains"
    if n_lines > GOOGLE_MAX_LINES or size > GOOGLE_MAX_BYTES:
        merged_lines, merged_size = _measured(_disavow_text(kept, [], now, rule, origin, totals, comments=False))
        if merged_lines > GOOGLE_MAX_LINES or merged_size > GOOGLE_MAX_BYTES:  # no option of this run can help
            fix = (f"the merged file with linktriage's header alone makes {merged_lines:,} lines and "
                   f"{merged_size:,} bytes: remove entries you no longer need from it")
    if n_lines > GOOGLE_MAX_LINES:
        raise InputError(f"the disavow file would have {n_lines:,} lines, even without linktriage's comments; Google "
                         f"accepts at most {GOOGLE_MAX_LINES:,} (comments included): {fix}")
    if size > GOOGLE_MAX_BYTES:
        raise InputError(f"the disavow file would be {size:,} bytes, even without linktriage's comments; Google "
                         f"accepts at most 2 MB: {fix}")
    from linktriage._remote import replaced_on_success

    try:
        # a hidden file beside it, renamed over it once complete (--merge X -o X never leaves half a file) and
        # removed when the write fails (a full disk left a half-written disavow.txt.tmp behind)
        with replaced_on_success(str(path), resume=False) as temporary:
            Path(temporary).write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    return DisavowSummary(
        path=str(path), rows=n_rows, selected=selected, new_domains=new_domains, new_urls=new_urls,
        already_listed=already, allowed=allowed, skipped=skipped, too_long=too_long, kept_entries=old_entries,
        disabled_entries=disabled, unrecognised_lines=unrecognised, lines=n_lines, bytes=size,
        comments_left_out=not commented, shared_pages=shared_pages, repeated=repeated,
        conflicting=len(conflicting), conflict_example=next(iter(conflicting.values()), ""))


def _measured(text: str) -> tuple[int, int]:
    """Lines and bytes of a disavow file, as Google counts them against its limits."""
    return text.count("\n"), len(text.encode("utf-8"))


def _disavow_text(kept: list[str], added: list[tuple[str, list[str], list[str]]], now: str, rule: str, origin: str,
                  totals: tuple[int, int, int, int, int], *, comments: bool) -> str:
    """The file: linktriage's header, the merged file's lines, then the new entries (under a comment per domain
    when ``comments``)."""
    new_domains, new_urls, selected, n_rows, old_entries = totals
    body = list(kept)
    if added:
        lines = [line for comment, entries, left_out in added
                 for line in ([comment, *entries, *left_out, ""] if comments else entries)]
        body += ([""] if body else []) + [
            f"# Added by linktriage on {now} from {origin} ({rule}): {counted(new_domains, 'domain')}, "
            f"{counted(new_urls, 'URL')}" + ("" if comments else "; the comments on each domain are left out: with "
                                              "them the file would exceed Google's limits"), *lines]
    while body and not body[-1]:
        body.pop()
    entries_total = sum(1 for line in body if line.lower().startswith("domain:") or _SCHEME.match(line))
    header = [
        HEADER_BEGIN,
        f"# Written by linktriage on {now}. Rule: {rule}.",
        f"# {counted(entries_total, 'entry', 'entries')}: {counted(new_domains, 'new domain: line')} and "
        f"{counted(new_urls, 'new URL')} from {selected} of {n_rows} scored links; "
        f"{counted(old_entries, 'entry', 'entries')} kept from the merged file.",
        "# Disavowing is a last resort: Google already ignores most unnatural links. Use this file only for",
        "# links you could not get removed and that risk (or caused) a manual action, after reviewing every line:",
        "# the labels are a model's guesses, and a wrong domain: line throws away good links from the whole site.",
        "# An upload replaces the property's previous disavow file: keep everything you still want in this one.",
        HEADER_END,
    ]
    assert len(header) == HEADER_COMMENTS + 2  # _read_existing drops as many lines of a previous header
    return "\n".join([*header, "", *body]) + "\n"


def disavow_job(predictions: Sequence[str | os.PathLike], output: str | os.PathLike, **options) -> DisavowSummary:
    """The ``disavow`` job: read prediction files (CSV / JSONL / Parquet from ``linktriage score``), write the file.

    ``options`` are write_disavow's: min_confidence, labels, level, merge, allow.
    """
    from linktriage.output._predictions import read_predictions

    if not predictions:
        raise InputError("give at least one predictions file written by `linktriage score`")
    for prediction in predictions:  # the output replaces its file at the end: the scored rows would be lost
        if same_file(output, prediction):
            raise InputError(f"-o and the predictions file {str(prediction)!r} are the same file: give the disavow "
                             "file a name of its own")
    return write_disavow(read_predictions(predictions), output, sources=[str(p) for p in predictions], **options)
