"""Compressed exports are read as they are: a .csv.gz, or a ZIP download holding one table (CSV, TSV or XLSX)."""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES

from linktriage import InputError
from linktriage.ingest import _unpack, read_exports

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "exports"
AHREFS = FIXTURES / "ahrefs_backlinks_utf16le.tsv"  # UTF-16 with BOM, tab-separated: the hardest text to sniff


@pytest.fixture(autouse=True)
def own_tempdir(tmp_path, monkeypatch):
    """Decompressed copies go to a folder of this test, so the test can see them removed."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def rows(path, **kwargs) -> list[tuple]:
    return [(b.row, b.source_url, b.target_url, b.anchor, b.export_file, b.error)
            for b in read_exports([path], **kwargs)]


def as_given(records: list[tuple], name) -> list[tuple]:
    return [(*r[:4], str(name), r[5]) for r in records]


def test_a_gzipped_export_gives_the_rows_of_the_export_named_as_given(tmp_path, own_tempdir):
    plain = rows(AHREFS)
    packed = tmp_path / "ahrefs.tsv.gz"
    packed.write_bytes(gzip.compress(AHREFS.read_bytes()))
    assert len(plain) > 2
    assert rows(packed) == as_given(plain, packed)
    assert not any(own_tempdir.iterdir())  # the decompressed copy is gone once the rows are read


def test_a_zip_download_holding_one_table_is_read(tmp_path, own_tempdir):
    plain = rows(AHREFS)
    download = tmp_path / "ahrefs-export.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/", "")
        archive.writestr("export/backlinks.tsv", AHREFS.read_bytes())
        archive.writestr("__MACOSX/export/._backlinks.tsv", b"\x00\x05\x16\x07")  # what macOS's Compress adds
        archive.writestr("README.txt", "Exported by a backlink tool")
    assert rows(download) == as_given(plain, download)
    assert not any(own_tempdir.iterdir())


def test_a_zipped_workbook_is_read(tmp_path):
    workbook = next(FIXTURES.parent.rglob("*.xlsx"), None)
    if workbook is None:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        book.active.append(["Referring page URL", "Target URL", "Anchor"])
        book.active.append(["https://blog.example.org/post", "https://shop.example/", "trail shoes"])
        workbook = tmp_path / "semrush.xlsx"
        book.save(workbook)
    plain = rows(workbook)
    download = tmp_path / "semrush.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.write(workbook, "semrush backlinks.xlsx")
    assert plain and rows(download) == as_given(plain, download)


def test_two_zipped_exports_of_the_same_member_name_keep_their_own_rows(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for path, host in ((first, "a.example.org"), (second, "b.example.org")):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("backlinks.csv", f"source_url,target_url\nhttps://{host}/p,https://t.example/\n")
    got = [(b.row, b.source_url, b.export_file) for b in read_exports([first, second])]
    assert got == [(0, "https://a.example.org/p", str(first)), (1, "https://b.example.org/p", str(second))]


def test_errors_found_while_reading_name_the_file_given_not_its_copy(tmp_path, own_tempdir):
    """A runaway quote is found only once rows are read: the message must not name a temporary file."""
    lines = ["source_url,target_url,anchor", 'https://a.example.org/,https://t.example/,"open quote'] + [
        f"https://{i}.example.org/,https://t.example/,anchor {i}" for i in range(5)]
    packed = tmp_path / "backlinks.csv.gz"
    packed.write_bytes(gzip.compress("\n".join(lines).encode()))
    with pytest.raises(InputError) as error:
        list(read_exports([packed]))
    message = str(error.value)
    assert message.startswith(f"{packed}: line ") and "unbalanced quote" in message
    assert str(own_tempdir) not in message
    assert not any(own_tempdir.iterdir())


def test_a_gzipped_image_is_named_as_given(tmp_path):
    packed = tmp_path / "backlinks.csv.gz"
    packed.write_bytes(gzip.compress(b"%PDF-1.7\n" + b"\x00" * 100))
    with pytest.raises(InputError, match=rf"^{packed} is a PDF document"):
        list(read_exports([packed]))


def test_a_tar_gz_says_what_it_is(tmp_path):
    member = tmp_path / "backlinks.csv"
    member.write_text("source_url\nhttps://a.example.org/\n")
    shutil.make_archive(str(tmp_path / "export"), "gztar", tmp_path, "backlinks.csv")
    with pytest.raises(InputError, match=r"export\.tar\.gz is a tar archive: extract it"):
        list(read_exports([tmp_path / "export.tar.gz"]))


def test_a_cut_off_gzip_is_refused_in_one_line(tmp_path):
    packed = tmp_path / "backlinks.csv.gz"
    whole = gzip.compress(AHREFS.read_bytes())
    packed.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match=rf"^{packed} is a damaged or cut-off gzip file: compress or export it again$"):
        list(read_exports([packed]))


def test_a_password_protected_zip_is_refused_in_one_line(tmp_path):
    download = tmp_path / "export.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr("backlinks.csv", "source_url\nhttps://a.example.org/\n")
    data = bytearray(download.read_bytes())
    # set the "encrypted" flag bit in the local header and in the central directory entry (zipfile writes none)
    data[6] |= 1
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 1
    download.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"is a password-protected ZIP: extract 'backlinks.csv' yourself"):
        list(read_exports([download]))


def test_what_expands_past_the_bound_is_refused(tmp_path, monkeypatch, own_tempdir):
    monkeypatch.setattr(_unpack, "MAX_UNPACKED_BYTES", 1024**2)
    packed = tmp_path / "bomb.csv.gz"
    packed.write_bytes(gzip.compress(b"source_url\n" + b"0" * 2 * 1024**2))
    with pytest.raises(InputError, match=r"bomb\.csv\.gz expands to more than 1 MB: that is not one backlink export"):
        list(read_exports([packed]))
    assert not any(own_tempdir.iterdir())


def test_score_reads_a_gzipped_export_from_the_command_line(tmp_path, own_tempdir):
    packed = tmp_path / "backlinks.csv.gz"
    with open(EXAMPLES / "backlinks.csv", "rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    out = tmp_path / "scored.csv"
    env = {**os.environ, "TMPDIR": str(own_tempdir)}
    done = subprocess.run([sys.executable, "-m", "linktriage", "score", str(packed), "--pages",
                           str(EXAMPLES / "pages.warc.gz"), "--offline", "-o", str(out)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    with open(out, newline="", encoding="utf-8") as stream:
        scored = list(csv.DictReader(stream))
    with open(EXAMPLES / "backlinks.csv", newline="", encoding="utf-8") as stream:
        given = list(csv.DictReader(stream))
    assert len(scored) == len(given) == 8
    assert sum(1 for r in scored if r["label"]) == 6
    assert not any(own_tempdir.iterdir())


def test_detect_format_reads_a_compressed_export_as_read_exports_does(tmp_path):
    """`linktriage.ingest.detect_format("bl.csv.gz")` said "gzip-compressed: decompress it and pass the file
    inside" (a ZIP: "extract it"), where read_exports and the CLI read both as they are (docs/formats.md)."""
    from linktriage import InputError
    from linktriage.ingest import detect_format

    plain = detect_format(EXAMPLES / "backlinks.csv")
    gz = tmp_path / "bl.csv.gz"
    gz.write_bytes(gzip.compress((EXAMPLES / "backlinks.csv").read_bytes()))
    bundle = tmp_path / "bl.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(EXAMPLES / "backlinks.csv", "backlinks.csv")
    assert detect_format(gz) == detect_format(bundle) == plain
    junk = tmp_path / "junk.csv.gz"
    junk.write_bytes(gzip.compress(b"\x00\x01 binary"))
    with pytest.raises(InputError, match=r"^\S*junk.csv.gz is a binary file"):  # named as given, not its copy
        detect_format(junk)
    assert not list(Path(tempfile.gettempdir()).glob("linktriage-export-*/*/junk.csv"))
