"""Files that are not readable exports stop the run with one line that says what the file is and what to do."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from linktriage import InputError, UnknownFormatError
from linktriage.ingest import detect_format, read_exports

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def one_line_error(path, kind=InputError, **kwargs) -> str:
    with pytest.raises(kind) as error:
        list(read_exports([path], **kwargs))
    message = str(error.value)
    assert "\n" not in message and message
    return message


@pytest.mark.parametrize("data, expected", [
    (PNG, r"is a PNG image, not a backlink export"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", r"is a JPEG image"),
    (b"GIF89a\x01\x00\x01\x00", r"is a GIF image"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", r"is a WebP image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", r"is a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old Excel \.xls workbook: save it as \.xlsx or CSV"),
    # one gzip layer is read (tests/test_ingest_compressed.py); a second is refused
    (gzip.compress(gzip.compress(b"source_url\nhttps://a.example.org/\n")), r"gzip-compressed: decompress it"),
    # other compressors are not read: a "binary file" gave no hint
    (bz2.compress(b"source_url\nhttps://a.example.org/\n" * 50), r"bzip2-compressed: decompress it"),
    (lzma.compress(b"source_url\nhttps://a.example.org/\n" * 50), r"xz-compressed: decompress it"),
    (b"\x28\xb5\x2f\xfd\x24\x00" + bytes(range(200)), r"zstd-compressed: decompress it"),
    (bytes(range(256)) * 40, r"is a binary file, not a backlink export"),
    (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 500 + b"\xff\xfe\xfd", r"is a binary file"),
    (b"", r"is empty \(0 bytes\)"),
    (b"\r\n\r\n  \n", r"is empty \(no header line\)"),
    (codecs.BOM_UTF8 + b"\n", r"is empty \(no header line\)"),
    (b"<!DOCTYPE html><html><body>Backlinks</body></html>", r"is an HTML or XML page"),
    # an archive of pages given as the export: "unknown export layout; columns found: '<p class=...'" misled
    (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/\r\n\r\n<p>x</p>",
     r"is a WARC archive of pages, not a backlink export: give it with --pages"),
    # JSON Lines (linktriage's own JSONL output) or a JSON array: "unknown layout ... rename ... to source_url" misled
    (b'{"source_url": "https://a.example.org/", "target_url": "https://t.example/"}\n{"source_url": "x"}\n',
     r"is JSON, not a table: pass a CSV, TSV or XLSX export"),
    (b'[\n  {"source_url": "https://a.example.org/"}\n]\n', r"is JSON, not a table"),
])
def test_files_that_are_not_exports(tmp_path, data, expected):
    path = tmp_path / "backlinks.csv"
    path.write_bytes(data)
    assert str(path) in one_line_error(path)
    with pytest.raises(InputError, match=expected):
        detect_format(path)


def test_a_zip_with_no_table_inside(tmp_path):
    path = tmp_path / "export.zip"  # (a ZIP holding one table is read: tests/test_ingest_compressed.py)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "exported by ...")
        archive.writestr("chart.png", PNG)
    assert one_line_error(path).endswith(f"{path} is a ZIP archive holding no CSV, TSV or XLSX table ('README.txt', "
                                         "'chart.png'): pass the backlink export itself")
    # macOS's copies of a table are not one: it used to say "extract it and pass the CSV inside ('._links.csv')"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("__MACOSX/._links.csv", b"\x00\x05\x16\x07")
        archive.writestr("._links.csv", b"\x00\x05\x16\x07")
    assert "holding no CSV, TSV or XLSX table ('__MACOSX/._links.csv', '._links.csv')" in one_line_error(path)


def test_a_damaged_workbook(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert "damaged ZIP or Excel file" in one_line_error(path)


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in one_line_error(tmp_path / "nope.csv")
    assert "is a directory" in one_line_error(tmp_path)
    # a backlink given where the export goes (`linktriage.score(["https://..."])`, `score https://...`)
    said = one_line_error("https://blog.example.org/post")
    assert said.startswith("https://blog.example.org/post: no such file; exports are files") and "dicts" in said


def test_no_files():
    with pytest.raises(InputError, match="no export file given"):
        read_exports([])


def test_unknown_layout_names_the_columns_and_the_closest_format():
    message = one_line_error(FIXTURES / "unknown_columns.csv", UnknownFormatError)
    assert "columns found: 'Referring pge', 'Destination page', 'Text'" in message
    assert "closest known format:" in message


def test_unknown_layout_closest_vendor(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Referring Page Adress,Linked URL,TextPre,Anchor\na,b,c,d\n", encoding="utf-8")
    message = one_line_error(path, UnknownFormatError)
    assert "closest known format: Ahrefs backlinks (pre-2023) (expects 'Referring Page URL', 'Link URL')" in message


def test_unknown_layout_lists_at_most_twelve_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"col{i}" for i in range(30)) + "\n" + ",".join("x" * 30) + "\n", encoding="utf-8")
    assert "'col11' and 18 more" in one_line_error(path, UnknownFormatError)


def test_legacy_single_byte_encodings_are_decoded(tmp_path):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("source_url,anchor\nhttps://a.example.org/,caf\xe9 cr\xe8me br\xfbl\xe9e et d\xe9j\xe0 vu\n"
                      .encode("cp1252"))
    assert detect_format(latin).encoding == "cp1252"
    assert next(read_exports([latin])).anchor == "café crème brûlée et déjà vu"
    cyrillic = tmp_path / "cp1251.csv"
    cyrillic.write_bytes(("source_url,anchor\n" + "".join(
        f"https://a{i}.example.org/,Купить недорогие туристические ботинки в Москве\n" for i in range(20)))
        .encode("cp1251"))
    assert detect_format(cyrillic).encoding == "cp1251"
    assert next(read_exports([cyrillic])).anchor == "Купить недорогие туристические ботинки в Москве"


@pytest.mark.parametrize("anchor", [
    "The “best” hiking boots – our editor’s picks… €99",
    "Les « meilleures » chaussures – l’avis de l’éditeur, très légères",
    "„Die besten“ Wanderschuhe – für Männer & Frauen, größer",
])
def test_windows_1252_with_typographic_quotes_and_dashes_is_decoded(tmp_path, anchor):
    """Curly quotes, guillemets and dashes are not letters: with them, Windows-1252 text failed the Latin-text test
    and charset detection read it as DOS Central European or Windows Central European ('ôbestö', 'trčs légčres')."""
    path = tmp_path / "excel.csv"
    path.write_bytes(("source_url\tanchor\r\n" + "".join(
        f"https://a{i}.example.org/\t{anchor}\r\n" for i in range(20))).encode("cp1252"))
    assert detect_format(path).encoding == "cp1252"
    assert next(read_exports([path])).anchor == anchor


def test_mac_roman_from_excel_for_mac_is_decoded(tmp_path):
    """Excel for Mac's "CSV (Macintosh)" is Mac Roman with CR line ends; charset detection does not offer Mac Roman
    and read French text as Mac Central European ('crŹme', 'déją')."""
    path = tmp_path / "mac.csv"
    path.write_bytes(("source_url,target_url,anchor\r" + "".join(
        f"https://a{i}.example.org/,https://t.example/,café crème {i} – déjà vu façade\r" for i in range(5)))
        .encode("mac_roman"))
    assert detect_format(path).encoding == "mac_roman"
    assert next(read_exports([path])).anchor == "café crème 0 – déjà vu façade"


def test_invalid_utf8_after_the_sampled_start(tmp_path):
    path = tmp_path / "late.csv"
    # the first non-ASCII bytes (past the 256 KB start) are UTF-8 and decide; bytes that are not come further on
    path.write_bytes(b"source_url\n" + b"https://a.example.org/\n" * 20000 + "https://b.example.org/é\n".encode()
                     + b"https://c.example.org/\n" * 5000 + b"https://d.example.org/\xff\xfe\n")
    message = one_line_error(path)
    assert "not valid utf-8 text near line" in message and "save it as UTF-8 CSV" in message


def test_unbalanced_quote(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('source_url,anchor\nhttps://a.example.org/,"never closed\n' + "x" * 200_000 + "\n",
                    encoding="utf-8")
    assert "unbalanced quote" in one_line_error(path)


def test_bad_site(tmp_path):
    assert "--site 'not a site' is not a site URL" in one_line_error(
        FIXTURES / "gsc_latest_links_en.csv", site="not a site")


def test_errors_come_before_any_row(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(PNG)
    with pytest.raises(InputError, match="PNG image"):
        read_exports([FIXTURES / "semrush_backlinks.csv", bad])  # raised by the call, not by the first next()


def test_utf16_without_bom_is_recognised(tmp_path):
    path = tmp_path / "nobom.tsv"
    path.write_bytes("Referring page URL\tTarget URL\nhttps://a.example.org/\thttps://b.example.com/\n"
                     .encode("utf-16-le"))
    fmt = detect_format(path)
    assert (fmt.encoding, fmt.bom, fmt.vendor) == ("utf-16-le", False, "ahrefs")
    assert next(read_exports([path])).source_url == "https://a.example.org/"


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_utf32_without_bom_is_recognised_not_called_binary(tmp_path, encoding):
    path = tmp_path / "nobom.tsv"
    path.write_bytes("Referring page URL\tTarget URL\nhttps://a.example.org/\thttps://b.example.com/\n"
                     .encode(encoding))
    assert detect_format(path).encoding == encoding
    assert next(read_exports([path])).source_url == "https://a.example.org/"


def test_the_closest_format_message_survives_a_file_with_no_header(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("\n".join(",".join(str(i * j) for j in range(3)) for i in range(5)) + "\n", encoding="utf-8")
    message = one_line_error(path, UnknownFormatError)
    assert "columns found" in message and "closest known format" in message


def test_io_bytes_are_not_paths():
    with pytest.raises(TypeError):
        read_exports([io.BytesIO(b"x")])


def test_a_header_without_rows_is_an_export_with_no_rows(tmp_path):
    path = tmp_path / "header-only.csv"
    path.write_text("Source url,Target url,Anchor,Page ascore\r\n", encoding="utf-8")
    assert detect_format(path).vendor == "semrush"
    assert list(read_exports([path])) == []


def test_excel_sep_hint_line_is_skipped(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("sep=;\nsource_url;anchor\nhttps://a.example.org/;one, two\n", encoding="utf-8")
    fmt = detect_format(path)
    assert (fmt.delimiter, fmt.header_row) == (";", 1)
    assert [(b.source_url, b.anchor) for b in read_exports([path])] == [("https://a.example.org/", "one, two")]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_HEADERS = ["source_url", "Referring page URL", "Target URL", "Linking page", "anchor", "SourceURL", "TargetURL",
            "SourceTrustFlow", "Page ascore", "Source url", "Target url", "label", "", "#"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=3000),
    st.builds(lambda header, body, sep: (sep.join(header) + "\n" + body).encode("utf-8", "surrogatepass"),
              st.lists(st.sampled_from(_HEADERS), min_size=1, max_size=6),
              st.text(max_size=500), st.sampled_from([",", "\t", ";"])),
))
def test_any_bytes_give_rows_or_one_line_input_error(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        rows = list(read_exports([path], site="https://example.com/"))
    except InputError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert [b.row for b in rows] == list(range(len(rows)))
        assert all(b.source_url or b.error for b in rows)


def test_an_unbalanced_quote_that_swallows_rows_is_an_error(tmp_path):
    """A quote that never closes makes the rest of the file one cell: those rows would vanish without a word."""
    path = tmp_path / "export.csv"
    path.write_text("source_url,target_url,anchor\nhttps://a.example/1,https://t.example/,one\n"
                    '"https://a.example/2,https://t.example/,two\nhttps://a.example/3,https://t.example/,three\n'
                    "https://a.example/4,https://t.example/,four\n", encoding="utf-8")
    message = one_line_error(path)
    assert "line 3: a quoted cell runs over 3 lines" in message and "unbalanced quote" in message
    fine = tmp_path / "multiline.csv"  # a quoted anchor on two lines is a cell, not swallowed rows
    fine.write_text('source_url,target_url,anchor\nhttps://a.example/1,https://t.example/,"two\nlines"\n'
                    'https://a.example/2,https://t.example/,"see\nhttps://t.example/ too"\n', encoding="utf-8")
    assert [b.anchor for b in read_exports([fine])] == ["two\nlines", "see\nhttps://t.example/ too"]


def test_a_stray_nul_byte_does_not_make_an_export_binary(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"source_url,target_url,anchor\nhttps://a.example/1,https://t.example/,on\x00e\n"
                     b"https://a.example/2,https://t.example/,two\n")
    assert [b.source_url for b in read_exports([path])] == ["https://a.example/1", "https://a.example/2"]
    noisy = tmp_path / "noisy.csv"  # NULs throughout: still a binary file
    noisy.write_bytes(b"source_url\x00,x\n\x00\x00\x00" * 200)
    assert "is a binary file" in one_line_error(noisy)


def test_old_mac_line_endings_are_read(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"source_url,target_url,anchor\rhttps://a.example/1,https://t.example/,one\r"
                     b"https://a.example/2,https://t.example/,two\r")
    assert [b.anchor for b in read_exports([path])] == ["one", "two"]


def test_a_multi_line_cell_with_a_url_and_a_comma_on_a_line_is_a_cell(tmp_path):
    """A context cell like "Our picks:\\nhttps://t.example/boots, great boots" is text, not swallowed rows: a
    swallowed row holds as many delimiters as the header, a sentence with a URL in it rarely does."""
    path = tmp_path / "export.csv"
    path.write_text("source_url,target_url,anchor,left context\n"
                    'https://a.example/1,https://t.example/,boots,"Our picks:\nhttps://t.example/boots, great boots"\n'
                    "https://a.example/2,https://t.example/,two,\n", encoding="utf-8")
    assert [b.export["export_left_context"] for b in read_exports([path])] == [
        "Our picks:\nhttps://t.example/boots, great boots", None]


@pytest.mark.parametrize("text", [
    "https://a.example/1\nhttps://a.example/2\nhttps://a.example/3\n",
    "https://a.example/1,2024-01-02\nhttps://a.example/2,2024-01-03\n",
    "https://a.example/1,https://t.example/\nhttps://a.example/2,https://t.example/\n",
])
def test_a_list_of_links_without_a_header_is_refused_not_read_without_its_first_link(tmp_path, text):
    """Taken for a Search Console download in an unknown language, its first link became the header and vanished."""
    path = tmp_path / "links.csv"
    path.write_text(text, encoding="utf-8")
    message = one_line_error(path, site="https://t.example/")
    assert "first line is a link, not a header" in message and "source_url" in message


@pytest.mark.skipif(not os.path.isdir("/dev/fd") or not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_a_pipe_is_refused_not_read_without_its_start(tmp_path):
    """`score <(zcat backlinks.csv.gz)`: the start read to detect the format was gone when the rows were read, so
    rows were lost (all of them for a small file) with exit 0. An export is read more than once: it must be a file."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"source_url,target_url\nhttps://a.example/1,https://t.example/\n")
        os.close(write_end)
        message = one_line_error(f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)
    assert "is a pipe or device, not a file" in message and "save it to a file" in message
    fifo = tmp_path / "named.csv"
    os.mkfifo(fifo)  # not opened: opening a named pipe without a writer would wait forever
    assert "is a pipe or device, not a file" in one_line_error(fifo)


