from linktriage._records import OUTPUT_COLUMNS
from linktriage.output import build_domain_view


def _row(src, dom, label, conf, target="t.com"):
    row = dict.fromkeys(OUTPUT_COLUMNS)
    row.update(source_url=src, source_domain=dom, target_domain=target, label=label, confidence=conf,
               p_spam=conf if label == "spam" else 0.0, p_link_farm=0.0, relevance=0.5)
    return row


def test_domain_view_sitewide_and_disavow():
    rows = [_row(f"https://farm.net/p{i % 3}", "farm.net", "spam", 0.9) for i in range(6)]
    rows += [_row("https://news.org/a", "news.org", "editorial", 0.95), _row("https://x.org/a", "x.org", "spam", 0.5)]
    view = {d["source_domain"]: d for d in build_domain_view(rows, threshold=0.8, labels=("spam", "link_farm"))}
    assert view["farm.net"]["links"] == 6 and view["farm.net"]["n_spam"] == 6
    assert view["farm.net"]["sitewide"] and view["farm.net"]["would_disavow"]
    assert not view["news.org"]["sitewide"] and not view["news.org"]["would_disavow"]
    assert not view["x.org"]["would_disavow"] and view["x.org"]["worst_toxic_probability"] == 0.5
    assert build_domain_view(rows, threshold=0.8, labels=("spam",))[0]["source_domain"] == "farm.net"


def test_rows_without_a_source_domain_make_no_domain(tmp_path):
    """Rows whose source is no URL made one nameless domain, sitewide when five of them pointed at one target, and
    the report counted it among the referring domains."""
    from linktriage.output import write_html_report

    rows = [_row(f"page {i}", "", None, None) for i in range(5)] + [_row("https://news.org/a", "news.org", "editorial", 0.95)]
    assert [d["source_domain"] for d in build_domain_view(rows)] == ["news.org"]
    write_html_report(rows, tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "(none)</td>" not in html
    assert '<b>1</b><span>referring domains</span>' in html


def test_write_domain_view_formats(tmp_path):
    import csv
    import json

    import pyarrow.parquet as pq

    from linktriage.output import write_domain_view

    view = build_domain_view([_row("https://a.net/p", "a.net", "spam", 0.9)])
    write_domain_view(view, tmp_path / "d.csv")
    write_domain_view(view, tmp_path / "d.jsonl")
    write_domain_view(view, tmp_path / "d.parquet")
    assert list(csv.DictReader((tmp_path / "d.csv").open()))[0]["would_disavow"] == "true"
    assert json.loads((tmp_path / "d.jsonl").read_text())["links"] == 1
    assert pq.read_table(tmp_path / "d.parquet").column("source_domain").to_pylist() == ["a.net"]


def test_domain_view_columns_and_types_without_rows_or_values(tmp_path):
    # A run without rows wrote an empty --domains CSV (pandas: "No columns to parse from file") and a Parquet file
    # without columns; without a niche, mean_relevance was a Parquet column of type null.
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from linktriage.output import write_domain_view

    unjudged = dict.fromkeys(OUTPUT_COLUMNS)
    unjudged.update(source_url="https://a.net/p", source_domain="a.net", link_status="not_fetched")
    for name, rows in [("empty", []), ("unjudged", [unjudged])]:
        view = build_domain_view(rows)
        write_domain_view(view, tmp_path / f"{name}.csv")
        write_domain_view(view, tmp_path / f"{name}.parquet")
        frame = pd.read_csv(tmp_path / f"{name}.csv")
        schema = pq.read_schema(tmp_path / f"{name}.parquet")
        assert list(frame.columns) == schema.names and len(frame) == len(rows)
        assert schema.names[:2] == ["source_domain", "links"] and "would_disavow" in schema.names
        assert schema.field("mean_relevance").type == pa.float64() and schema.field("links").type == pa.int64()
        assert schema.field("worst_toxic_probability").type == pa.float64()
        assert schema.field("sitewide").type == pa.bool_()


def test_domain_view_numbers_have_the_rows_four_decimals():
    """Sums and means of rounded probabilities printed float noise (0.15000000000000002, 0.9822000000000001)."""
    rows = [_row("https://a.net/p", "a.net", "spam", 0.9122), _row("https://a.net/q", "a.net", "spam", 0.7001)]
    for r in rows:
        r["p_link_farm"] = 0.07
    rows[0]["relevance"], rows[1]["relevance"] = 0.1, 0.2
    (view,) = build_domain_view(rows)
    assert repr(view["worst_toxic_probability"]) == "0.9822"
    assert repr(view["mean_confidence"]) == "0.8061" and repr(view["mean_relevance"]) == "0.15"


def test_blogs_of_a_shared_blog_platform_are_referring_sites_of_their_own(tmp_path):
    """Five wordpress.com blogs with one link each made one domain `wordpress.com`, "sitewide", listed among the
    report's worst domains: the disavow file, which covers one blog per line there, would never write it."""
    from linktriage.output import write_disavow, write_html_report

    rows = [_row(f"https://blog{i}.wordpress.com/post", "wordpress.com", "spam", 0.9) for i in range(5)]
    rows += [_row("https://wordpress.com/discover", "wordpress.com", "editorial", 0.9),
             _row("https://news.org/a", "news.org", "editorial", 0.95)]
    for row in rows:
        row["toxic"] = row["label"] == "spam"
    view = {d["source_domain"]: d for d in build_domain_view(rows, threshold=0.8, labels=("spam", "link_farm"))}
    assert sorted(view) == [*(f"blog{i}.wordpress.com" for i in range(5)), "news.org", "wordpress.com"]
    assert all(view[f"blog{i}.wordpress.com"]["links"] == 1 and not view[f"blog{i}.wordpress.com"]["sitewide"]
               for i in range(5))
    assert not view["wordpress.com"]["would_disavow"]
    write_disavow(rows, tmp_path / "disavow.txt", min_confidence=0.8, labels=("spam", "link_farm"))
    disavowed = {line.removeprefix("domain:") for line in (tmp_path / "disavow.txt").read_text().splitlines()
                 if line.startswith("domain:")}
    assert disavowed == {name for name, d in view.items() if d["would_disavow"]}
    write_html_report(rows, tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<b>7</b><span>referring domains</span>' in html and '<b>5</b><span>domains with toxic links</span>' in html
