"""CMS skeletons (WordPress classic and block themes, Blogger, Ghost, news sites, Medium-like, Bootstrap, old
table layouts, phpBB, vBulletin, XenForo, phpLD and card directory scripts) and the boilerplate real pages carry.

Each skeleton has its own DOM (ids, classes, nesting), so a classifier cannot tell a class by the wrapper.
"""
from __future__ import annotations

from .page import Page, esc
from .world import slug

ARTICLE_CMS = ("wp_classic", "wp_block", "blogger", "ghost", "news", "medium", "bootstrap", "table_static")
FORUM_CMS = ("phpbb", "vbulletin", "xenforo")
DIRECTORY_CMS = ("phpld", "cards", "bootstrap", "table_static", "wp_classic")


def cookie(p: Page) -> str:
    r, ui = p.rng, p.ui
    return r.choice([
        f'<div id="cookie-notice" role="dialog" class="cn-bottom"><div class="cookie-notice-container"><span id="cn-notice-text">{esc(ui["cookie"])}</span><a href="#" id="cn-accept-cookie" class="cn-button">{esc(ui["accept"])}</a></div></div>',
        f'<div class="cc-window cc-banner cc-type-info"><span class="cc-message">{esc(ui["cookie"])} <a class="cc-link" href="/{slug(ui["privacy"])}">{esc(ui["privacy"])}</a></span><div class="cc-compliance"><a class="cc-btn cc-dismiss">{esc(ui["accept"])}</a></div></div>',
        f'<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" class="otFlat"><div id="onetrust-policy-text">{esc(ui["cookie"])}</div><button id="onetrust-accept-btn-handler">{esc(ui["accept"])}</button></div></div>',
        f'<div class="gdpr-bar" style="position:fixed;bottom:0">{esc(ui["cookie"])} <button type="button">OK</button></div>',
    ])


def ad(p: Page) -> str:
    r = p.rng
    return r.choice([
        f'<div class="ad-slot ad-{r.choice(["leaderboard", "mpu", "inline"])}"><span class="ad-label">{esc(p.ui["ad"])}</span><div id="div-gpt-ad-{r.randint(10**6, 10**7)}-0"></div></div>',
        '<ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-0000000000000000" data-ad-slot="1234567890" data-ad-format="auto"></ins>',
        f'<div class="advert"><img src="/ads/banner-{r.randint(1, 40)}.jpg" alt="{esc(p.ui["ad"])}" width="300" height="250"></div>',
        f'<aside class="promo-box"><p>{esc(p.ui["ad"])}</p><iframe src="about:blank" width="728" height="90" title="ad"></iframe></aside>',
    ])


def related(p: Page, titles: list[str]) -> str:
    r, ui = p.rng, p.ui
    items = "".join(f'<li><a href="/{slug(t)[:50]}/">{esc(t)}</a></li>' for t in titles[:r.randint(3, 6)])
    return r.choice([
        f'<div class="yarpp-related"><h3>{esc(ui["related"])}</h3><ol>{items}</ol></div>',
        f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>{esc(ui["related"])}</em></h3><ul>{items}</ul></div>',
        f'<section class="more-from"><h2>{esc(ui["more"])}</h2><ul class="card-list">{items}</ul></section>',
        f'<div class="related-articles"><h4>{esc(ui["read"])}</h4><ul>{items}</ul></div>',
    ])


def newsletter(p: Page) -> str:
    ui = p.ui
    return p.rng.choice([
        f'<form class="mc4wp-form" method="post"><div class="mc4wp-form-fields"><p>{esc(ui["newsletter"])}</p><input type="email" name="EMAIL"><input type="submit" value="OK"></div></form>',
        f'<div class="newsletter-signup"><h3>{esc(ui["newsletter"])}</h3><form action="/subscribe"><input type="email" placeholder="you@mail"><button>OK</button></form></div>',
        f'<section class="subscribe-box"><strong>{esc(ui["newsletter"])}</strong><input type="email"></section>',
    ])


