import csv
import io
import json

import pytest

from linktriage import InputError
from linktriage._records import OUTPUT_COLUMNS, SCHEMA_VERSION
from linktriage.output import open_writer


def _row(i, **extra):
    row = dict.fromkeys(OUTPUT_COLUMNS)
    row.update(source_url=f"https://a{i}.example/p", label="spam", confidence=0.9, toxic=True, http_status=200)
    row.update(extra)
    return row


def test_csv_chunks_header_and_cells(tmp_path):
    out = tmp_path / "o.csv"
    with open_writer(out) as w:
        w.write([_row(0, export_dr=5), _row(1, export_dr=7)])
        w.write([_row(2, export_dr=None, toxic=False)])
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [*OUTPUT_COLUMNS, "export_dr"]
    assert [r["toxic"] for r in rows] == ["true", "true", "false"]
    assert rows[2]["export_dr"] == "" and rows[0]["anchor"] == ""


def test_jsonl_has_schema_version_first(tmp_path):
    out = tmp_path / "o.jsonl"
    with open_writer(out) as w:
        w.write([_row(0, anchor="<script>x</script>")])
    obj = json.loads(out.read_text(encoding="utf-8"))
    assert next(iter(obj)) == "schema_version" and obj["schema_version"] == SCHEMA_VERSION
    assert obj["anchor"] == "<script>x</script>" and obj["toxic"] is True


def test_stdout_default_and_unknown_format(tmp_path):
    buf = io.StringIO()
    with open_writer(None, stream=buf) as w:
        w.write([_row(0)])
    assert buf.getvalue().startswith("source_url,")
    with pytest.raises(InputError, match="cannot tell the output format"):
        open_writer(tmp_path / "o.xls")


def test_a_format_the_name_contradicts_and_compressed_names_are_refused_saying_why():
    """`--format parquet -o x.csv` wrote Parquet bytes under a .csv name; `-o scored.csv.gz` was "cannot tell the
    output format", though .csv.gz exports are read."""
    from linktriage.output import output_format

    assert output_format("x.csv", "CSV") == "csv" and output_format("x.out", "parquet") == "parquet"
    with pytest.raises(InputError, match=r"--format parquet but -o 'x.csv' names a csv file"):
        output_format("x.csv", "parquet")
    with pytest.raises(InputError, match=r"compressed outputs are not written; write scored.csv and compress it"):
        output_format("scored.csv.gz", None)
    with pytest.raises(InputError, match="cannot tell the output format"):
        output_format("archive.gz", None)


def test_parquet_row_groups_and_types(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "o.parquet"
    with open_writer(out) as w:
        w.write([_row(0, export_domain_rating=5), _row(1, export_domain_rating=7.5)])
        w.write([_row(2, export_domain_rating=None, export_new="x")])
    f = pq.ParquetFile(out)
    assert f.num_row_groups == 2
    t = f.read()
    assert t.column_names[0] == "schema_version" and "export_new" not in t.column_names
    assert str(t.schema.field("export_domain_rating").type) == "double" and str(t.schema.field("http_status").type) == "int64"
    assert t.column("toxic").to_pylist() == [True, True, True]


def test_parquet_types_come_from_column_names_not_the_first_chunk(tmp_path):
    # A 50,000-row export in chunks: a metric empty in the first chunk was typed string (double in another run's
    # file), and an other column with numbers first stopped the run at a later "-" or an ID beyond 2**53.
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "o.parquet"
    with open_writer(out) as w:
        w.write([_row(0, export_domain_rating=None, export_linked_domains=12, export_link_id=2**53 + 1)])
        w.write([_row(1, export_domain_rating=45, export_linked_domains="-", export_link_id=7)])
    t = pq.read_table(out)
    assert t.schema.field("export_domain_rating").type == pa.float64()
    assert t.column("export_domain_rating").to_pylist() == [None, 45.0]
    assert t.column("export_linked_domains").to_pylist() == ["12", "-"]
    assert t.column("export_link_id").to_pylist() == [str(2**53 + 1), "7"]


def test_jsonl_is_strict_json_even_for_infinite_values(tmp_path):
    # An export cell of 1e400 in a metric column reads as infinity: JSONL said "export_domain_rating": Infinity,
    # which is no JSON (jq, JavaScript, strict parsers refuse the line).
    out = tmp_path / "o.jsonl"
    with open_writer(out) as w:
        w.write([_row(0, export_domain_rating=float("inf"), export_x=float("-inf"), export_y=float("nan"),
                      export_z=1.5)])

    def strict(word):
        raise ValueError(f"not JSON: {word}")

    obj = json.loads(out.read_text(encoding="utf-8"), parse_constant=strict)
    assert obj["export_domain_rating"] is None and obj["export_x"] is None and obj["export_y"] is None
    assert obj["export_z"] == 1.5
