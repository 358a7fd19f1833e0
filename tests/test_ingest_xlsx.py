"""Excel versions of the exports, written by openpyxl here: found on whichever sheet has the header, streamed."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from openpyxl import Workbook

from linktriage import Backlink, InputError
from linktriage.ingest import detect_format, read_exports


def workbook(path, sheets: dict[str, list[list[object]]]):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_ahrefs_xlsx_with_typed_cells(tmp_path):
    path = workbook(tmp_path / "ahrefs.xlsx", {"Backlinks": [
        ["Referring page title", "Referring page URL", "Domain rating", "UR", "Target URL", "Anchor", "Nofollow",
         "First seen", "Links in group"],
        ["Gear, reviewed", " outdoor.example.org/gear ", 54, 12.5, "https://trailgear.example.com/", "multi\nline",
         False, dt.datetime(2023, 4, 18, 10, 12), 1],
        [None, None, None, None, None, None, None, None, None],  # an empty row is no row
        ["2024", "https://b.example.net/", "7", None, "https://trailgear.example.com/x", 2024, "TRUE",
         dt.datetime(2024, 1, 2), None],
    ]})
    fmt = detect_format(path)
    assert (fmt.vendor, fmt.encoding, fmt.delimiter, fmt.sheet, fmt.header_row) == ("ahrefs", "xlsx", "", "Backlinks", 0)
    assert list(read_exports([path])) == [
        Backlink(row=0, source_url="http://outdoor.example.org/gear", target_url="https://trailgear.example.com/",
                 anchor="multi\nline", export_file=str(path), export={
                     "export_title": "Gear, reviewed", "export_domain_rating": 54, "export_url_rating": 12.5,
                     "export_nofollow": False, "export_first_seen": "2023-04-18 10:12:00",
                     "export_links_in_group": 1}),
        Backlink(row=1, source_url="https://b.example.net/", target_url="https://trailgear.example.com/x",
                 anchor="2024", export_file=str(path), export={
                     "export_title": "2024", "export_domain_rating": 7, "export_url_rating": None,
                     "export_nofollow": True, "export_first_seen": "2024-01-02", "export_links_in_group": None}),
    ]


def test_header_on_a_later_sheet_after_a_preamble(tmp_path):
    path = workbook(tmp_path / "gsc.xlsx", {
        "Chart": [["Date", "Links"], ["2024-05-01", 3]],
        "Tabelle": [["Export von Search Console"], [], ["Verweisende Seite", "Zuletzt gecrawlt"],
                    ["https://blog.example.org/p", dt.date(2024, 5, 1)]],
    })
    fmt = detect_format(path)
    assert (fmt.vendor, fmt.variant, fmt.sheet, fmt.header_row) == ("gsc", "latest links (German)", "Tabelle", 2)
    with pytest.warns(UserWarning, match="read sheet 'Tabelle' .*; not read: 'Chart';"):
        read = list(read_exports([path], site="https://trailgear.example.com/"))
    assert read == [
        Backlink(row=0, source_url="https://blog.example.org/p", target_url="https://trailgear.example.com/",
                 export_file=str(path), export={"export_last_seen": "2024-05-01"}),
    ]


def test_xlsx_with_unknown_columns(tmp_path):
    path = workbook(tmp_path / "x.xlsx", {"S": [["foo", "bar"], [1, 2]]})
    with pytest.raises(InputError, match=r"columns found: 'foo', 'bar'; closest known format"):
        detect_format(path)


def test_xlsx_rows_follow_csv_rows_in_numbering(tmp_path):
    book = workbook(tmp_path / "a.xlsx", {"S": [["source_url"], ["https://a.example.org/"], ["https://b.example.org/"]]})
    text = tmp_path / "b.csv"
    text.write_text("source_url\nhttps://c.example.org/\n", encoding="utf-8")
    assert [(b.row, b.source_url) for b in read_exports([book, text, book])] == [
        (0, "https://a.example.org/"), (1, "https://b.example.org/"), (2, "https://c.example.org/"),
        (3, "https://a.example.org/"), (4, "https://b.example.org/")]


def test_search_console_xlsx_recognised_by_shape(tmp_path):
    path = workbook(tmp_path / "gsc.xlsx", {"Tabela": [["Strona linkująca", "Ostatnie indeksowanie"],
                                                       ["https://a.example.org/x", dt.date(2024, 5, 1)]]})
    fmt = detect_format(path)
    assert (fmt.vendor, fmt.variant, fmt.sheet) == ("gsc", "latest links (header language not recognised)", "Tabela")
    assert [(b.source_url, b.export) for b in read_exports([path], site="https://t.example.com/")] == [
        ("https://a.example.org/x", {"export_last_seen": "2024-05-01"})]


def _damaged_copy(source, target, part, change):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, change(data) if name == part else data)
    return target


@pytest.mark.parametrize("part, change, where", [
    ("xl/worksheets/sheet1.xml", lambda data: data[:300] + b"<<", "sheet 'Links' is damaged"),  # at its header
    ("xl/worksheets/sheet1.xml", lambda data: data[: len(data) * 4 // 5] + b"<<", "sheet 'Links' is damaged"),
    ("xl/styles.xml", lambda data: b"<broken", "cannot open it as an Excel workbook"),
    # a cell pointing past the shared strings (their part lost or cut): an IndexError inside openpyxl
    ("xl/worksheets/sheet1.xml",
     lambda data: data.replace(b'<row r="2">', b'<row r="2"><c r="F2" t="s"><v>99</v></c>', 1),
     "sheet 'Links' is damaged after row 1"),
])
def test_a_damaged_workbook_part_is_one_line_not_a_traceback(tmp_path, part, change, where):
    """Broken XML inside a workbook (a bad copy, a tool's bug) raised a ParseError traceback, while rows were read."""
    good = workbook(tmp_path / "good.xlsx", {"Links": [["source_url", "target_url"]] + [
        [f"https://a{i}.example.org/", "https://t.example/"] for i in range(3000)]})
    path = _damaged_copy(good, tmp_path / "damaged.xlsx", part, change)
    with pytest.raises(InputError) as error:
        list(read_exports([path]))
    message = str(error.value)
    assert where in message and "export it again or save it as CSV" in message and "\n" not in message


def test_a_preamble_row_that_names_a_generic_column_is_not_the_header(tmp_path):
    path = workbook(tmp_path / "report.xlsx", {"Backlinks": [
        ["Source", "Ahrefs"], [],
        ["Referring page URL", "Target URL", "Anchor"],
        ["https://a.example.org/", "https://t.example/boots", "x"]]})
    assert (detect_format(path).vendor, detect_format(path).header_row) == ("ahrefs", 2)
    assert [(b.source_url, b.target_url) for b in read_exports([path])] == [
        ("https://a.example.org/", "https://t.example/boots")]


def test_a_table_that_goes_on_in_later_sheets_is_read_whole(tmp_path):
    """A table longer than Excel's 1,048,576 rows goes on in the next sheet, header repeated (linktriage's own
    workbooks do this, and so do exports split by hand). Only the first sheet was read: the rest was lost silently."""
    header = ["Source url", "Target url", "Anchor"]

    def rows(numbers):
        return [[f"https://s{i}.example.org/p", "https://shop.example.com/", f"a{i}"] for i in numbers]

    path = workbook(tmp_path / "semrush.xlsx", {
        "Notes": [["Exported for the Q3 audit"]],  # before the table: not rows, as before
        "backlinks": [header, *rows(range(3))],
        "Summary": [["Referring domains", "Backlinks"], [3, 5]],  # another table: not rows
        "backlinks 2": [header, *rows(range(3, 5))],
        "backlinks 3": [["Source url", "Target url"], *rows(range(5, 6))],  # another header: not the same table
    })
    assert detect_format(path).sheet == "backlinks"
    with pytest.warns(UserWarning, match="not read: 'Notes', 'Summary', 'backlinks 3';"):
        read = list(read_exports([path]))
    assert [b.source_url for b in read] == [f"https://s{i}.example.org/p" for i in range(5)]
    assert [b.row for b in read] == list(range(5))


def _with_cached_values(path, cached: dict[str, str]):
    """Give formula cells the shown value Excel stores beside the formula (openpyxl writes none)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        xml = re.sub(rf'<c r="{ref}"><f>(.*?)</f><v></v></c>', rf'<c r="{ref}" t="str"><f>\1</f><v>{value}</v></c>', xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


def test_a_hyperlink_formula_gives_its_url_in_url_columns_and_its_label_in_the_anchor(tmp_path):
    """formats.md says =HYPERLINK("url", "label") gives its url: in a workbook the shown label was read (the
    source "click here" was an error row), or nothing when the file held no computed value."""
    path = workbook(tmp_path / "linked.xlsx", {"Links": [
        ["Source URL", "Target URL", "Anchor"],
        ['=HYPERLINK("https://a.example.org/p","click here")', "https://t.example/",
         '=HYPERLINK("https://t.example/","best boots")'],
        ['=HYPERLINK("https://b.example.org/q")', '=HYPERLINK("https://t.example/x","target")', "plain"],
        ["https://c.example.org/", "https://t.example/", "=1+1"],
    ]})
    _with_cached_values(path, {"A2": "click here", "C2": "best boots", "A3": "https://b.example.org/q",
                               "B3": "target", "C4": "2"})
    rows = list(read_exports([path]))
    assert [(b.source_url, b.target_url, b.anchor, b.error) for b in rows] == [
        ("https://a.example.org/p", "https://t.example/", "best boots", ""),
        ("https://b.example.org/q", "https://t.example/x", "plain", ""),
        ("https://c.example.org/", "https://t.example/", "2", ""),  # other formulas: their computed value
    ]
    assert {type(value) for b in rows for value in (b.source_url, b.target_url, b.anchor)} == {str}


def test_cells_excel_linked_itself_give_their_address_in_url_columns(tmp_path):
    """A cell showing "click here" with a hyperlink made by Insert > Link (not a formula) was read as its label:
    the row was an error, "not a URL (contains spaces)". Its address is kept apart from the cell values, which
    read-only openpyxl streams without it; links inside the workbook and label cells without links are as before."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Links"
    for row in (["Source URL", "Target URL", "Anchor"], ["click here", "https://t.example/", "best boots"],
                ["https://b.example.org/q", "our shop", "plain"], ["see sheet 2", "https://t.example/", "x"],
                ["https://c.example.org/", "https://t.example/", "shown"]):
        sheet.append(row)
    sheet["A2"].hyperlink = "https://a.example.org/p"
    sheet["B3"].hyperlink = "https://t.example/x"
    sheet["C3"].hyperlink = "https://t.example/ignored"  # an anchor cell reads its label
    sheet["A4"].hyperlink = "#Links!A1"  # a place in the workbook: no address
    book.save(tmp_path / "linked.xlsx")
    rows = list(read_exports([str(tmp_path / "linked.xlsx")]))
    assert [(b.source_url, b.target_url, b.anchor, b.error) for b in rows] == [
        ("https://a.example.org/p", "https://t.example/", "best boots", ""),
        ("https://b.example.org/q", "https://t.example/x", "plain", ""),
        ("see sheet 2", "https://t.example/", "x", "not a URL (contains spaces)"),
        ("https://c.example.org/", "https://t.example/", "shown", ""),
    ]
    assert {type(value) for b in rows for value in (b.source_url, b.target_url, b.anchor)} == {str}


def test_the_sheet_with_the_export_is_read_not_a_summary_or_hidden_sheet_in_front_and_the_others_are_named(tmp_path):
    """The first sheet with any known header was read: a summary's "url | https://client/" line passed for a
    one-column header (0 rows, or the client's home page as the only backlink), and a hidden stale sheet was read
    instead of the visible export. Which sheet was read was never said."""
    ahrefs = [["Referring page URL", "Target URL", "Anchor"], ["https://a.example.org/", "https://t.example/", "x"]]
    summary = [["Metric", "Value"], ["Total backlinks", 1], ["url", "https://t.example/"]]
    overview = [["URL", "Referring domains"], ["https://t.example/", 1]]
    for sheets, read, unread in [
        ({"Summary": summary, "Links": ahrefs, "Notes": [["checked by Ann"]]}, "Links", ("Summary", "Notes")),
        ({"Overview": overview, "Backlinks": ahrefs}, "Backlinks", ("Overview",)),
        ({"old": [ahrefs[0], ["https://stale.example.org/", "https://t.example/", "y"]], "current": ahrefs},
         "current", ("old",)),
    ]:
        path = workbook(tmp_path / "audit.xlsx", sheets)
        if "old" in sheets:
            from openpyxl import load_workbook

            book = load_workbook(path)
            book["old"].sheet_state = "hidden"
            book.save(path)
        fmt = detect_format(path)
        assert (fmt.vendor, fmt.sheet, fmt.unread_sheets) == ("ahrefs", read, unread)
        with pytest.warns(UserWarning, match=f"audit.xlsx: read sheet '{read}' \\(Ahrefs backlinks\\); not read: "
                                             f"'{unread[0]}'"):
            rows = list(read_exports([path]))
        assert [(b.source_url, b.target_url) for b in rows] == [("https://a.example.org/", "https://t.example/")]


def test_a_workbook_of_one_table_is_read_without_a_word(tmp_path, recwarn):
    header = ["Source url", "Target url", "Anchor"]
    path = workbook(tmp_path / "semrush.xlsx", {
        "backlinks": [header, ["https://s.example.org/p", "https://shop.example.com/", "a"]],
        "backlinks 2": [header, ["https://s2.example.org/p", "https://shop.example.com/", "b"]], "empty": []})
    assert len(list(read_exports([path]))) == 2
    assert detect_format(path).unread_sheets == () and not recwarn.list


def test_numbers_shown_in_a_date_format_keep_their_number(tmp_path):
    """A date format pasted over a metric column: openpyxl reads the cell as a date (Domain Rating 74 as
    1900-03-14), which became ISO text and then no value at all, without a word. Dates in date columns stay dates."""
    from openpyxl import load_workbook

    path = workbook(tmp_path / "ahrefs.xlsx", {"Backlinks": [
        ["Referring page URL", "Target URL", "Anchor", "Domain rating", "UR", "First seen"],
        ["https://a.example.org/", "https://t.example/", "x", 74, 0.5, dt.datetime(2024, 1, 2)]]})
    book = load_workbook(path)
    book["Backlinks"]["D2"].number_format = "yyyy-mm-dd"
    book["Backlinks"]["E2"].number_format = "h:mm"
    book.save(path)
    [read] = read_exports([path])
    assert read.export["export_domain_rating"] == 74 and read.export["export_url_rating"] == 0.5
    assert read.export["export_first_seen"] == "2024-01-02"


def test_merged_cells_give_every_row_of_the_range_their_value(tmp_path):
    """An export tidied in Excel merges a source URL over the rows of its links (and a label or a date over a
    group): read-only openpyxl gives the value to the range's first row only, and the others were error rows,
    "no source URL". Every row of a merged range now reads its value; a merged title over the header (a preamble)
    and a range merged across columns of one row are as before."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Backlinks"
    for row in (["Audit of shop.example", None, None, None], ["Source URL", "Target URL", "Anchor", "Label"],
                ["https://a.example.org/p", "https://shop.example/1", "boots", "editorial"],
                [None, "https://shop.example/2", "tents", None],
                [None, "https://shop.example/3", "stoves", None],
                ["https://b.example.net/", "https://shop.example/", "shop", "spam"],
                ["https://c.example.com/", "https://shop.example/4", "wide anchor", None]):
        sheet.append(row)
    sheet.merge_cells("A1:D1")  # a title over the table
    sheet.merge_cells("A3:A5")  # one source over its three links
    sheet.merge_cells("D3:D5")
    sheet.merge_cells("C7:D7")  # across columns: the anchor spills into the label column, which stays empty
    book.save(tmp_path / "merged.xlsx")
    rows = list(read_exports([str(tmp_path / "merged.xlsx")]))
    assert [(b.source_url, b.target_url, b.anchor, b.error) for b in rows] == [
        ("https://a.example.org/p", "https://shop.example/1", "boots", ""),
        ("https://a.example.org/p", "https://shop.example/2", "tents", ""),
        ("https://a.example.org/p", "https://shop.example/3", "stoves", ""),
        ("https://b.example.net/", "https://shop.example/", "shop", ""),
        ("https://c.example.com/", "https://shop.example/4", "wide anchor", ""),
    ]
    assert [b.export.get("export_label") for b in rows] == ["editorial", "editorial", "editorial", "spam", None]


def test_merged_ranges_over_blank_rows_a_prefixed_sheet_and_a_bad_range(tmp_path):
    """A blank row inside a merged range (a spacer, or a merge drawn past the table's end) is no row, as without
    the merge; a sheet written with a namespace prefix (<x:mergeCell>, as the .NET Open XML SDK writes) has its
    merges read; a range without a row or a column is damage, said in one line (QA of the merged cells)."""
    book = Workbook()
    sheet = book.active
    for row in (["Source URL", "Target URL", "Anchor"], ["https://a.example/", "https://t.example/1", "a"],
                [None, "https://t.example/2", "b"], [None, None, None], [None, "https://t.example/3", "c"]):
        sheet.append(row)
    sheet.merge_cells("A2:A8")  # over a spacer row and past the last row
    book.save(tmp_path / "spaced.xlsx")
    rows = list(read_exports([str(tmp_path / "spaced.xlsx")]))
    assert [(b.source_url, b.target_url, b.error) for b in rows] == [
        ("https://a.example/", f"https://t.example/{n}", "") for n in (1, 2, 3)]

    def rewritten(name: str, change) -> str:
        source, target = tmp_path / "spaced.xlsx", tmp_path / name
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
            for item in old.infolist():
                data = old.read(item.filename)
                new.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
        return str(target)

    def prefixed(xml: bytes) -> bytes:  # every element of the sheet in the x: prefix
        return re.sub(rb"<(/?)(?!\?)([A-Za-z]+)", rb"<\1x:\2", xml).replace(b"xmlns=", b"xmlns:x=", 1)

    rows = list(read_exports([rewritten("prefixed.xlsx", prefixed)]))
    assert [b.source_url for b in rows] == ["https://a.example/"] * 3
    for ref in (b"A", b"", b"5:7"):
        path = rewritten("bad.xlsx", lambda xml: xml.replace(b'ref="A2:A8"', b'ref="' + ref + b'"'))
        with pytest.raises(InputError, match=r"damaged|merged") as caught:
            list(read_exports([path]))
        assert "\n" not in str(caught.value)