def share(p: Page) -> str:
    u = esc(p.url)
    nets = p.rng.sample(["facebook", "twitter", "linkedin", "pinterest", "reddit", "whatsapp"], p.rng.randint(2, 5))
    links = "".join(f'<a class="share-{n}" href="https://{n}.example/share?u={u}" rel="nofollow noopener">{n.title()}</a>' for n in nets)
    items = "".join(f"<li>{x}</a></li>" for x in links.split("</a>") if x)
    return p.rng.choice([f'<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">{esc(p.ui["share"])}</h3><div class="sd-content">{links}</div></div>',
                         f'<div class="a2a_kit a2a_default_style">{links}</div>', f'<ul class="social-share">{items}</ul>'])


def breadcrumbs(p: Page, title: str) -> str:
    ui = p.ui
    return p.rng.choice([
        f'<nav aria-label="breadcrumb"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">{esc(ui["home"])}</a></li><li class="breadcrumb-item"><a href="/{slug(ui["blog"])}/">{esc(ui["blog"])}</a></li><li class="breadcrumb-item active">{esc(title[:40])}</li></ol></nav>',
        f'<p id="breadcrumbs"><span><a href="/">{esc(ui["home"])}</a> » <span class="breadcrumb_last">{esc(title[:40])}</span></span></p>',
        f'<div class="crumbs"><a href="/">{esc(ui["home"])}</a> / {esc(title[:40])}</div>',
    ])


# Sub-sections of a mega menu and footer columns: real sites carry 100-200 internal links and 10-30 k characters
# of chrome (menus, footers, inline scripts) around the article. Without them every generated page is a tenth of a
# real one's size and a model can tell generated from real by size alone, and learn the rare classes only for
# small pages.
SECTIONS = ("Latest", "Popular", "Archive", "Video", "Podcasts", "Opinion", "Interviews", "Photos", "Local", "World",
            "Science", "Education", "Careers", "Shop", "Events", "Family", "Weekend", "Newsletter", "Deals", "Explainers",
            "Analysis", "Columns", "Features", "Longreads", "Data", "Weather", "Obituaries", "Puzzles", "Topics", "Tools")
CORPORATE = ("About us", "Our team", "Jobs", "Press", "Advertise", "Contact", "Privacy", "Terms", "Cookies",
             "Accessibility", "Imprint", "Editorial standards", "Corrections", "Help", "FAQ", "Sitemap", "RSS", "Apps",
             "Subscriptions", "Store", "Licensing", "Archive", "Masthead", "Ethics", "Events", "Awards", "Podcasts")
PROFILES = ("facebook", "x", "instagram", "youtube", "linkedin", "tiktok", "pinterest", "threads", "mastodon", "flickr")
_SCRIPT_WORDS = ("enabled", "slot", "consentMode", "pageType", "lazyLoad", "experiment", "variant", "cdnBase",
                 "sectionId", "template", "locale", "gridSize", "breakpoint", "render", "hydrate", "chunkId",
                 "moduleId", "prefetch", "analyticsId", "featureFlag", "timeout", "maxAge", "viewport", "debug")