def test_a_dash_is_standard_input_which_is_refused_as_a_pipe_is(tmp_path, monkeypatch):
    """`score -` said "-: no such file", while `-o -` is standard output."""
    monkeypatch.chdir(tmp_path)
    assert one_line_error("-").startswith("- (standard input) cannot be read as an export: it is read more than once")


def test_windows_1252_whose_first_accent_is_past_the_sampled_start(tmp_path):
    """An Excel-saved CSV (Windows-1252) of a large export is ASCII for its first 256 KB: that start says nothing
    about the encoding, so the first non-ASCII bytes decide, wherever they are."""
    rows = "".join(f"https://a{i}.example.org/page,https://t.example/,anchor {i}\r\n" for i in range(6000))
    path = tmp_path / "excel.csv"
    path.write_bytes(("source_url,target_url,anchor\r\n" + rows + "https://z.example.org/,https://t.example/,"
                      "caf\xe9 cr\xe8me\r\n").encode("cp1252"))
    backlinks = list(read_exports([path]))
    assert len(backlinks) == 6001 and backlinks[-1].anchor == "café crème"
    assert detect_format(path).encoding == "cp1252"
    utf8 = tmp_path / "utf8.csv"  # and UTF-8 stays UTF-8
    utf8.write_bytes(("source_url,target_url,anchor\n" + rows + "https://z.example.org/,https://t.example/,"
                      "café crème\n").encode("utf-8"))
    assert detect_format(utf8).encoding == "utf-8" and list(read_exports([utf8]))[-1].anchor == "café crème"


