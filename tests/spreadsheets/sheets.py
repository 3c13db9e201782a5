"""Spreadsheets for the import tests: a messy mentors file as people really send them."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook

# Headers in any case and spacing, synonyms, trailing spaces: what the import must read.
MESSY_HEADER = ["Member ID", " E-Mail ", "FIRST NAME", "Sex", "Year of Birth", "languages",
                "Time zone", "Substance history", "Recovery Pathways", "MAT affirming",
                "Meeting mode", "Sobriety Date", "Max mentees", "Program"]  # fmt: skip
# Two problems: an unknown substance (row 3) and a date that is not one (row 5); row 4 is
# blank; row 6 repeats row 2's email.
MESSY_ROWS = [
    ["M-001", "alex@example.org ", "Alex", "M", "1980", "English; Spanish", "America/Chicago",
     "heroin, Alcohol", "AA, NA", "Y", "Video call; phone", "3/1/2018", "2", "main"],
    ["M-002", "bea@example.org", " Bea ", "female", "1975", "en", "America/New_York",
     "glue sniffing", "SMART", "no", "video", "2015-06-30", "1", "main"],
    ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["M-003", "cy@example.org", "Cy", "Non-binary", "1990", "en", "UTC",
     "Methamphetamine", "", "TRUE", "text", "last spring", "3", "main"],
    ["M-004", "ALEX@example.org", "Alexander", "man", "1981", "en", "UTC",
     "alcohol", "", "0", "phone", "2019-01-01", "1", "main"],
]  # fmt: skip


def fixed_rows() -> list[list[str]]:
    """The messy rows with their problems corrected (and the duplicate taken out)."""
    rows = [list(r) for r in MESSY_ROWS[:4]]
    rows[1][7] = "Inhalants"
    rows[3][11] = "4/15/2016"
    return rows


def to_csv(header: Sequence[str], rows: Sequence[Sequence[str]], *, delimiter: str = ";",
           bom: bool = True) -> bytes:  # fmt: skip
    """A CSV as European Excel saves it: semicolons, a byte-order mark, CRLF."""
    out = io.StringIO()
    for row in [header, *rows]:
        out.write(delimiter.join(_quoted(c, delimiter) for c in row) + "\r\n")
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def _quoted(cell: str, delimiter: str) -> str:
    return f'"{cell}"' if delimiter in cell or '"' in cell else cell


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[str]],
            formulas: dict[str, tuple[str, str]] | None = None) -> bytes:  # fmt: skip
    """A workbook; `formulas` turns cells (e.g. 'C2') into a formula with a cached value, as a
    spreadsheet program saves them: (formula, value)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    if not formulas:
        return out.getvalue()
    return _with_formulas(out.getvalue(), formulas)


def _with_formulas(content: bytes, formulas: dict[str, tuple[str, str]]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for ref, (formula, value) in formulas.items():
                    xml, n = re.subn(
                        rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)',
                        f'<c r="{ref}" t="str"><f>{formula}</f><v>{value}</v></c>',
                        xml,
                    )
                    assert n == 1, ref
                data = xml.encode()
            dst.writestr(item, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """An .xlsx-looking zip whose one part unpacks to 300 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return out.getvalue()
