"""docs/schema.json describes one output row: it matches the code's column list and validates real output."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, ROOT
from linktriage._records import ANCHOR_TYPES, LABELS, LINK_STATUSES, OUTPUT_COLUMNS, POSITIONS, SCHEMA_VERSION
from linktriage.cli import app
from linktriage.cli._errors import run_app

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the dev extra: pip install -e '.[dev]'")
SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text(encoding="utf-8"))


def _validator():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def _score(tmp_path, name: str, *extra: str) -> str:
    out = tmp_path / name
    args = ["score", str(EXAMPLES / "backlinks.csv"), "--pages", str(EXAMPLES / "pages.warc.gz"), "--offline",
            "-o", str(out), *extra]
    assert run_app(app, args) == 0
    return out


def test_schema_columns_are_the_output_columns():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["schema_version"] == SCHEMA_VERSION == SCHEMA["properties"]["schema_version"]["const"]
    assert list(SCHEMA["properties"]) == ["schema_version", *OUTPUT_COLUMNS]
    assert SCHEMA["required"] == list(OUTPUT_COLUMNS)


def test_schema_vocabularies_are_the_code_vocabularies():
    props = SCHEMA["properties"]
    assert [v for v in props["label"]["enum"] if v] == list(LABELS)
    assert [v for v in props["position"]["enum"] if v] == list(POSITIONS)
    assert [v for v in props["anchor_type"]["enum"] if v] == list(ANCHOR_TYPES)
    assert props["link_status"]["enum"] == list(LINK_STATUSES)


def test_schema_rejects_wrong_rows():
    validator = _validator()
    good = {**dict.fromkeys(OUTPUT_COLUMNS), "source_url": "https://a.example/", "target_url": "", "anchor": "",
            "source_domain": "a.example", "target_domain": "", "reasons": "", "link_status": "not_fetched",
            "schema_version": SCHEMA_VERSION, "export_dr": 12}
    assert not list(validator.iter_errors(good))
    for bad in ({"label": "spamm"}, {"confidence": 1.5}, {"link_status": "gone"}, {"rel": "nofollow noopener"},
                {"http_status": "200"}, {"toxic": "true"}, {"surprise": 1}, {"schema_version": "0.9"}):
        assert list(validator.iter_errors({**good, **bad})), bad
    missing = dict(good)
    del missing["reasons"]
    assert list(validator.iter_errors(missing))


def test_real_jsonl_and_parquet_output_validate(tmp_path):
    import pyarrow.parquet as pq

    validator = _validator()
    jsonl = _score(tmp_path, "scored.jsonl")
    parquet = _score(tmp_path, "scored.parquet", "--niche", "trail running shoes and mountain running")
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    table_rows = pq.read_table(parquet).to_pylist()
    source_rows = (EXAMPLES / "backlinks.csv").read_text(encoding="utf-8").strip().count("\n")
    assert len(rows) == len(table_rows) == source_rows
    for row in rows + table_rows:
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(row)]
        assert not errors, (row["source_url"], errors)
    # The runs exercised more than nulls: labels, statuses, floats and export columns are all present.
    assert {r["label"] for r in rows} & set(LABELS) and len({r["link_status"] for r in rows}) >= 2
    assert any(isinstance(r["relevance"], float) for r in table_rows)
    assert any(k.startswith("export_") for k in rows[0])


def test_a_status_outside_http_classes_keeps_rows_valid_and_says_the_code(tmp_path):
    """LinkedIn answers 999: the row's http_status 999 broke docs/schema.json (100-599), and a validator stopped
    there. The column is empty for such a code, and the reasons say it."""
    from conftest import write_warc

    page = "<p>Trail notes and <a href='https://www.mysite.example/'>my site</a>.</p>"
    pages = {"https://s999.example.com/": (999, {"Content-Type": "text/html"}, page),
             "https://s600.example.com/": (600, {"Content-Type": "text/html"}, page),
             "https://ok.example.com/": page}
    write_warc(tmp_path / "pages.warc.gz", pages)
    export = tmp_path / "export.csv"
    export.write_text("source_url,target_url\n" + "".join(f"{url},https://www.mysite.example/\n" for url in pages))
    out = tmp_path / "scored.jsonl"
    assert run_app(app, ["score", str(export), "--pages", str(tmp_path / "pages.warc.gz"), "--offline",
                         "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    validator = _validator()
    assert all(not list(validator.iter_errors(row)) for row in rows)
    assert [row["http_status"] for row in rows] == [None, None, 200]
    assert "999" in rows[0]["reasons"] and "600" in rows[1]["reasons"], [row["reasons"] for row in rows]
