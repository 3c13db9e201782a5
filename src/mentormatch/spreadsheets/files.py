"""Writing tables to CSV and `.xlsx`, and reading an uploaded file back into rows of text.

Reading refuses, before anything is stored, a file that is too large, holds too many rows,
is neither CSV nor `.xlsx`, is not text in a known encoding, or is an `.xlsx` whose parts
unpack to far more than the file (a zip bomb). `.xlsx` formulas are read as the values
the spreadsheet program last computed, never as formulas.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from starlette.responses import Response

from mentormatch.errors import Invalid
from mentormatch.i18n import N_, said

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An .xlsx is a zip: its parts may unpack to at most this many times the file, and never
# beyond UNPACKED_MAX bytes (a spreadsheet of 20,000 rows unpacks to ~20 MB).
UNPACK_RATIO = 100
UNPACKED_MAX = 200 * 1024 * 1024


@dataclass(frozen=True)
class Sheet:
    """One table of an export: its name (the .xlsx tab), column headers and rows."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


def attachment(sheets: Sequence[Sheet], format: str, name: str, csv_sheet: int = 0) -> Response:
    """The sheets as a file to save as `name`: a CSV holds `sheets[csv_sheet]`, an .xlsx
    workbook every sheet, a tab each."""
    if format == "csv":
        content, media = to_csv(sheets[csv_sheet]), CSV_TYPE
    else:
        content, media = to_xlsx(sheets), XLSX_TYPE
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=media, headers=disposition)


def to_csv(sheet: Sheet) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark (so Excel reads it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(sheet.columns)
    writer.writerows(sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The tables as one workbook, a tab each, every text cell stored as text."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        tab = book.create_sheet(sheet.name[:31])
        tab.append(list(sheet.columns))
        for row in sheet.rows:
            tab.append([_storable(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _storable(value: Any) -> Any:
    """A value a workbook can hold: control characters (which a text answer may contain and
    the .xlsx format cannot) dropped; the CSV keeps them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


# ---- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """An uploaded file read as text: its header row and data rows (row 2 onwards), with
    each row's number as the spreadsheet shows it."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def _limits(size: int, max_bytes: int) -> None:
    if size == 0:
        raise Invalid(N_("file: the file is empty"), field="file")
    if size > max_bytes:
        raise Invalid(
            said(
                "file: the file is %(size)s MB; the most one import takes is "
                "%(max_bytes)s MB — split it into smaller files",
                size=format(size / 1e6, ".1f"),
                max_bytes=format(max_bytes / 1e6, ".0f"),
            ),
            field="file",
        )


def read_table(content: bytes, filename: str, *, max_bytes: int, max_rows: int) -> Table:
    """Read an uploaded CSV or .xlsx into text; 422 naming `file` for anything refused."""
    _limits(len(content), max_bytes)
    if content[:4] == b"PK\x03\x04":
        table = _read_xlsx(content, max_rows)
    elif filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods", ".zip")):
        raise Invalid(
            N_("file: this is not an .xlsx workbook that can be read; save it as .xlsx or CSV"),
            field="file",
        )
    else:
        table = _read_csv(content, max_rows)
    if not any(h.strip() for h in table.header):
        raise Invalid(N_("file: the first row must name the columns; it is empty"), field="file")
    return table


def _decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 with one; anything else refused."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif b"\x00" in content[:4096]:
        raise Invalid(
            N_("file: this is not a CSV or .xlsx file (it holds binary data)"), field="file"
        )
    else:
        encoding = "utf-8-sig"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise Invalid(
            N_(
                "file: the file is not in the UTF-8 encoding; in Excel choose Save As "
                "'CSV UTF-8', or save it as .xlsx"
            ),
            field="file",
        ) from exc


def _read_csv(content: bytes, max_rows: int) -> Table:
    decoded = _decode(content).lstrip("\ufeff")
    first = decoded.split("\n", 1)[0]
    delimiter = (
        ";"
        if first.count(";") > first.count(",")
        else ("\t" if first.count("\t") > first.count(",") else ",")
    )
    try:
        reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
        header = next(reader, [])
        rows: list[tuple[int, list[str]]] = []
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue  # blank rows are skipped, not errors
            if len(rows) == max_rows:
                raise _too_many(max_rows)
            rows.append((number, row))
    except csv.Error as exc:
        raise Invalid(
            said("file: this is not a CSV file that can be read (%(exc)s)", exc=exc), field="file"
        ) from exc
    return Table([h.strip() for h in header], rows)


def _too_many(max_rows: int) -> Invalid:
    return Invalid(
        said(
            "file: the file has more than %(max_rows)s rows; the most one import "
            "takes is %(max_rows)s — split it into smaller files",
            max_rows=format(max_rows, ","),
        ),
        field="file",
    )


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > min(UNPACKED_MAX, UNPACK_RATIO * len(content)):
            raise Invalid(
                N_(
                    "file: the workbook unpacks to far more than its size (a damaged or "
                    "malicious file); it was not read"
                ),
                field="file",
            )
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise Invalid(
            N_("file: this is not an .xlsx workbook that can be read; save it as .xlsx or CSV"),
            field="file",
        ) from exc
    try:
        sheet = book.worksheets[0]
        if sheet.max_row is not None and sheet.max_row > 10 * max_rows:
            raise _too_many(max_rows)
        values = sheet.iter_rows(values_only=True)
        header = [_as_text(v).strip() for v in next(values, ())]
        rows: list[tuple[int, list[str]]] = []
        for number, row in enumerate(values, start=2):
            cells = [_as_text(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if len(rows) == max_rows:
                raise _too_many(max_rows)
            rows.append((number, cells))
    finally:
        book.close()
    return Table(header, rows)


def _as_text(value: Any) -> str:
    """An .xlsx cell as text: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "hour"):  # datetime
        return value.date().isoformat() if not (value.hour or value.minute) else str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