def nav(p: Page, cls: str = "menu") -> str:
    r, sub = p.rng, p.site.flags.get("mega", 0)
    items = []
    for x in p.site.nav:
        children = ""
        if sub:
            names = r.sample(SECTIONS, min(len(SECTIONS), r.randint(sub // 2, sub)))
            children = "<ul class=\"sub-menu\">" + "".join(
                f'<li class="menu-item"><a href="/{slug(x)}/{slug(n)}/">{esc(n)}</a></li>' for n in names) + "</ul>"
        items.append(f'<li class="menu-item"><a href="/{slug(x)}/">{esc(x)}</a>{children}</li>')
    return f'<ul class="{cls}"><li class="menu-item"><a href="/">{esc(p.ui["home"])}</a></li>{"".join(items)}</ul>'


def footer_columns(p: Page) -> str:
    """A sitewide footer of link columns and social profiles (on reserved TLDs), on sites with heavy chrome."""
    r, n = p.rng, p.site.flags.get("footer_links", 0)
    if not n:
        return ""
    extra = max(0, n - len(CORPORATE))  # beyond the corporate pages: section pages ("Travel Weekend")
    links = r.sample(CORPORATE, min(n, len(CORPORATE))) + [
        f"{x} {y}" for x, y in zip(r.choices(p.site.nav, k=extra), r.choices(SECTIONS, k=extra))]
    columns = [links[i:i + 6] for i in range(0, len(links), 6)]
    html_columns = "".join(f'<div class="footer-col"><ul>{"".join(f"<li>{p.internal(x)}</li>" for x in col)}</ul></div>'
                           for col in columns)
    social = "".join(f'<a class="social-{name}" href="https://{name}.example/{slug(p.site.name)}" rel="me noopener">'
                     f'{name.title()}</a>' for name in r.sample(PROFILES, p.site.flags.get("profiles", 0)))
    return f'<div class="footer-columns">{html_columns}</div><div class="social-profiles">{social}</div>'


def inline_scripts(p: Page) -> str:
    """Inline configuration, analytics and CSS of the size real pages carry (their text counts as page text)."""
    r, size = p.rng, p.site.flags.get("script_chars", 0)
    if not size:
        return ""
    parts, total = [], 0
    while total < size:
        key, value = r.choice(_SCRIPT_WORDS), r.choice(_SCRIPT_WORDS)
        part = r.choice([f'"{key}{r.randint(1, 99)}":"{value}-{r.randint(10**5, 10**9):x}"', f'"{key}":{r.randint(0, 10**6)}',
                         f'"{key}":{{"{value}":{str(r.random() < 0.5).lower()},"id":"{r.randint(10**8, 10**12):x}"}}'])
        parts.append(part)
        total += len(part)
    state = ",".join(parts)
    css = "".join(f".{r.choice(_SCRIPT_WORDS).lower()}-{i}{{margin:{r.randint(0, 40)}px;color:#{r.randint(0, 0xffffff):06x}}}"
                  for i in range(r.randint(5, 10 + size // 400)))
    return (f'<style>{css}</style><script>window.__INITIAL_STATE__={{{state}}};</script>'
            f'<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}'
            f'gtag("js",new Date());gtag("config","G-{r.randint(10**7, 10**8):X}");</script>')


def sidebar_widgets(p: Page, titles: list[str]) -> str:
    r, ui = p.rng, p.ui
    widgets = [f'<section class="widget widget_search"><form role="search" action="/"><input type="search" name="s" placeholder="{esc(ui["search"])}"></form></section>',
               f'<section class="widget widget_recent_entries"><h2 class="widget-title">{esc(ui["related"])}</h2><ul>{"".join(f"<li>{p.internal(t)}</li>" for t in titles[:5])}</ul></section>',
               f'<section class="widget widget_categories"><h2 class="widget-title">{esc(ui["categories"])}</h2><ul>{"".join(f"<li>{p.internal(x)}</li>" for x in p.site.nav)}</ul></section>']
    if r.random() < 0.4:
        widgets.append(f'<section class="widget widget_text">{ad(p)}</section>')
    if r.random() < 0.3:
        widgets.append(f'<section class="widget">{newsletter(p)}</section>')
    r.shuffle(widgets)
    return "".join(widgets[:r.randint(1, len(widgets))])


def footer_links(p: Page) -> str:
    ui, r = p.ui, p.rng
    extra = r.sample(["Write for us", "Business directory", "Advertise", "Sponsored content policy", ui["links"],
                      ui["partners"], "Sitemap", "RSS"], r.randint(0, 3))  # hard negatives seen on real newspapers
    items = [ui["about"], ui["contact"], ui["privacy"], ui["imprint"], *extra]
    links = " | ".join(p.internal(x) for x in items)
    credit = ""
    if r.random() < 0.3:
        credit = f' · Theme by <a href="https://{p.site.theme}-themes.example/" rel="designer">{esc(p.site.theme.title())}</a>'
    return f'<p>{links}</p><p class="copyright">© {r.randint(2009, 2025)} {esc(p.site.name)}{credit}</p>'


def _head(p: Page, title: str, extra_head: str) -> str:
    r = p.rng
    meta = f'<meta name="generator" content="{p.site.flags.get("generator", "")}">' if p.site.flags.get("generator") else ""
    return (f'<!DOCTYPE html><html lang="{p.lang}"><head><meta charset="utf-8"><title>{esc(title)} {r.choice(["|", "-", "–"])} {esc(p.site.name)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{meta}<link rel="canonical" href="{esc(p.url)}">{extra_head}</head>')


def render(p: Page, title: str, body: str, *, byline: str = "", after: str = "", comments: str = "", side: str = "",
           footer_extra: str = "", article: bool = True, extra_head: str = "", titles: list[str] | None = None) -> str:
    """A full HTML document in the site's CMS skeleton, with boilerplate around the recipe's content."""
    if p.body_only:  # the recipe's content alone, for a real page's copy (generator/real_copies.py)
        return body
    r, s = p.rng, p.site
    titles = titles or [title]
    if article and r.random() < 0.5:
        after = related(p, titles) + after
    if article and r.random() < 0.4:
        after = share(p) + after
    if r.random() < 0.25:
        after += newsletter(p)
    side = (sidebar_widgets(p, titles) if r.random() < 0.85 else "") + side
    crumbs = breadcrumbs(p, title) if r.random() < 0.4 else ""
    top = cookie(p) if r.random() < 0.5 else ""
    foot = footer_columns(p) + footer_links(p) + footer_extra
    h1 = esc(title)
    cms = s.cms
    if cms == "wp_classic":
        art = (f'<article id="post-{p.uid}" class="post-{p.uid} post type-post status-publish format-standard hentry category-{slug(s.nav[0])}">'
               f'<header class="entry-header"><h1 class="entry-title">{h1}</h1><div class="entry-meta">{byline}</div></header>'
               f'<div class="entry-content">{body}</div><footer class="entry-footer"><span class="cat-links">{p.internal(s.nav[0])}</span></footer></article>'
               if article else f'<div class="page-content"><h1 class="page-title">{h1}</h1>{body}</div>')
        page = (f'<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip</a>'
                f'<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/">{esc(s.name)}</a></p></div>'
                f'<nav id="site-navigation" class="main-navigation">{nav(p, "menu nav-menu")}</nav></header>'
                f'<div id="content" class="site-content">{crumbs}<div id="primary" class="content-area"><main id="main" class="site-main">{art}{after}{comments}</main></div>'
                f'<aside id="secondary" class="widget-area">{side}</aside></div>'
                f'<footer id="colophon" class="site-footer"><div class="site-info">{foot}</div></footer></div>')
    elif cms == "wp_block":
        page = (f'<div class="wp-site-blocks"><header class="wp-block-template-part"><div class="wp-block-group is-layout-flex">'
                f'<p class="wp-block-site-title"><a href="/">{esc(s.name)}</a></p><nav class="wp-block-navigation">{nav(p, "wp-block-navigation__container")}</nav></div></header>'
                f'<main class="wp-block-group is-layout-constrained">{crumbs}<h1 class="wp-block-post-title">{h1}</h1>'
                f'<div class="wp-block-post-author">{byline}</div><div class="entry-content wp-block-post-content is-layout-constrained">{body}</div>'
                f'{after}<div class="wp-block-comments">{comments}</div></main>'
                + (f'<div class="wp-block-column sidebar">{side}</div>' if side else "")
                + f'<footer class="wp-block-template-part"><div class="wp-block-group">{foot}</div></footer></div>')
    elif cms == "blogger":
        page = (f'<div class="outer-wrapper"><div id="header-wrapper"><div class="header section" id="header"><div class="widget Header" id="Header1"><h1><a href="/">{esc(s.name)}</a></h1></div></div></div>'
                f'<div class="tabs-outer"><div class="widget PageList" id="PageList1">{nav(p, "tabs")}</div></div>'
                f'<div id="main-wrapper"><div class="main section" id="main"><div class="widget Blog" id="Blog1"><div class="blog-posts hfeed"><div class="date-outer"><h2 class="date-header"><span>{r.randint(1, 28)}.{r.randint(1, 12)}.{r.randint(2008, 2025)}</span></h2>'
                f'<div class="post-outer"><div class="post hentry"><h3 class="post-title entry-title">{h1}</h3><div class="post-header">{byline}</div>'
                f'<div class="post-body entry-content" id="post-body-{p.uid}">{body}</div><div class="post-footer">{after}</div></div>'
                f'<div class="comments" id="comments"><a name="comments"></a>{comments}</div></div></div></div></div></div></div>'
                f'<div id="sidebar-wrapper"><div class="sidebar section" id="sidebar">{side}</div></div>'
                f'<div id="footer-wrapper"><div class="footer section" id="footer">{foot}</div></div></div>')
    elif cms == "ghost":
        page = (f'<div class="viewport"><header id="gh-head" class="gh-head outer"><div class="gh-head-inner inner"><a class="gh-head-logo" href="/">{esc(s.name)}</a>'
                f'<nav class="gh-head-menu">{nav(p, "nav")}</nav></div></header><div class="site-content"><main id="site-main" class="site-main">'
                f'<article class="article post"><header class="article-header gh-canvas"><h1 class="article-title">{h1}</h1><div class="article-byline">{byline}</div></header>'
                f'<section class="gh-content gh-canvas">{body}</section></article>{after}{comments}</main></div>'
                + (f'<aside class="gh-sidebar">{side}</aside>' if side else "")
                + f'<footer class="site-footer outer"><div class="inner">{foot}</div></footer></div>')
    elif cms == "news":
        page = (f'<header class="masthead"><div class="brand"><a href="/">{esc(s.name)}</a></div><nav class="primary-nav" aria-label="Sections">{nav(p, "sections")}</nav></header>'
                f'{ad(p) if r.random() < 0.6 else ""}<main id="main-content">{crumbs}<article class="story" itemscope itemtype="https://schema.org/NewsArticle">'
                f'<h1 class="headline" itemprop="headline">{h1}</h1><div class="byline">{byline}</div>'
                f'<figure class="lead-image"><img src="/img/{p.uid}.jpg" alt=""><figcaption>{esc(title[:60])}</figcaption></figure>'
                f'<div class="story-body" itemprop="articleBody">{body}</div></article>{after}{comments}</main>'
                + (f'<div class="rail">{side}</div>' if side else "")
                + f'<footer class="site-footer" role="contentinfo">{foot}</footer>')
    elif cms == "medium":
        c = lambda: " ".join(r.choice("ab ac bd ce cf dg eh fi gj hk il jm kn lo mp nq or ps qt ru".split()) for _ in range(3))  # noqa: E731
        page = (f'<div id="root"><div class="{c()}"><nav class="{c()}"><a href="/">{esc(s.name)}</a></nav>'
                f'<main class="{c()}"><article><div class="{c()}"><section><div class="{c()}"><h1 class="pw-post-title {c()}">{h1}</h1>'
                f'<div class="{c()}">{byline}</div>{body.replace("<p>", f"<p class=" + chr(34) + "pw-post-body-paragraph " + c() + chr(34) + ">")}</div></section></div></article>'
                f'<div class="{c()}">{after}{comments}</div></main>'
                + (f'<div class="{c()}">{side}</div>' if side else "")
                + f'<div class="{c()}">{foot}</div></div></div>')
    elif cms == "table_static":
        page = (f'<table width="100%" border="0" cellpadding="4"><tr><td colspan="2" bgcolor="#336699"><font size="5" color="white">{esc(s.name)}</font><br>'
                + " | ".join(p.internal(x) for x in s.nav)
                + f'</td></tr><tr><td width="180" valign="top" bgcolor="#eeeeee">{side or "&nbsp;"}</td>'
                f'<td valign="top"><h1>{h1}</h1>{byline}{body}{after}{comments}</td></tr>'
                f'<tr><td colspan="2" align="center"><font size="1">{foot}</font></td></tr></table>')
    elif cms in ("phpbb", "vbulletin", "xenforo", "phpld", "cards"):
        page = _script_shell(p, h1, body, side, foot, crumbs)
    else:  # bootstrap / static-site generator
        page = (f'<header class="navbar navbar-expand-lg"><div class="container"><a class="navbar-brand" href="/">{esc(s.name)}</a>{nav(p, "navbar-nav")}</div></header>'
                f'<div class="container my-4">{crumbs}<div class="row"><div class="col-md-8"><h1 class="display-5">{h1}</h1><p class="text-muted small">{byline}</p>{body}{after}{comments}</div>'
                f'<div class="col-md-4">{side}</div></div></div><footer class="py-4 bg-dark text-white"><div class="container">{foot}</div></footer>')
    body_class = {"wp_classic": f"post-template-default single single-post postid-{p.uid} wp-theme-{p.site.theme}",
                  "wp_block": f"wp-singular post-template-default single postid-{p.uid}",
                  "blogger": "item-view version-1-3-3", "ghost": "post-template"}.get(p.site.cms, p.site.theme)
    scripts = inline_scripts(p)
    return f'{_head(p, title, extra_head)}<body class="{body_class}">{top}{page}{scripts}</body></html>'


def _script_shell(p: Page, h1: str, body: str, side: str, foot: str, crumbs: str) -> str:
    s = p.site
    if s.cms == "phpbb":
        return (f'<div id="wrap" class="wrap"><div id="page-header"><div class="headerbar" role="banner"><a href="/" class="logo">{esc(s.name)}</a></div>'
                f'<div class="navbar" role="navigation">{nav(p, "nav-main linklist")}</div></div><div id="page-body" class="page-body" role="main">'
                f'<h2 class="topic-title">{h1}</h2>{body}</div><div id="page-footer" class="page-footer" role="contentinfo">{foot}</div></div>')
    if s.cms == "vbulletin":
        return (f'<div align="center"><div class="page" style="width:100%"><table class="tborder" width="100%"><tr><td class="alt1"><a href="/">{esc(s.name)}</a></td></tr></table>'
                f'<div class="navbar">{" &gt; ".join(p.internal(x) for x in s.nav[:3])}</div><div id="posts"><h1>{h1}</h1>{body}</div>'
                f'<div class="smallfont" align="center">{foot}</div></div></div>')
    if s.cms == "xenforo":
        return (f'<div class="p-pageWrapper"><header class="p-header"><div class="p-header-logo"><a href="/">{esc(s.name)}</a></div></header>'
                f'<nav class="p-nav">{nav(p, "p-nav-list")}</nav><div class="p-body"><div class="p-body-inner"><div class="p-title"><h1 class="p-title-value">{h1}</h1></div>'
                f'<div class="p-body-main"><div class="p-body-content"><div class="block-body js-replyNewMessageContainer">{body}</div></div></div></div></div>'
                f'<footer class="p-footer">{foot}</footer></div>')
    if s.cms == "phpld":
        return (f'<div id="wrapper"><div id="header"><h1><a href="/">{esc(s.name)}</a></h1><div id="search"><form action="/search.php"><input name="search"></form></div></div>'
                f'<div id="menu">{nav(p, "menu")}</div><div id="main">{crumbs}<h2>{h1}</h2>{body}</div>'
                + (f'<div id="right">{side}</div>' if side else "") + f'<div id="footer">{foot}</div></div>')
    return (f'<div class="app"><header class="topbar"><a class="logo" href="/">{esc(s.name)}</a><form class="search-bar"><input placeholder="{esc(p.ui["search"])}"></form></header>'
            f'{crumbs}<div class="layout"><section class="results-col"><h1 class="results-title">{h1}</h1>{body}</section>'
            + (f'<aside class="map-col">{side}</aside>' if side else "") + f'</div><footer class="page-footer">{foot}</footer></div>')