def test_utf8_with_a_few_invalid_bytes_is_refused_not_read_as_another_encoding(tmp_path):
    """UTF-8 text with one damaged byte was read as ISO-8859-2 (what charset detection offered): every accented
    letter of the file silently became two wrong ones. It is UTF-8 that is damaged: say where."""
    path = tmp_path / "damaged.csv"
    path.write_bytes("source_url,anchor\nhttps://a.example.org/,café crème\nhttps://b.example.org/,déjà vu\n"
                     .encode() + b"https://c.example.org/,bad \xff byte\n")
    message = one_line_error(path)
    assert "not valid utf-8 text at line 4" in message and "save it as UTF-8 CSV" in message


def test_zip_based_files_that_are_not_xlsx_say_what_they_are(tmp_path):
    """A LibreOffice .ods or an Excel .xlsb is a ZIP too: 'extract it and pass the CSV inside' was the wrong advice."""
    ods = tmp_path / "backlinks.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert "is an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV" in one_line_error(ods)
    xlsb = tmp_path / "backlinks.xlsb"
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00")
    assert "is a binary Excel workbook (.xlsb): save it as .xlsx or CSV" in one_line_error(xlsb)
    download = tmp_path / "links.zip"  # a download of several tables: the message names them
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr("Latest links.csv", "Linking page,Last crawled\nhttps://a.example.org/,2024-01-02\n")
        archive.writestr("Top linking sites.csv", "Site,Linking pages\na.example.org,1\n")
        archive.writestr("README.txt", "exported by ...")
    message = one_line_error(download, site="https://example.com/")
    assert ("is a ZIP holding 2 tables ('Latest links.csv', 'Top linking sites.csv'): extract the backlink export"
            in message)


def test_a_password_protected_workbook_is_not_called_an_old_xls(tmp_path):
    """Excel saves an encrypted .xlsx inside an OLE2 container, the same signature as an old .xls."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    entry = "EncryptedPackage".encode("utf-16-le")
    path = tmp_path / "backlinks.xlsx"
    path.write_bytes(ole + entry + b"\x00" * 100)
    assert "is a password-protected Excel workbook: remove its password" in one_line_error(path)
    renamed = tmp_path / "backlinks.dat"  # found by its EncryptedPackage stream, whatever its name
    renamed.write_bytes(ole + entry + b"\x00" * 100)
    assert "is a password-protected Excel workbook" in one_line_error(renamed)
    old = tmp_path / "backlinks.xls"
    old.write_bytes(ole + "Workbook".encode("utf-16-le"))
    assert "old Excel .xls workbook" in one_line_error(old)


def test_an_unreadable_export_writes_nothing_to_standard_output(tmp_path):
    """`score bad.csv --offline > out.csv` printed the output's CSV header before the error (exit 2): a script reading
    standard output got a valid, empty table. The exports are judged before the output is opened."""
    path = tmp_path / "export.csv"
    path.write_bytes(b"name,colour\nfoo,blue\n")
    result = subprocess.run([sys.executable, "-c", "from linktriage.cli import main; main()", "score", str(path),
                             "--offline"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("header", ["target_url", "Target URL", "destination"])
def test_a_column_of_targets_alone_is_no_list_of_linking_pages(tmp_path, header):
    """It was read as a Search Console "more sample links" download: 'pass --site', and with --site the targets
    became the linking pages."""
    path = tmp_path / "targets.csv"
    path.write_text(f"{header}\nhttps://shop.example.com/\nhttps://shop.example.com/boots\n", encoding="utf-8")
    message = one_line_error(path, site="https://shop.example.com/")
    assert "unknown export layout" in message and "source_url" in message and "no target column" not in message


def test_a_quoted_anchor_holding_a_url_line_with_commas_is_a_cell_not_swallowed_rows(tmp_path):
    """A valid file: the anchor "Read more at\\nhttps://mysite.com/, the best, really" is quoted and its row has
    the header's three cells. One URL line with two commas was enough to refuse it as an unbalanced quote."""
    path = tmp_path / "bing.csv"
    path.write_text('Source Url,Target Url,Anchor Text\nhttps://b1.example.com/,https://mysite.com/,"Read more at\n'
                    'https://mysite.com/, the best, really"\nhttps://b2.example.com/,https://mysite.com/,plain\n',
                    encoding="utf-8")
    rows = list(read_exports([path]))
    assert [b.anchor for b in rows] == ["Read more at\nhttps://mysite.com/, the best, really", "plain"]


def test_decimal_commas_in_a_tab_separated_export_are_read(tmp_path):
    """Ahrefs saved by German Excel as "Unicode Text": tab-separated, UTF-16, decimal commas. Only semicolon files
    were read with decimal commas: UR 15,3 came out empty on every row, traffic 1.234 as 1.234."""
    path = tmp_path / "ahrefs.txt"
    header = "Referring page title\tReferring page URL\tDomain rating\tUR\tPage traffic\tTarget URL\tAnchor\n"
    rows = ("Titel\thttps://a.example.de/\t45\t15,3\t1.234\thttps://t.example/\tx\n"
            "Titel 2\thttps://b.example.de/\t7\t0,8\t12\thttps://t.example/\ty\n")
    path.write_bytes(b"\xff\xfe" + (header + rows).encode("utf-16-le"))
    fmt = detect_format(path)
    assert fmt.vendor == "ahrefs" and fmt.decimal_comma
    got = [(b.export["export_url_rating"], b.export["export_traffic"]) for b in read_exports([path])]
    assert got == [(15.3, 1234), (0.8, 12)]
    dotted = tmp_path / "dotted.txt"  # a decimal point anywhere in the sample: read as before
    dotted.write_bytes(b"\xff\xfe" + (header + rows.replace("0,8", "0.8")).encode("utf-16-le"))
    assert not detect_format(dotted).decimal_comma


@pytest.mark.parametrize("header", [
    "Domain,Domain rating,Dofollow ref. domains,Dofollow linked domains,Traffic,Links to target,First seen",  # Ahrefs
    "Domain ascore,Domain,Backlinks,IP,Country,First seen,Last seen",  # Semrush
    "Root Domain,Domain Authority,Linking Domains to Root Domain,Spam Score,Links to Target,First Seen",  # Moz
    "#,Domain,AlexaRank,Matches,RefDomains,ExtBackLinks,CitationFlow,TrustFlow",  # Majestic
])
def test_a_referring_domains_report_is_refused_naming_the_report_to_export(tmp_path, header):
    """Each was "unknown export layout ... closest known format: ...; rename the linking page's URL column to
    source_url": renaming Domain would have scored every linking site's home page as the page that links."""
    path = tmp_path / "refdomains.csv"
    path.write_text(header + "\n" + ",".join(["blog.example.org"] + ["1"] * (header.count(","))) + "\n")
    message = one_line_error(path)
    assert "lists referring domains" in message and "not the pages that link to you" in message, message
    assert "export the backlinks report instead" in message and "rename" not in message
